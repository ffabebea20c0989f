import type { DivergenceType } from '../../topics/schemas/divergence-event.js';
import {
  carrierDelivered,
  channelBefore,
  channelCancelled,
  channelPaid,
  hubActedOnPayment,
  hubRejected,
  type Parcel,
  parcels,
  parcelsInProgress,
  shippedAt,
  type Views,
} from './views.js';

export type RepairKind = 'SHIP' | 'RECONCILE_ORDER' | 'INTERCEPT';

/**
 * One kind of contradiction between views. It holds over an interval of the order's timeline;
 * an interval longer than the type's grace window is a divergence.
 */
export interface Rule {
  /** Unique; part of the divergence id. The type's name, or CONTRADICTION/<what>. */
  name: string;
  type: DivergenceType;
  holds(v: Views): boolean;
  /** The repair to ask for when it opens (null: people only). */
  action: RepairKind | null;
  /** Why it stopped holding, told from the views after. */
  resolution(v: Views): string;
  /** A reason to escalate at once although the window has not run out, or null. */
  escalation?(v: Views): string | null;
}

/** Parcels a cancellation concerns: being worked on, or shipped after the cancellation. */
export function parcelsAfterCancellation(v: Views): Parcel[] {
  const at = v.channel?.cancelledAt;
  if (at === null || at === undefined) return [];
  const inProgress = new Set(parcelsInProgress(v));
  return parcels(v).filter((p) => !p.intercepted && (inProgress.has(p) || (p.shippedAt !== null && p.shippedAt > at)));
}

export const RULES: readonly Rule[] = [
  {
    name: 'SHIPPED_NOT_SYNCED',
    type: 'SHIPPED_NOT_SYNCED',
    action: 'SHIP',
    holds: (v) => shippedAt(v) !== null && channelBefore(v, 'SHIPPED'),
    resolution: (v) => `channel shows ${v.channel?.status ?? 'nothing'}`,
  },
  {
    name: 'CANCELLED_IN_FULFILMENT',
    type: 'CANCELLED_IN_FULFILMENT',
    action: 'INTERCEPT',
    holds: (v) => channelCancelled(v) && parcelsAfterCancellation(v).length > 0,
    resolution: (v) => (parcels(v).some((p) => p.intercepted) ? 'parcel intercepted' : 'stock released before the warehouse started'),
    escalation: (v) =>
      parcelsAfterCancellation(v).some((p) => p.shippedAt !== null) ? 'parcel left the warehouse after the cancellation: recall it from the carrier' : null,
  },
  {
    name: 'PAID_NOT_SEEN',
    type: 'PAID_NOT_SEEN',
    action: 'RECONCILE_ORDER',
    holds: (v) => channelPaid(v) && !hubActedOnPayment(v) && !hubRejected(v),
    resolution: (v) =>
      hubActedOnPayment(v) ? 'hub acted on the payment' : hubRejected(v) ? 'hub rejected the order' : `channel shows ${v.channel?.status ?? 'nothing'}`,
  },
  {
    name: 'DELIVERED_NOT_CONFIRMED',
    type: 'DELIVERED_NOT_CONFIRMED',
    action: 'RECONCILE_ORDER',
    holds: (v) => carrierDelivered(v) && channelBefore(v, 'DELIVERED'),
    resolution: (v) => `channel shows ${v.channel?.status ?? 'nothing'}`,
  },
  {
    name: 'NO_CARRIER_SCAN',
    type: 'NO_CARRIER_SCAN',
    action: null,
    holds: (v) => shippedAt(v) !== null && v.carrier.first === null,
    resolution: () => 'carrier scanned the parcel',
  },
  {
    // Goods went out and arrived although the hub said there was no stock: oversold somewhere.
    name: 'CONTRADICTION/delivered-but-rejected',
    type: 'CONTRADICTION',
    action: null,
    holds: (v) => hubRejected(v) && (v.channel?.status === 'DELIVERED' || v.channel?.status === 'COMPLETED'),
    resolution: (v) => `channel shows ${v.channel?.status ?? 'nothing'}`,
  },
  {
    name: 'CONTRADICTION/delivered-but-cancelled',
    type: 'CONTRADICTION',
    action: null,
    holds: (v) => carrierDelivered(v) && v.channel?.status === 'CANCELLED',
    resolution: (v) => `channel shows ${v.channel?.status ?? 'nothing'}`,
  },
];
