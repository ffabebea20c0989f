import type { Schema } from 'avsc';

export const STOCK_PUSH_WRITES = ['SET', 'INCREMENT', 'CAS', 'READ'] as const;
export type StockPushWrite = (typeof STOCK_PUSH_WRITES)[number];

/**
 * APPLIED: the platform took the write. CONFIRMED: a read-back agrees with the target.
 * NOT_APPLIED: a read-back showed more than the target (the write did not stick): re-asserted.
 * RETRYING / RATE_LIMITED: this attempt failed and another follows. FAILED: given up (a refusal).
 */
export const STOCK_PUSH_RESULTS = ['APPLIED', 'CONFIRMED', 'NOT_APPLIED', 'RETRYING', 'RATE_LIMITED', 'FAILED'] as const;
export type StockPushResult = (typeof STOCK_PUSH_RESULTS)[number];

/** One call to a platform's stock API and how it ended. */
export interface StockPush {
  pushId: string;
  listingKey: string;
  channel: string;
  shopId: string;
  seq: number;
  target: number;
  write: StockPushWrite;
  /** SET / CAS: the quantity written; INCREMENT: the delta; READ: the quantity read. */
  quantity: number;
  result: StockPushResult;
  reason: string | null;
  attempt: number;
  /** From the target's computation to this call's answer. */
  latencyMs: number;
  at: number;
}

export const stockPushSchema: Schema = {
  type: 'record',
  name: 'StockPush',
  namespace: 'dev.omnistream.stock',
  fields: [
    { name: 'pushId', type: 'string' },
    { name: 'listingKey', type: 'string' },
    { name: 'channel', type: 'string' },
    { name: 'shopId', type: 'string' },
    { name: 'seq', type: 'long' },
    { name: 'target', type: 'long' },
    { name: 'write', type: { type: 'enum', name: 'StockPushWrite', symbols: [...STOCK_PUSH_WRITES] } },
    { name: 'quantity', type: 'long' },
    { name: 'result', type: { type: 'enum', name: 'StockPushResult', symbols: [...STOCK_PUSH_RESULTS] } },
    { name: 'reason', type: ['null', 'string'], default: null },
    { name: 'attempt', type: 'int' },
    { name: 'latencyMs', type: 'long' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
  ],
};
