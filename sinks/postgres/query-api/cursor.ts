import { createHash } from 'node:crypto';
import { OmnistreamError } from '../../../lib/errors.js';

/**
 * Opaque keyset cursors. A cursor carries the last row's sort key and a fingerprint of the filters
 * it was issued for, so it cannot silently be replayed against another query.
 */

/** A cursor this API did not issue, or issued for other filters: the client's mistake (400). */
export class CursorError extends OmnistreamError {
  override name = 'CursorError';
  constructor(message: string) {
    super('cursor', message);
  }
}

/** Postgres' exact text of a timestamptz in UTC, microseconds included (see ORDER_CURSOR_AT in queries.ts). */
const PG_UTC_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export const filterFingerprint = (filters: Record<string, unknown>): string => {
  const stable = Object.keys(filters)
    .sort()
    .map((k) => [k, filters[k] ?? null]);
  return createHash('sha256').update(JSON.stringify(stable)).digest('base64url').slice(0, 12);
};

const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function decode(cursor: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new CursorError('invalid cursor');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('invalid cursor');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CursorError('invalid cursor');
  return value as Record<string, unknown>;
}

const checkFilters = (c: Record<string, unknown>, fingerprint: string) => {
  if (c.f !== fingerprint) throw new CursorError('cursor was issued for other filters: repeat the first request without cursor');
};
const isText = (v: unknown, max = 1000): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** Orders: newest first by (occurred_at, order_key). */
export interface OrderCursor {
  at: string;
  key: string;
}

export const encodeOrderCursor = (c: OrderCursor, fingerprint: string) => encode({ t: 'o', at: c.at, k: c.key, f: fingerprint });

export function decodeOrderCursor(cursor: string, fingerprint: string): OrderCursor {
  const c = decode(cursor);
  if (c.t !== 'o' || !isText(c.at) || !PG_UTC_MICROS.test(c.at) || !isText(c.k)) throw new CursorError('invalid cursor');
  checkFilters(c, fingerprint);
  return { at: c.at, key: c.k };
}

/** Stock: by (sku, warehouse). */
export interface StockCursor {
  sku: string;
  warehouse: string;
}

export const encodeStockCursor = (c: StockCursor, fingerprint: string) => encode({ t: 's', s: c.sku, w: c.warehouse, f: fingerprint });

export function decodeStockCursor(cursor: string, fingerprint: string): StockCursor {
  const c = decode(cursor);
  if (c.t !== 's' || !isText(c.s) || !isText(c.w)) throw new CursorError('invalid cursor');
  checkFilters(c, fingerprint);
  return { sku: c.s, warehouse: c.w };
}

/** Newest first by (a timestamp, a text key): waves (released_at, wave_id), divergences (opened_at, divergence_id). */
export interface TimeKeyCursor {
  at: string;
  key: string;
}
export type TimeKeyKind = 'wave' | 'divergence';

export const encodeTimeKeyCursor = (kind: TimeKeyKind, c: TimeKeyCursor, fingerprint: string) => encode({ t: kind, at: c.at, k: c.key, f: fingerprint });

export function decodeTimeKeyCursor(kind: TimeKeyKind, cursor: string, fingerprint: string): TimeKeyCursor {
  const c = decode(cursor);
  if (c.t !== kind || !isText(c.at) || !PG_UTC_MICROS.test(c.at) || !isText(c.k)) throw new CursorError('invalid cursor');
  checkFilters(c, fingerprint);
  return { at: c.at, key: c.k };
}
