import type { FulfilmentEvent } from '../../topics/schemas/fulfilment-event.js';
import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import type { OrderEvent, OrderStatus } from '../../topics/schemas/order-event.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import { chooseCarrier } from './carrier.js';
import { campaignShipFrom, type RoutingRules, skuInfo } from './rules.js';

/**
 * The router's join, per order: what the order holds (from its order events) and which of its
 * lines the inventory processor reserved where (from inventory events, which arrive on other
 * partitions, before or after the order). Once both say "paid and fully reserved", the order is
 * routed, once; the outputs are kept so that a redelivery of the record that routed it repeats them.
 */
export interface RouteState {
  /** Input ids applied (order and inventory event ids). */
  seen: string[];
  order?: OrderContents;
  /** sku → where and how much was reserved, and when (the paying event's time). */
  reserved: Record<string, { warehouse: string; quantity: number; at: number }>;
  /** Why the order will never be routed (cancelled, released, rejected, shipped before routing). */
  closed?: string;
  routed?: RouteOutputs & { by: string; from?: string };
}

export interface OrderContents {
  orderKey: string;
  channel: string;
  shopId: string;
  /** [sku, quantity], each SKU once, sorted: the way the inventory processor holds them. */
  lines: [string, number][];
  buyerCountry: string | null;
  buyerProvince: string | null;
  buyerCity: string | null;
  presale: boolean;
}

export interface RouteOutputs {
  shipments: Shipment[];
  events: FulfilmentEvent[];
}

/**
 * `from`: where the input was read (topic/partition/offset). A redelivery of that very record (a
 * crash before its offset was committed) re-emits the outputs; the same event written again
 * upstream, at another offset, is a repeat whose outputs were already published.
 */
export type RouteInput = { kind: 'order'; event: OrderEvent; from?: string } | { kind: 'inventory'; event: InventoryEvent; from?: string };

export interface RouteContext {
  rules: RoutingRules;
  /** The routing time (epoch ms). */
  now: number;
}

export const EMPTY_ROUTE: RouteState = { seen: [], reserved: {} };

/** Cancelled, or already shipped by the channel (merchant's own fulfilment): nothing for a warehouse to do. */
const CLOSING_STATUSES: ReadonlySet<OrderStatus> = new Set(['CANCELLED', 'CLOSED', 'REFUNDED', 'SHIPPED', 'DELIVERED', 'COMPLETED']);
const CLOSING_DECISIONS: ReadonlySet<string> = new Set(['RELEASED', 'REJECTED', 'SHIPPED']);

/** The order an input belongs to, or null when the router has no use for it. */
export function routeKeyOf(input: RouteInput): string | null {
  if (input.kind === 'order') return input.event.orderKey;
  const e = input.event;
  return e.orderKey !== null && (e.kind === 'RESERVED' || CLOSING_DECISIONS.has(e.kind)) ? e.orderKey : null;
}

export function inputIdOf(input: RouteInput): string {
  return `${input.kind === 'order' ? 'o' : 'i'}:${input.event.eventId}`;
}

/**
 * One input applied to one order's state. `outputs` is what to publish: a first routing, or the
 * same records again when the input that routed the order is delivered again.
 */
export function applyRouteInput(state: RouteState, input: RouteInput, ctx: RouteContext): { state: RouteState; outputs: RouteOutputs | null } {
  const id = inputIdOf(input);
  if (state.seen.includes(id)) {
    const redelivered = state.routed?.by === id && state.routed.from === input.from;
    return { state, outputs: redelivered ? { shipments: state.routed!.shipments, events: state.routed!.events } : null };
  }
  let next: RouteState = { ...state, seen: [...state.seen, id] };
  if (input.kind === 'order') next = withOrderEvent(next, input.event);
  else next = withInventoryEvent(next, input.event);

  if (next.routed || next.closed || !next.order || !fullyReserved(next)) return { state: next, outputs: null };
  const outputs = route(next.order, next.reserved, ctx);
  return { state: { ...next, routed: { ...outputs, by: id, ...(input.from !== undefined ? { from: input.from } : {}) } }, outputs };
}

function withOrderEvent(state: RouteState, e: OrderEvent): RouteState {
  let next = state;
  if (CLOSING_STATUSES.has(e.status) && !state.routed && !state.closed) next = { ...next, closed: `order ${e.status.toLowerCase()}` };
  // Contents come from a FULL event; a status-only push keeps what we knew.
  if (!next.order && e.detail !== 'STATUS_ONLY' && e.lines.length > 0) next = { ...next, order: contentsOf(e) };
  return next;
}

function withInventoryEvent(state: RouteState, e: InventoryEvent): RouteState {
  if (e.kind === 'RESERVED') {
    return { ...state, reserved: { ...state.reserved, [e.sku]: { warehouse: e.warehouse, quantity: e.quantity, at: e.occurredAt } } };
  }
  if (state.routed || state.closed || !CLOSING_DECISIONS.has(e.kind)) return state;
  // Released, rejected, or shipped by the channel before we routed it: the warehouse has nothing to do.
  return { ...state, closed: `stock ${e.kind.toLowerCase()} before routing` };
}

function contentsOf(e: OrderEvent): OrderContents {
  const merged = new Map<string, number>();
  for (const l of e.lines) merged.set(l.sku, (merged.get(l.sku) ?? 0) + l.quantity);
  return {
    orderKey: e.orderKey,
    channel: e.channel,
    shopId: e.shopId,
    lines: [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    buyerCountry: e.buyerCountry,
    buyerProvince: e.buyerProvince,
    buyerCity: e.buyerCity,
    presale: e.presale,
  };
}

function fullyReserved(state: RouteState): boolean {
  return state.order!.lines.every(([sku, q]) => state.reserved[sku]?.quantity === q);
}

/** Deterministic ids: `orderKey#warehouse` per parcel, `routed:<shipmentId>` for its event. */
export function route(order: OrderContents, reserved: RouteState['reserved'], ctx: RouteContext): RouteOutputs {
  const byWarehouse = new Map<string, [string, number][]>();
  for (const line of order.lines) {
    const wh = reserved[line[0]]!.warehouse;
    byWarehouse.set(wh, [...(byWarehouse.get(wh) ?? []), line]);
  }
  const paidAt = Math.max(...order.lines.map(([sku]) => reserved[sku]!.at));
  const shipments = [...byWarehouse.keys()].sort().map((warehouse) => shipmentOf(order, warehouse, byWarehouse.get(warehouse)!, paidAt, ctx));
  const events = shipments.map(
    (s): FulfilmentEvent => ({
      eventId: `routed:${s.shipmentId}`,
      kind: 'ROUTED',
      orderKey: s.orderKey,
      channel: s.channel,
      shipmentId: s.shipmentId,
      warehouse: s.warehouse,
      carrier: s.carrier,
      waybillNo: null,
      waveId: null,
      flagged: s.flagged,
      reason: s.reason,
      lines: s.lines.map(({ sku, quantity }) => ({ sku, quantity })),
      source: 'router',
      occurredAt: s.routedAt,
    }),
  );
  return { shipments, events };
}

function shipmentOf(order: OrderContents, warehouse: string, lines: [string, number][], paidAt: number, ctx: RouteContext): Shipment {
  const facts = lines.map(([sku, quantity]) => ({ sku, quantity, ...skuInfo(ctx.rules, sku) }));
  const weightGrams = facts.reduce((sum, f) => sum + f.weightGrams * f.quantity, 0);
  const choice = chooseCarrier(
    ctx.rules,
    {
      warehouse,
      destination: { country: order.buyerCountry, province: order.buyerProvince },
      weightGrams,
      categories: [...new Set(facts.map((f) => f.category))],
    },
    ctx.now,
  );
  const unknown = facts.filter((f) => !f.known).map((f) => f.sku);
  return {
    shipmentId: `${order.orderKey}#${warehouse}`,
    orderKey: order.orderKey,
    channel: order.channel,
    shopId: order.shopId,
    warehouse,
    carrier: choice.carrier,
    service: choice.service,
    lines: facts.map((f) => ({ sku: f.sku, quantity: f.quantity, category: f.category })),
    buyerCountry: order.buyerCountry,
    buyerProvince: order.buyerProvince,
    buyerCity: order.buyerCity,
    presale: order.presale,
    shipFrom: order.presale ? shipFromOf(ctx.rules, lines) : null,
    weightGrams,
    paidAt,
    routedAt: ctx.now,
    cutoffAt: choice.cutoffAt,
    flagged: choice.flagged,
    reason: unknown.length > 0 ? `${choice.reason}; weight assumed for SKUs not in the catalog: ${unknown.join(', ')}` : choice.reason,
  };
}

/** The latest campaign day among the parcel's lines (it ships whole); null when no line has a campaign. */
function shipFromOf(rules: RoutingRules, lines: [string, number][]): number | null {
  const days = lines.map(([sku]) => campaignShipFrom(rules, sku)).filter((d): d is number => d !== null);
  return days.length > 0 ? Math.max(...days) : null;
}
