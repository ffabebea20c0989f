import type { Schema } from 'avsc';

/**
 * A shop's stock policy as it travels: the policy document (JSON, checked by zod in
 * processors/stock-sync/policy.ts before it is published and again when read). Keyed channel:shopId;
 * `deleted` returns the shop to the default policy (all of the pool, no floor).
 */
export interface StockPolicyRecord {
  channel: string;
  shopId: string;
  policyJson: string;
  deleted: boolean;
  updatedAt: number;
}

export const stockPolicySchema: Schema = {
  type: 'record',
  name: 'StockPolicy',
  namespace: 'dev.omnistream.stock',
  fields: [
    { name: 'channel', type: 'string' },
    { name: 'shopId', type: 'string' },
    { name: 'policyJson', type: 'string' },
    { name: 'deleted', type: 'boolean', default: false },
    { name: 'updatedAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
  ],
};
