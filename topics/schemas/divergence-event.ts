import type { Schema } from 'avsc';

/**
 * Two views of one order that contradict each other past their grace window, and the life of
 * that contradiction: OPENED (which views said what, since when) → RESOLVED (how, after how long)
 * or ESCALATED (still open past its deadline, or its repair failed: a person must look).
 */
export const DIVERGENCE_TYPES = [
  /** The warehouse shipped; the channel still shows awaiting payment or shipment. */
  'SHIPPED_NOT_SYNCED',
  /** Cancelled or refund requested on the channel while the warehouse picks or packs. */
  'CANCELLED_IN_FULFILMENT',
  /** The channel shows the order paid; the hub never acted on the payment. */
  'PAID_NOT_SEEN',
  /** The carrier delivered; the channel does not show it delivered. */
  'DELIVERED_NOT_CONFIRMED',
  /** Shipped, but no carrier scan within the window. */
  'NO_CARRIER_SCAN',
  /** Any other pair of views that stays contradictory past its window. */
  'CONTRADICTION',
] as const;
export type DivergenceType = (typeof DIVERGENCE_TYPES)[number];

export const DIVERGENCE_STATES = ['OPENED', 'RESOLVED', 'ESCALATED'] as const;
export type DivergenceState = (typeof DIVERGENCE_STATES)[number];

export interface DivergenceEvent {
  eventId: string;
  /** orderKey + type + when the contradiction began: one open divergence per cause. */
  divergenceId: string;
  orderKey: string;
  channel: string;
  type: DivergenceType;
  state: DivergenceState;
  /** Each view's state when this event was written (canonical words), null when not seen. */
  channelView: string | null;
  hubView: string | null;
  warehouseView: string | null;
  carrierView: string | null;
  /** When the contradiction began (epoch ms). */
  since: number;
  /** When it was opened (since + grace). */
  openedAt: number;
  occurredAt: number;
  /** RESOLVED/ESCALATED: how ("channel confirmed shipment", "repair failed: …"). */
  resolution: string | null;
  /** The repair asked for: "SHIP", "INTERCEPT", "RECONCILE_ORDER", or null. */
  action: string | null;
  /** RESOLVED: occurredAt − since. */
  durationMs: number | null;
}

export const divergenceEventSchema: Schema = {
  type: 'record',
  name: 'DivergenceEvent',
  namespace: 'dev.omnistream.sync',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'divergenceId', type: 'string' },
    { name: 'orderKey', type: 'string' },
    { name: 'channel', type: 'string' },
    { name: 'type', type: { type: 'enum', name: 'DivergenceType', symbols: [...DIVERGENCE_TYPES] } },
    { name: 'state', type: { type: 'enum', name: 'DivergenceState', symbols: [...DIVERGENCE_STATES] } },
    { name: 'channelView', type: ['null', 'string'], default: null },
    { name: 'hubView', type: ['null', 'string'], default: null },
    { name: 'warehouseView', type: ['null', 'string'], default: null },
    { name: 'carrierView', type: ['null', 'string'], default: null },
    { name: 'since', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
    { name: 'openedAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
    { name: 'resolution', type: ['null', 'string'], default: null },
    { name: 'action', type: ['null', 'string'], default: null },
    { name: 'durationMs', type: ['null', 'long'], default: null },
  ],
};
