import type pg from 'pg';
import type { FulfilmentEvent, FulfilmentEventKind } from '../../../topics/schemas/fulfilment-event.js';
import { type OrderStatus, STATUS_RANK } from '../../../topics/schemas/order-event.js';
import type { Shipment } from '../../../topics/schemas/shipment.js';
import { column, ms, type TimelineRow } from './sql.js';

/**
 * How far a shipment has come. Failures and exceptions (WAYBILL_FAILED, INTERCEPT_FAILED,
 * CARRIER_EXCEPTION) change no state: they are in the timeline and, for waybills, waybill_failures.
 * INTERCEPTED ranks highest: a stopped parcel goes nowhere after it.
 */
export const SHIPMENT_STATE_RANK: Readonly<Partial<Record<FulfilmentEventKind, number>>> = {
  ROUTED: 1,
  WAVED: 2,
  WAYBILL_ISSUED: 3,
  PICKED: 4,
  PACKED: 5,
  SHIPPED: 6,
  COLLECTED: 7,
  IN_TRANSIT: 8,
  DELIVERED: 9,
  INTERCEPTED: 10,
};

/** Fulfilment facts that move the order itself on, and the status words they leave in orders.channel_status. */
const HUB_ORDER_STATUS: Readonly<Partial<Record<FulfilmentEventKind, { status: OrderStatus; words: string }>>> = {
  SHIPPED: { status: 'SHIPPED', words: 'wms:scan-out' },
  DELIVERED: { status: 'DELIVERED', words: 'carrier:delivered' },
};

/** A wave's kind: catch-all when anything in it was flagged, presale by its id, normal otherwise. */
export const waveKind = (waveId: string, flagged: boolean) => (flagged ? 'catch-all' : /:presale(:|$)/.test(waveId) ? 'presale' : 'normal');

export function fulfilmentTimeline(events: readonly FulfilmentEvent[]): TimelineRow[] {
  return events.map((e) => ({
    id: e.eventId,
    key: e.orderKey,
    source: e.source,
    status: e.kind,
    at: e.occurredAt,
    detail: [e.shipmentId, e.carrier && `carrier ${e.carrier}`, e.waveId && `wave ${e.waveId}`, e.waybillNo && `waybill ${e.waybillNo}`, e.reason]
      .filter(Boolean)
      .join('; '),
  }));
}

/** Order keys whose hub status this batch may change (they take the order's lock with the channel's events). */
export const hubOrderKeys = (events: readonly FulfilmentEvent[]) => events.filter((e) => HUB_ORDER_STATUS[e.kind]).map((e) => e.orderKey);

interface ShipmentRow {
  id: string;
  orderKey: string;
  channel: string;
  warehouse: string;
  plan?: {
    rank: number;
    carrier: string | null;
    service: string | null;
    flagged: boolean;
    reason: string | null;
    routedAt: number;
    cutoffAt: number | null;
    presale: boolean | null;
    shipFrom: number | null;
    weightGrams: number | null;
    province: string | null;
    city: string | null;
    lines: string | null;
  };
  wave?: { id: string; at: number };
  waybill?: { no: string; at: number };
  state?: { name: string; rank: number; at: number };
}

const later = <T extends { at: number }>(a: T | undefined, b: T, tie: (x: T) => string) => !a || b.at > a.at || (b.at === a.at && tie(b) > tie(a));

/** One row per shipment (ON CONFLICT touches a row once per statement), each part by its own rule. */
function shipmentRows(shipments: readonly Shipment[], events: readonly FulfilmentEvent[]): ShipmentRow[] {
  const rows = new Map<string, ShipmentRow>();
  const row = (id: string, orderKey: string, channel: string, warehouse: string) => {
    let r = rows.get(id);
    if (!r) {
      r = { id, orderKey, channel, warehouse };
      rows.set(id, r);
    }
    return r;
  };
  const setPlan = (r: ShipmentRow, plan: NonNullable<ShipmentRow['plan']>) => {
    if (!r.plan || plan.rank > r.plan.rank || (plan.rank === r.plan.rank && plan.routedAt > r.plan.routedAt)) r.plan = plan;
  };
  const setState = (r: ShipmentRow, name: string, rank: number, at: number) => {
    if (!r.state || rank > r.state.rank || (rank === r.state.rank && at > r.state.at)) r.state = { name, rank, at };
  };
  for (const s of shipments) {
    const r = row(s.shipmentId, s.orderKey, s.channel, s.warehouse);
    setPlan(r, {
      rank: 2,
      carrier: s.carrier,
      service: s.service,
      flagged: s.flagged,
      reason: s.reason || null,
      routedAt: s.routedAt,
      cutoffAt: s.cutoffAt,
      presale: s.presale,
      shipFrom: s.shipFrom,
      weightGrams: s.weightGrams,
      province: s.buyerProvince,
      city: s.buyerCity,
      lines: JSON.stringify(s.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, category: l.category }))),
    });
    setState(r, 'ROUTED', SHIPMENT_STATE_RANK.ROUTED!, s.routedAt);
  }
  for (const e of events) {
    if (e.shipmentId === '') continue;
    const r = row(e.shipmentId, e.orderKey, e.channel, e.warehouse);
    if (e.kind === 'ROUTED') {
      setPlan(r, {
        rank: 1,
        carrier: e.carrier,
        service: null,
        flagged: e.flagged,
        reason: e.reason,
        routedAt: e.occurredAt,
        cutoffAt: null,
        presale: null,
        shipFrom: null,
        weightGrams: null,
        province: null,
        city: null,
        lines: JSON.stringify(e.lines),
      });
    }
    if (e.kind === 'WAVED' && e.waveId) {
      const w = { id: e.waveId, at: e.occurredAt };
      if (later(r.wave, w, (x) => x.id)) r.wave = w;
    }
    if (e.kind === 'WAYBILL_ISSUED' && e.waybillNo) {
      const w = { no: e.waybillNo, at: e.occurredAt };
      if (later(r.waybill, w, (x) => x.no)) r.waybill = w;
    }
    const rank = SHIPMENT_STATE_RANK[e.kind];
    if (rank) setState(r, e.kind, rank, e.occurredAt);
  }
  // Sorted: concurrent writers lock shipment rows in one order, so they cannot deadlock.
  return [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const PLAN_COLUMNS = [
  'plan_rank',
  'carrier',
  'service',
  'flagged',
  'reason',
  'routed_at',
  'cutoff_at',
  'presale',
  'ship_from',
  'weight_grams',
  'buyer_province',
  'buyer_city',
  'lines',
];
const NEWER_PLAN = `(excluded.plan_rank > 0 and (excluded.plan_rank, excluded.routed_at) > (shipments.plan_rank, coalesce(shipments.routed_at, '-infinity')))`;
const NEWER_WAVE = `(excluded.waved_at is not null and (shipments.waved_at is null or (excluded.waved_at, excluded.wave_id collate "C") > (shipments.waved_at, shipments.wave_id collate "C")))`;
const NEWER_WAYBILL = `(excluded.waybill_at is not null and (shipments.waybill_at is null or (excluded.waybill_at, excluded.waybill_no collate "C") > (shipments.waybill_at, shipments.waybill_no collate "C")))`;
const FURTHER_STATE = `(excluded.state_rank > 0 and (excluded.state_rank, excluded.state_at) > (shipments.state_rank, coalesce(shipments.state_at, '-infinity')))`;
const when = (cond: string, columns: string[]) => columns.map((c) => `${c} = case when ${cond} then excluded.${c} else shipments.${c} end`);

async function upsertShipments(client: pg.ClientBase, schema: string, rows: ShipmentRow[]): Promise<void> {
  if (rows.length === 0) return;
  const p = <T>(f: (r: NonNullable<ShipmentRow['plan']>) => T, none: T) => column(rows, (r) => (r.plan ? f(r.plan) : none));
  await client.query(
    `insert into ${schema}.shipments (shipment_id, order_key, channel, warehouse, ${PLAN_COLUMNS.join(', ')},
       wave_id, waved_at, waybill_no, waybill_at, state, state_rank, state_at)
     select id, ok, ch, wh, pr, ca, sv, fl, rs, ${ms('ra')}, ${ms('co')}, ps, ${ms('sf')}, wg, bp, bc, ln::jsonb,
            wi, ${ms('wa')}, wb, ${ms('wba')}, st, sr, ${ms('sa')}
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::text[], $8::boolean[], $9::text[],
                 $10::bigint[], $11::bigint[], $12::boolean[], $13::bigint[], $14::int[], $15::text[], $16::text[], $17::text[],
                 $18::text[], $19::bigint[], $20::text[], $21::bigint[], $22::text[], $23::smallint[], $24::bigint[])
          as u(id, ok, ch, wh, pr, ca, sv, fl, rs, ra, co, ps, sf, wg, bp, bc, ln, wi, wa, wb, wba, st, sr, sa)
     on conflict (shipment_id) do update set
       ${[
         ...when(NEWER_PLAN, PLAN_COLUMNS),
         ...when(NEWER_WAVE, ['wave_id', 'waved_at']),
         ...when(NEWER_WAYBILL, ['waybill_no', 'waybill_at']),
         ...when(FURTHER_STATE, ['state', 'state_rank', 'state_at']),
       ].join(',\n       ')}
     where ${NEWER_PLAN} or ${NEWER_WAVE} or ${NEWER_WAYBILL} or ${FURTHER_STATE}`,
    [
      column(rows, (r) => r.id),
      column(rows, (r) => r.orderKey),
      column(rows, (r) => r.channel),
      column(rows, (r) => r.warehouse),
      p((x) => x.rank, 0),
      p((x) => x.carrier, null),
      p((x) => x.service, null),
      p((x) => x.flagged, false),
      p((x) => x.reason, null),
      p((x) => x.routedAt, null),
      p((x) => x.cutoffAt, null),
      p((x) => x.presale, null),
      p((x) => x.shipFrom, null),
      p((x) => x.weightGrams, null),
      p((x) => x.province, null),
      p((x) => x.city, null),
      p((x) => x.lines, null),
      column(rows, (r) => r.wave?.id ?? null),
      column(rows, (r) => r.wave?.at ?? null),
      column(rows, (r) => r.waybill?.no ?? null),
      column(rows, (r) => r.waybill?.at ?? null),
      column(rows, (r) => r.state?.name ?? null),
      column(rows, (r) => r.state?.rank ?? 0),
      column(rows, (r) => r.state?.at ?? null),
    ],
  );
}

/** Waves: released at the earliest WAVED time, flagged if any member was, kind following the flag. */
async function upsertWaves(client: pg.ClientBase, schema: string, events: readonly FulfilmentEvent[]): Promise<void> {
  const waves = new Map<string, { id: string; warehouse: string; flagged: boolean; at: number }>();
  for (const e of events) {
    if (e.kind !== 'WAVED' || !e.waveId) continue;
    const w = waves.get(e.waveId);
    if (!w) waves.set(e.waveId, { id: e.waveId, warehouse: e.warehouse, flagged: e.flagged, at: e.occurredAt });
    else {
      w.flagged ||= e.flagged;
      w.at = Math.min(w.at, e.occurredAt);
    }
  }
  const rows = [...waves.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (rows.length === 0) return;
  await client.query(
    `insert into ${schema}.waves (wave_id, warehouse, kind, flagged, released_at)
     select i, w, k, f, ${ms('a')} from unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::bigint[]) as u(i, w, k, f, a)
     on conflict (wave_id) do update set
       flagged = waves.flagged or excluded.flagged,
       kind = case when waves.flagged or excluded.flagged then 'catch-all' else waves.kind end,
       released_at = least(waves.released_at, excluded.released_at)
     where (excluded.flagged and not waves.flagged) or excluded.released_at < waves.released_at`,
    [
      column(rows, (r) => r.id),
      column(rows, (r) => r.warehouse),
      column(rows, (r) => waveKind(r.id, r.flagged)),
      column(rows, (r) => r.flagged),
      column(rows, (r) => r.at),
    ],
  );
}

/** Waybills as issued (the first issue of a number wins: one partition, offset order), and failures with their reason. */
async function insertWaybills(client: pg.ClientBase, schema: string, events: readonly FulfilmentEvent[]): Promise<void> {
  const issued = [
    ...new Map(
      events
        .filter((e) => e.kind === 'WAYBILL_ISSUED' && e.waybillNo)
        .reverse()
        .map((e) => [e.waybillNo!, e] as const),
    ).values(),
  ];
  if (issued.length > 0) {
    await client.query(
      `insert into ${schema}.waybills (waybill_no, carrier, shipment_id, order_key, issued_at, event_id)
       select n, c, s, o, ${ms('a')}, i from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[]) as u(n, c, s, o, a, i)
       on conflict (waybill_no) do nothing`,
      [
        column(issued, (e) => e.waybillNo),
        column(issued, (e) => e.carrier),
        column(issued, (e) => e.shipmentId),
        column(issued, (e) => e.orderKey),
        column(issued, (e) => e.occurredAt),
        column(issued, (e) => e.eventId),
      ],
    );
  }
  const failed = events.filter((e) => e.kind === 'WAYBILL_FAILED');
  if (failed.length > 0) {
    await client.query(
      `insert into ${schema}.waybill_failures (event_id, shipment_id, order_key, carrier, reason, failed_at)
       select i, s, o, c, r, ${ms('a')} from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) as u(i, s, o, c, r, a)
       on conflict (event_id) do nothing`,
      [
        column(failed, (e) => e.eventId),
        column(failed, (e) => e.shipmentId),
        column(failed, (e) => e.orderKey),
        column(failed, (e) => e.carrier),
        column(failed, (e) => e.reason),
        column(failed, (e) => e.occurredAt),
      ],
    );
  }
}

/**
 * The hub's furthest word per order (scan-out, delivered), kept in order_hub_status whatever the
 * arrival order; applyHubStatus then moves orders on from it. Ties go to the greater event id, as in
 * projection.ts, so the winner never depends on which event came first.
 */
async function upsertHubStatus(client: pg.ClientBase, schema: string, events: readonly FulfilmentEvent[]): Promise<void> {
  const best = new Map<string, { e: FulfilmentEvent; status: OrderStatus; words: string }>();
  for (const e of events) {
    const hub = HUB_ORDER_STATUS[e.kind];
    if (!hub) continue;
    const cur = best.get(e.orderKey);
    const further =
      !cur ||
      STATUS_RANK[hub.status] > STATUS_RANK[cur.status] ||
      (STATUS_RANK[hub.status] === STATUS_RANK[cur.status] &&
        (e.occurredAt > cur.e.occurredAt || (e.occurredAt === cur.e.occurredAt && e.eventId > cur.e.eventId)));
    if (further) best.set(e.orderKey, { e, ...hub });
  }
  const rows = [...best.values()];
  if (rows.length === 0) return;
  await client.query(
    `insert into ${schema}.order_hub_status (order_key, status, status_rank, channel_status, occurred_at, event_id)
     select k, s, r, w, ${ms('a')}, i from unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::bigint[], $6::text[]) as u(k, s, r, w, a, i)
     on conflict (order_key) do update set status = excluded.status, status_rank = excluded.status_rank, channel_status = excluded.channel_status,
       occurred_at = excluded.occurred_at, event_id = excluded.event_id
     where (excluded.status_rank, excluded.occurred_at, excluded.event_id collate "C") > (order_hub_status.status_rank, order_hub_status.occurred_at, order_hub_status.event_id collate "C")`,
    [
      column(rows, (r) => r.e.orderKey),
      column(rows, (r) => r.status),
      column(rows, (r) => STATUS_RANK[r.status]),
      column(rows, (r) => r.words),
      column(rows, (r) => r.e.occurredAt),
      column(rows, (r) => r.e.eventId),
    ],
  );
}

/** Moves orders forward to their hub status where it is further (same rule as the channel's events); never back. */
export async function applyHubStatus(client: pg.ClientBase, schema: string, orderKeys: readonly string[]): Promise<void> {
  if (orderKeys.length === 0) return;
  await client.query(
    `update ${schema}.orders o set status = h.status, status_rank = h.status_rank, channel_status = h.channel_status,
       occurred_at = h.occurred_at, last_event_id = h.event_id
     from ${schema}.order_hub_status h
     where h.order_key = o.order_key and o.order_key = any($1::text[])
       and (h.status_rank, h.occurred_at, h.event_id collate "C") > (o.status_rank, o.occurred_at, o.last_event_id collate "C")`,
    [[...new Set(orderKeys)]],
  );
}

/** Everything fulfilment writes, in a fixed table order (shipments, then waves): see writeProjection on locking. */
export async function writeFulfilment(
  client: pg.ClientBase,
  schema: string,
  events: readonly FulfilmentEvent[],
  shipments: readonly Shipment[],
): Promise<void> {
  await upsertShipments(client, schema, shipmentRows(shipments, events));
  await upsertWaves(client, schema, events);
  await insertWaybills(client, schema, events);
  await upsertHubStatus(client, schema, events);
}
