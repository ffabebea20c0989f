import type { Schema } from 'avsc';

/**
 * What needs a person, or has been handled for one: a paid order the hub cannot fill, an order line
 * or a listing without a mapping. Keyed by the order or listing it is about.
 */
export const HUB_EXCEPTION_KINDS = ['PAID_UNFILLABLE', 'UNMAPPED_LINE', 'UNMAPPED_LISTING'] as const;
export type HubExceptionKind = (typeof HUB_EXCEPTION_KINDS)[number];

/**
 * OPEN: waits for a person. CANCEL_REQUESTED: the shop's policy (or a person) cancels it; the
 * channel is being told. CANCELLED: the channel took the cancellation, refund or out-of-stock mark.
 * CANCEL_FAILED: the channel could not be told (no API, refused, gave up): waits for a person.
 * RESOLVED: a person closed it.
 */
export const HUB_EXCEPTION_STATES = ['OPEN', 'CANCEL_REQUESTED', 'CANCELLED', 'CANCEL_FAILED', 'RESOLVED'] as const;
export type HubExceptionState = (typeof HUB_EXCEPTION_STATES)[number];

/** The one exception a paid order the hub cannot fill has, whoever updates it (stock-sync, sync-back, a person). */
export function paidUnfillableId(orderKey: string): string {
  return `paid-unfillable:${orderKey}`;
}

export interface HubException {
  exceptionId: string;
  kind: HubExceptionKind;
  state: HubExceptionState;
  /** orderKey or listingKey. */
  subject: string;
  channel: string;
  shopId: string;
  reason: string;
  at: number;
}

export const hubExceptionSchema: Schema = {
  type: 'record',
  name: 'HubException',
  namespace: 'dev.omnistream.stock',
  fields: [
    { name: 'exceptionId', type: 'string' },
    { name: 'kind', type: { type: 'enum', name: 'HubExceptionKind', symbols: [...HUB_EXCEPTION_KINDS] } },
    { name: 'state', type: { type: 'enum', name: 'HubExceptionState', symbols: [...HUB_EXCEPTION_STATES] } },
    { name: 'subject', type: 'string' },
    { name: 'channel', type: 'string' },
    { name: 'shopId', type: 'string' },
    { name: 'reason', type: 'string' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
  ],
};
