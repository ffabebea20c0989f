import type { Decoded } from '../../lib/batch-consumer.js';
import type { CommandOutcome, CommandOutcomeState } from '../../topics/schemas/command-outcome.js';
import type { FulfilmentEvent } from '../../topics/schemas/fulfilment-event.js';
import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import type { OrderEvent, OrderStatus } from '../../topics/schemas/order-event.js';

/**
 * One thing one system said about an order, reduced to what the views need, with the time that
 * system gives it. A fact's id is its source event's id, so a redelivered or duplicated record is
 * the same fact and changes nothing.
 */
export type Fact = ChannelFact | HubFact | WarehouseFact | CarrierFact | OutcomeFact;

interface FactBase {
  id: string;
  orderKey: string;
  /** Epoch ms: the channel's/warehouse's/carrier's own time, or the broker time the hub saw it. */
  at: number;
  /** When the hub could first know it: the record's broker time. */
  seenAt: number;
}

export interface ChannelFact extends FactBase {
  view: 'channel';
  status: OrderStatus;
  channel: string;
  shopId: string;
  channelOrderId: string;
  /** When the hub received it (sync-lag metric). */
  receivedAt: number;
}

export const HUB_KINDS = ['LOCKED', 'RESERVED', 'RELEASED', 'SHIPPED', 'REJECTED', 'ROUTED', 'WAVED', 'WAYBILL_ISSUED', 'CANCELLED'] as const;
export type HubKind = (typeof HUB_KINDS)[number];

export interface HubFact extends FactBase {
  view: 'hub';
  kind: HubKind;
  /** Routing facts carry the parcel they plan. */
  warehouse: string | null;
  shipmentId: string | null;
  carrier: string | null;
  waybillNo: string | null;
}

export type WarehouseKind = 'PICKED' | 'PACKED' | 'SHIPPED' | 'INTERCEPTED';

export interface WarehouseFact extends FactBase {
  view: 'warehouse';
  kind: WarehouseKind;
  warehouse: string;
  shipmentId: string;
  carrier: string | null;
  waybillNo: string | null;
}

export type CarrierKind = 'COLLECTED' | 'IN_TRANSIT' | 'DELIVERED' | 'CARRIER_EXCEPTION';

export interface CarrierFact extends FactBase {
  view: 'carrier';
  kind: CarrierKind;
}

export interface OutcomeFact extends FactBase {
  view: 'outcome';
  commandId: string;
  divergenceId: string | null;
  state: CommandOutcomeState;
  reason: string | null;
}

const HUB_INVENTORY = new Set<string>(['LOCKED', 'RESERVED', 'RELEASED', 'SHIPPED', 'REJECTED']);
const HUB_FULFILMENT = new Set<string>(['ROUTED', 'WAVED', 'WAYBILL_ISSUED']);
const WAREHOUSE = new Set<string>(['PICKED', 'PACKED', 'SHIPPED', 'INTERCEPTED']);
const CARRIER = new Set<string>(['COLLECTED', 'IN_TRANSIT', 'DELIVERED', 'CARRIER_EXCEPTION']);

/** The fact a decoded input record states about an order, or null when it says nothing relevant. */
export function factOf(r: Pick<Decoded, 'topic' | 'timestamp' | 'value'>): Fact | null {
  const f = factOfValue(r);
  return f && { ...f, seenAt: r.timestamp };
}

type Unseen<F> = F extends Fact ? Omit<F, 'seenAt'> : never;

function factOfValue(r: Pick<Decoded, 'topic' | 'timestamp' | 'value'>): Unseen<Fact> | null {
  switch (r.topic) {
    case 'orderEvents':
      return orderFact(r.value as OrderEvent, r.timestamp);
    case 'inventoryEvents':
      return inventoryFact(r.value as InventoryEvent, r.timestamp);
    case 'fulfilmentEvents':
      return fulfilmentFact(r.value as FulfilmentEvent, r.timestamp);
    case 'commandOutcomes':
      return outcomeFact(r.value as CommandOutcome);
    default:
      return null;
  }
}

function orderFact(e: OrderEvent, recordTime: number): Unseen<Fact> | null {
  // The hub's own statuses (hub:unpaid-timeout) are what the hub did, seen when the hub wrote them.
  if (e.channelStatus.startsWith('hub:')) {
    if (e.status !== 'CANCELLED') return null;
    return {
      view: 'hub',
      id: e.eventId,
      orderKey: e.orderKey,
      at: recordTime,
      kind: 'CANCELLED',
      warehouse: null,
      shipmentId: null,
      carrier: null,
      waybillNo: null,
    };
  }
  return {
    view: 'channel',
    id: e.eventId,
    orderKey: e.orderKey,
    at: e.occurredAt,
    status: e.status,
    channel: e.channel,
    shopId: e.shopId,
    channelOrderId: e.channelOrderId,
    receivedAt: e.receivedAt,
  };
}

function inventoryFact(e: InventoryEvent, recordTime: number): Unseen<Fact> | null {
  if (!e.orderKey || !HUB_INVENTORY.has(e.kind)) return null;
  return {
    view: 'hub',
    id: e.eventId,
    orderKey: e.orderKey,
    at: recordTime,
    kind: e.kind as HubKind,
    warehouse: e.warehouse,
    shipmentId: null,
    carrier: null,
    waybillNo: null,
  };
}

function fulfilmentFact(e: FulfilmentEvent, recordTime: number): Unseen<Fact> | null {
  const base = { id: e.eventId, orderKey: e.orderKey };
  if (HUB_FULFILMENT.has(e.kind)) {
    return {
      ...base,
      view: 'hub',
      at: recordTime,
      kind: e.kind as HubKind,
      warehouse: e.warehouse,
      shipmentId: e.shipmentId,
      carrier: e.carrier,
      waybillNo: e.waybillNo,
    };
  }
  if (WAREHOUSE.has(e.kind)) {
    return {
      ...base,
      view: 'warehouse',
      at: e.occurredAt,
      kind: e.kind as WarehouseKind,
      warehouse: e.warehouse,
      shipmentId: e.shipmentId,
      carrier: e.carrier,
      waybillNo: e.waybillNo,
    };
  }
  if (CARRIER.has(e.kind)) return { ...base, view: 'carrier', at: e.occurredAt, kind: e.kind as CarrierKind };
  return null;
}

function outcomeFact(o: CommandOutcome): Unseen<Fact> {
  return {
    view: 'outcome',
    id: o.outcomeId,
    orderKey: o.orderKey,
    at: o.occurredAt,
    commandId: o.commandId,
    divergenceId: o.divergenceId,
    state: o.state,
    reason: o.reason,
  };
}

/** Stable time order: same-time facts in id order, so every arrival order yields one timeline. */
export function timeline(facts: Iterable<Fact>): Fact[] {
  return [...facts].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
