import type { Schema } from 'avsc';

/**
 * What a listing should show: stock-sync's latest computation. `seq` rises by one per change of
 * the target for the listing, so a pusher keeps only the newest; `hubSold` counts the units the
 * channel itself already took off the listing for orders the hub holds stock for (sold minus
 * cancelled): increment platforms need it to turn a target into a delta, since such a sale lowers
 * the target by units the platform already took off.
 */
export interface StockTarget {
  listingKey: string;
  channel: string;
  shopId: string;
  itemId: string;
  skuId: string;
  target: number;
  hubSold: number;
  seq: number;
  /** The target fell to 0 (the SKU sold out, or the shop's floor was reached): pushed ahead of everything else. */
  sellOut: boolean;
  computedAt: number;
}

export const stockTargetSchema: Schema = {
  type: 'record',
  name: 'StockTarget',
  namespace: 'dev.omnistream.stock',
  fields: [
    { name: 'listingKey', type: 'string' },
    { name: 'channel', type: 'string' },
    { name: 'shopId', type: 'string' },
    { name: 'itemId', type: 'string' },
    { name: 'skuId', type: 'string' },
    { name: 'target', type: 'long' },
    { name: 'hubSold', type: 'long' },
    { name: 'seq', type: 'long' },
    { name: 'sellOut', type: 'boolean' },
    { name: 'computedAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
  ],
};
