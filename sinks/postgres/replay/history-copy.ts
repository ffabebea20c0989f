import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { InventoryEvent } from '../../../topics/schemas/inventory-event.js';
import { insertTimeline, type TimelineRow } from '../projection/sql.js';
import { appendDecisions } from '../projection.js';

/**
 * The append-only history of a replay batch (order_timeline, inventory_decisions) loaded with COPY:
 * far cheaper for the server than the live sink's INSERT … SELECT FROM unnest(arrays). COPY has no
 * ON CONFLICT, so if any event id is already there (the log holds a redelivered copy of an event)
 * the COPY fails whole and the batch goes in the live sink's way instead (first row per event id
 * wins): the rows are the same either way.
 */
export async function copyHistory(
  client: pg.ClientBase,
  schema: string,
  timeline: readonly TimelineRow[],
  decisions: readonly InventoryEvent[],
): Promise<void> {
  if (timeline.length > 0) {
    await copyOr(
      client,
      `copy ${schema}.order_timeline (event_id, order_key, source, status, detail, occurred_at) from stdin`,
      timeline,
      (r) => [r.id, r.key, r.source, r.status, r.detail, at(r.at)],
      () => insertTimeline(client, schema, [...timeline]),
    );
  }
  if (decisions.length > 0) {
    await copyOr(
      client,
      `copy ${schema}.inventory_decisions (event_id, kind, order_key, sku, warehouse, quantity, reason, occurred_at) from stdin`,
      decisions,
      (d) => [d.eventId, d.kind, d.orderKey, d.sku, d.warehouse, String(d.quantity), d.reason, at(d.occurredAt)],
      () => appendDecisions(client, schema, [...decisions]),
    );
  }
}

const UNIQUE_VIOLATION = '23505';

async function copyOr<R>(
  client: pg.ClientBase,
  sql: string,
  rows: readonly R[],
  fields: (r: R) => (string | null)[],
  fallback: () => Promise<void>,
): Promise<void> {
  // Outside a transaction: a failed COPY leaves nothing behind.
  try {
    await pipeline(Readable.from(copyText(rows, fields)), client.query(copyFrom(sql)));
  } catch (err) {
    if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
    await fallback();
  }
}

/** COPY text format, a few thousand rows per chunk. */
export function* copyText<R>(rows: readonly R[], fields: (r: R) => (string | null)[]): Generator<string> {
  const CHUNK = 2000;
  let out = '';
  for (let i = 0; i < rows.length; i++) {
    const f = fields(rows[i]!);
    let line = copyField(f[0] as string | null);
    for (let j = 1; j < f.length; j++) line += `\t${copyField(f[j] as string | null)}`;
    out += `${line}\n`;
    if ((i + 1) % CHUNK === 0) {
      yield out;
      out = '';
    }
  }
  if (out !== '') yield out;
}

/** One field of COPY's text format: \N is null; backslash, tab, newline and carriage return escaped. */
export function copyField(v: string | null): string {
  if (v === null) return '\\N';
  return SPECIAL.test(v) ? v.replace(SPECIALS, (c) => ESCAPES[c]!) : v;
}
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Epoch ms as an exact timestamptz literal (the same instant as the live sink's to_timestamp(ms / 1000)). */
const at = (ms: number) => new Date(ms).toISOString();
