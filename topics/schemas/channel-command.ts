import type { Schema } from 'avsc';

/**
 * Something the hub asks a channel to do, on that channel's own command topic so one platform's
 * outage or rate limit never holds up another's. Executed by sinks/sync-back.
 *   SHIP: mark the order shipped on the channel, with carrier and waybill number.
 *   RECONCILE_ORDER: pull the order from the channel's query API and ingest what it says.
 *   CANCEL_UNFILLABLE: tell the channel the hub cannot fill this paid order (its seller cancel,
 *     refund or out-of-stock API, connectors/unfillable-api.ts), then read the order back.
 */
export const CHANNEL_COMMAND_KINDS = ['SHIP', 'RECONCILE_ORDER', 'CANCEL_UNFILLABLE'] as const;
export type ChannelCommandKind = (typeof CHANNEL_COMMAND_KINDS)[number];

export interface ChannelCommand {
  /** Deterministic from the cause: executing the same command twice is recognised. */
  commandId: string;
  kind: ChannelCommandKind;
  orderKey: string;
  channel: string;
  shopId: string;
  channelOrderId: string;
  carrier: string | null;
  waybillNo: string | null;
  /** The divergence that asked for it, if any. */
  divergenceId: string | null;
  reason: string;
  /** Channel time of the order's last known change: a reconciliation pulls from shortly before it. */
  since: number | null;
  issuedAt: number;
}

export const channelCommandSchema: Schema = {
  type: 'record',
  name: 'ChannelCommand',
  namespace: 'dev.omnistream.sync',
  fields: [
    { name: 'commandId', type: 'string' },
    { name: 'kind', type: { type: 'enum', name: 'ChannelCommandKind', symbols: [...CHANNEL_COMMAND_KINDS] } },
    { name: 'orderKey', type: 'string' },
    { name: 'channel', type: 'string' },
    { name: 'shopId', type: 'string' },
    { name: 'channelOrderId', type: 'string' },
    { name: 'carrier', type: ['null', 'string'], default: null },
    { name: 'waybillNo', type: ['null', 'string'], default: null },
    { name: 'divergenceId', type: ['null', 'string'], default: null },
    { name: 'reason', type: 'string' },
    { name: 'since', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }] as Schema, default: null },
    { name: 'issuedAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
  ],
};

/**
 * The command that has sync-back tell the channel the hub cannot fill a paid order. The policy's
 * automatic one is one per order (a redelivery is recognised); a person's later request (after a
 * CANCEL_FAILED, or for a held order) names itself, so it runs again instead of replaying the first.
 */
export function cancelUnfillableCommand(orderKey: string, reason: string, issuedAt: number, requestedBy?: string): ChannelCommand {
  const [channel, shopId] = orderKey.split(':') as [string, string];
  return {
    commandId: `cancel-unfillable:${orderKey}${requestedBy ? `:${requestedBy}` : ''}`,
    kind: 'CANCEL_UNFILLABLE',
    orderKey,
    channel,
    shopId,
    channelOrderId: orderKey.slice(channel.length + shopId.length + 2),
    carrier: null,
    waybillNo: null,
    divergenceId: null,
    reason,
    since: null,
    issuedAt,
  };
}
