import type { TimeKeyCursor } from './cursor.js';
import { type Queryable, quoteSchema } from './queries.js';

/**
 * SQL of the fulfilment and divergence routes: SELECTs only, every value a bind parameter, keys
 * sorted with COLLATE "C" as in queries.ts.
 */
const cursorAt = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface WaveRow {
  wave_id: string;
  warehouse: string;
  kind: string;
  flagged: boolean;
  released_at: Date;
  shipment_count: number;
  cursor_at: string;
}

export async function listWaves(
  db: Queryable,
  schema: string,
  f: { warehouse: string; kind?: string },
  after: TimeKeyCursor | undefined,
  limit: number,
): Promise<WaveRow[]> {
  const s = quoteSchema(schema);
  const params: unknown[] = [];
  const bind = (v: unknown) => `$${params.push(v)}`;
  const where = [`w.warehouse = ${bind(f.warehouse)}`];
  if (f.kind !== undefined) where.push(`w.kind = ${bind(f.kind)}`);
  if (after) where.push(`(w.released_at, w.wave_id collate "C") < (${bind(after.at)}::timestamptz, ${bind(after.key)}::text)`);
  return (
    await db.query<WaveRow>(
      `select w.wave_id, w.warehouse, w.kind, w.flagged, w.released_at, ${cursorAt('w.released_at')} as cursor_at,
            (select count(*)::int from ${s}.shipments x where x.wave_id = w.wave_id) as shipment_count
       from ${s}.waves w where ${where.join(' and ')}
      order by w.released_at desc, w.wave_id collate "C" desc limit ${bind(limit)}`,
      params,
    )
  ).rows;
}

export interface ShipmentRow {
  shipment_id: string;
  order_key: string;
  warehouse: string;
  carrier: string | null;
  service: string | null;
  flagged: boolean;
  reason: string | null;
  routed_at: Date | null;
  cutoff_at: Date | null;
  wave_id: string | null;
  waybill_no: string | null;
  state: string | null;
  state_at: Date | null;
}
export interface WaybillRow {
  waybill_no: string;
  carrier: string | null;
  shipment_id: string;
  issued_at: Date;
}
export interface WaybillFailureRow {
  event_id: string;
  shipment_id: string;
  carrier: string | null;
  reason: string | null;
  failed_at: Date;
}
export interface TimelineRow {
  event_id: string;
  source: string;
  status: string;
  detail: string;
  occurred_at: Date;
}

export async function getFulfilment(
  db: Queryable,
  schema: string,
  orderKey: string,
): Promise<{
  shipments: ShipmentRow[];
  waybills: WaybillRow[];
  failures: WaybillFailureRow[];
  timeline: TimelineRow[];
}> {
  const s = quoteSchema(schema);
  const shipments = (
    await db.query<ShipmentRow>(
      `select shipment_id, order_key, warehouse, carrier, service, flagged, reason, routed_at, cutoff_at, wave_id, waybill_no, state, state_at
       from ${s}.shipments where order_key = $1 order by shipment_id collate "C"`,
      [orderKey],
    )
  ).rows;
  const waybills = (
    await db.query<WaybillRow>(
      `select waybill_no, carrier, shipment_id, issued_at from ${s}.waybills where order_key = $1 order by issued_at, waybill_no collate "C"`,
      [orderKey],
    )
  ).rows;
  const failures = (
    await db.query<WaybillFailureRow>(
      `select event_id, shipment_id, carrier, reason, failed_at from ${s}.waybill_failures where order_key = $1 order by failed_at, event_id collate "C"`,
      [orderKey],
    )
  ).rows;
  const timeline = (
    await db.query<TimelineRow>(
      `select event_id, source, status, detail, occurred_at from ${s}.order_timeline where order_key = $1 order by occurred_at, recorded_at, event_id collate "C"`,
      [orderKey],
    )
  ).rows;
  return { shipments, waybills, failures, timeline };
}

export interface DivergenceRow {
  divergence_id: string;
  order_key: string;
  channel: string;
  type: string;
  state: string;
  channel_view: string | null;
  hub_view: string | null;
  warehouse_view: string | null;
  carrier_view: string | null;
  since: Date;
  opened_at: Date;
  escalated_at: Date | null;
  resolved_at: Date | null;
  duration_ms: string | null;
  resolution: string | null;
  action: string | null;
  updated_at: Date;
  cursor_at: string;
}

export interface DivergenceFilters {
  type?: string;
  channel?: string;
  /** open (default): OPENED or ESCALATED; all: resolved ones too. */
  state?: 'open' | 'all';
}

/** Divergences, most recently opened first. */
export async function listDivergences(
  db: Queryable,
  schema: string,
  f: DivergenceFilters,
  after: TimeKeyCursor | undefined,
  limit: number,
): Promise<DivergenceRow[]> {
  const params: unknown[] = [];
  const bind = (v: unknown) => `$${params.push(v)}`;
  const where: string[] = [];
  if ((f.state ?? 'open') === 'open') where.push(`d.state <> 'RESOLVED'`);
  if (f.type !== undefined) where.push(`d.type = ${bind(f.type)}`);
  if (f.channel !== undefined) where.push(`d.channel = ${bind(f.channel)}`);
  if (after) where.push(`(d.opened_at, d.divergence_id collate "C") < (${bind(after.at)}::timestamptz, ${bind(after.key)}::text)`);
  return (
    await db.query<DivergenceRow>(
      `select d.divergence_id, d.order_key, d.channel, d.type, d.state, d.channel_view, d.hub_view, d.warehouse_view, d.carrier_view,
            d.since, d.opened_at, d.escalated_at, d.resolved_at, d.duration_ms, d.resolution, d.action, d.updated_at, ${cursorAt('d.opened_at')} as cursor_at
       from ${quoteSchema(schema)}.divergences d ${where.length ? `where ${where.join(' and ')}` : ''}
      order by d.opened_at desc, d.divergence_id collate "C" desc limit ${bind(limit)}`,
      params,
    )
  ).rows;
}
