import type { TopicId } from '../../topics/catalog.js';
import type { CommandOutcome } from '../../topics/schemas/command-outcome.js';
import type { DivergenceType } from '../../topics/schemas/divergence-event.js';
import type { FulfilmentEvent, FulfilmentEventKind } from '../../topics/schemas/fulfilment-event.js';
import type { InventoryEvent, InventoryEventKind } from '../../topics/schemas/inventory-event.js';
import type { OrderEvent, OrderStatus } from '../../topics/schemas/order-event.js';
import type { TopicValues } from '../../topics/serde.js';

/**
 * Whole order histories as the processor's input records (order, inventory, fulfilment events),
 * with the times each system gives: the channel's occurredAt and receivedAt, the broker time of
 * the hub's records, the WMS's and carrier's scan times. Healthy histories keep every sync lag
 * below `maxLag`; an anomaly stretches one lag to `anomalyLag`, making exactly one divergence.
 * Shared by the core's property tests and the real-stack volume test.
 */
export interface InputRecord<T extends TopicId = TopicId> {
  topic: T;
  key: string;
  /** Broker time of the record (the hub's time for hub decisions). */
  timestamp: number;
  value: TopicValues[T];
}

export const HISTORY_PATHS = ['delivered', 'returned', 'cancelled-unpaid', 'unpaid-timeout', 'cancelled-paid', 'cancelled-picking', 'rejected'] as const;
export type HistoryPath = (typeof HISTORY_PATHS)[number];

/** Anomalies the generator can inject, one per history (CONTRADICTION: delivered although cancelled). */
export type Anomaly = DivergenceType;

export interface HistoryPlan {
  orderKey: string;
  start: number;
  path: HistoryPath;
  /** Small sync lags (ms), used in turn. */
  lags: number[];
  /** Gaps between business steps (ms): a buyer pays minutes later, a parcel travels for days. */
  gaps: number[];
  anomaly?: Anomaly;
  /** The stretched lag of the anomaly (ms). */
  anomalyLag?: number;
  warehouse?: string;
  carrier?: string;
}

/** The path an anomaly needs. */
export const ANOMALY_PATH: Record<Anomaly, HistoryPath> = {
  SHIPPED_NOT_SYNCED: 'delivered',
  CANCELLED_IN_FULFILMENT: 'cancelled-picking',
  PAID_NOT_SEEN: 'delivered',
  DELIVERED_NOT_CONFIRMED: 'delivered',
  NO_CARRIER_SCAN: 'delivered',
  CONTRADICTION: 'delivered',
};

export function orderHistory(plan: HistoryPlan): InputRecord[] {
  const [channel, shopId, ...rest] = plan.orderKey.split(':');
  const channelOrderId = rest.join(':');
  const wh = plan.warehouse ?? 'WH-EAST';
  const carrier = plan.carrier ?? 'ZTO';
  const shipmentId = `${plan.orderKey}#${wh}`;
  const waybillNo = `ZT${channelOrderId.replace(/\D/g, '').padStart(10, '0')}`;
  const out: InputRecord[] = [];
  let li = 0;
  let gi = 0;
  const lag = () => plan.lags[li++ % plan.lags.length]!;
  const gap = () => plan.gaps[gi++ % plan.gaps.length]!;
  const stretched = (a: Anomaly) => (plan.anomaly === a ? plan.anomalyLag! : lag());

  /** A channel event at channel time `at`; returns when the hub received it. */
  const ch = (status: OrderStatus, at: number, channelStatus = `${status.toLowerCase()}`): number => {
    const receivedAt = at + lag();
    const value: OrderEvent = {
      eventId: `${plan.orderKey}:${status}:${at}`,
      orderKey: plan.orderKey,
      channel: channel!,
      shopId: shopId!,
      brand: 'B',
      channelOrderId,
      status,
      channelStatus,
      occurredAt: at,
      receivedAt,
      currency: 'CNY',
      totalMinor: 1000,
      lines: [{ sku: 'S1', quantity: 1, unitPriceMinor: 1000 }],
      buyerCountry: 'CN',
      buyerProvince: null,
      buyerCity: null,
      presale: false,
      detail: 'FULL',
    };
    out.push({ topic: 'orderEvents', key: plan.orderKey, timestamp: receivedAt, value });
    return receivedAt;
  };
  const hubCancel = (at: number) => {
    const value: OrderEvent = {
      eventId: `${plan.orderKey}:hub-cancel:${at}`,
      orderKey: plan.orderKey,
      channel: channel!,
      shopId: shopId!,
      brand: 'B',
      channelOrderId,
      status: 'CANCELLED',
      channelStatus: 'hub:unpaid-timeout',
      occurredAt: at,
      receivedAt: at,
      currency: 'CNY',
      totalMinor: 1000,
      lines: [],
      buyerCountry: null,
      buyerProvince: null,
      buyerCity: null,
      presale: false,
      detail: 'STATUS_ONLY',
    };
    out.push({ topic: 'orderEvents', key: plan.orderKey, timestamp: at, value });
  };
  /** An inventory decision the hub wrote at `at`. */
  const inv = (kind: InventoryEventKind, at: number) => {
    const value: InventoryEvent = {
      eventId: `${plan.orderKey}:${kind}:S1@${wh}`,
      kind,
      orderKey: plan.orderKey,
      sku: 'S1',
      warehouse: wh,
      quantity: 1,
      reason: kind === 'REJECTED' ? 'out of stock' : null,
      physical: 10,
      locked: 0,
      reserved: 0,
      safety: 0,
      presaleQuota: 0,
      available: 10,
      version: 1,
      occurredAt: at,
    };
    out.push({ topic: 'inventoryEvents', key: `S1@${wh}`, timestamp: at, value });
    return at;
  };
  /** A fulfilment event: hub kinds at the hub's time, scans at their own time (written a moment later). */
  const ful = (kind: FulfilmentEventKind, at: number, source: string) => {
    const value: FulfilmentEvent = {
      eventId: `${plan.orderKey}:${kind}`,
      kind,
      orderKey: plan.orderKey,
      channel: channel!,
      shipmentId,
      warehouse: wh,
      carrier: kind === 'ROUTED' || kind === 'WAVED' ? null : carrier,
      waybillNo: kind === 'ROUTED' || kind === 'WAVED' ? null : waybillNo,
      waveId: null,
      flagged: false,
      reason: null,
      lines: [{ sku: 'S1', quantity: 1 }],
      source,
      occurredAt: at,
    };
    const written = source.startsWith('wms:') || source.startsWith('tracking:') ? at + lag() : at;
    out.push({ topic: 'fulfilmentEvents', key: plan.orderKey, timestamp: written, value });
    return at;
  };

  let t = plan.start;
  inv(plan.path === 'rejected' ? 'REJECTED' : 'LOCKED', ch('CREATED', t) + lag());
  t += gap();
  if (plan.path === 'cancelled-unpaid') {
    inv('RELEASED', ch('CANCELLED', t) + lag());
    return sorted(out);
  }
  if (plan.path === 'unpaid-timeout') {
    hubCancel(t);
    inv('RELEASED', t);
    ch('CANCELLED', t + gap());
    return sorted(out);
  }
  if (plan.path === 'rejected') {
    ch('PAID', t);
    ch('CANCELLED', t + gap());
    return sorted(out);
  }

  // Paid: the hub reserves once it received the payment (a stretched lag: seen late through a pull).
  const paidSeen = plan.anomaly === 'PAID_NOT_SEEN' ? t + plan.anomalyLag! : ch('PAID', t);
  if (plan.anomaly === 'PAID_NOT_SEEN') out.push(channelOnly(plan, 'PAID', t, paidSeen, channel!, shopId!, channelOrderId));
  const reserved = inv('RESERVED', paidSeen + lag());
  t = reserved + gap();
  if (plan.path === 'cancelled-paid') {
    inv('RELEASED', ch('REFUNDED', t) + lag());
    return sorted(out);
  }

  let h = ful('ROUTED', reserved + lag(), 'router');
  h = ful('WAVED', h + lag(), 'wave-planner');
  ful('WAYBILL_ISSUED', h + lag(), 'carrier:ZTO');
  t = Math.max(t, h) + gap();
  ful('PICKED', t, `wms:${wh}`);
  t += gap();
  if (plan.path === 'cancelled-picking') {
    const refundSeen = ch('REFUNDING', t);
    inv('RELEASED', refundSeen + lag());
    ful('INTERCEPTED', t + stretched('CANCELLED_IN_FULFILMENT'), `wms:${wh}`);
    return sorted(out);
  }
  ful('PACKED', t, `wms:${wh}`);
  const shipped = ful('SHIPPED', t + gap(), `wms:${wh}`);
  inv('SHIPPED', shipped + lag() + lag());
  // The channel is told by sync-back (a stretched lag: it was not).
  const channelShipped = shipped + stretched('SHIPPED_NOT_SYNCED');
  ch('SHIPPED', channelShipped);
  const cancelledAt = channelShipped + 1 + gap();
  if (plan.anomaly === 'CONTRADICTION') ch('CANCELLED', cancelledAt);
  t = shipped + stretched('NO_CARRIER_SCAN');
  ful('COLLECTED', t, `tracking:${carrier}`);
  t += gap();
  ful('IN_TRANSIT', t, `tracking:${carrier}`);
  // Delivered after the channel showed the shipment (and after a cancellation, for CONTRADICTION).
  t = Math.max(t + gap() + gap(), channelShipped + lag());
  if (plan.anomaly === 'CONTRADICTION') t = Math.max(t, cancelledAt + lag());
  const delivered = ful('DELIVERED', t, `tracking:${carrier}`);
  if (plan.anomaly === 'CONTRADICTION') return sorted(out);
  t = delivered + stretched('DELIVERED_NOT_CONFIRMED');
  ch('DELIVERED', t);
  t += gap();
  ch('COMPLETED', t);
  if (plan.path === 'returned') {
    t += gap();
    ch('REFUNDING', t);
    ch('REFUNDED', t + gap());
  }
  return sorted(out);
}

/** The channel's PAID, received late (through a reconciliation pull). */
function channelOnly(
  plan: HistoryPlan,
  status: OrderStatus,
  at: number,
  receivedAt: number,
  channel: string,
  shopId: string,
  channelOrderId: string,
): InputRecord {
  const value: OrderEvent = {
    eventId: `${plan.orderKey}:${status}:${at}`,
    orderKey: plan.orderKey,
    channel,
    shopId,
    brand: 'B',
    channelOrderId,
    status,
    channelStatus: status.toLowerCase(),
    occurredAt: at,
    receivedAt,
    currency: 'CNY',
    totalMinor: 1000,
    lines: [{ sku: 'S1', quantity: 1, unitPriceMinor: 1000 }],
    buyerCountry: 'CN',
    buyerProvince: null,
    buyerCity: null,
    presale: false,
    detail: 'FULL',
  };
  return { topic: 'orderEvents', key: plan.orderKey, timestamp: receivedAt, value };
}

/** Broker order: by the time each record was written. */
function sorted(records: InputRecord[]): InputRecord[] {
  return records.sort((a, b) => a.timestamp - b.timestamp);
}

/** A command outcome record (a repair's result). */
export function outcomeRecord(
  o: Omit<CommandOutcome, 'outcomeId' | 'attempt' | 'target'> & { attempt?: number; target?: string },
): InputRecord<'commandOutcomes'> {
  const attempt = o.attempt ?? 1;
  return {
    topic: 'commandOutcomes',
    key: o.orderKey,
    timestamp: o.occurredAt,
    value: { ...o, attempt, target: o.target ?? `channel:${o.channel}`, outcomeId: `${o.commandId}#${attempt}` },
  };
}
