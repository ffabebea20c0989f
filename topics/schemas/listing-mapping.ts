import type { Schema } from 'avsc';

/** How a mapping came to be: typed in, imported, or matched by the merchant code the platform gave. */
export const MAPPING_SOURCES = ['MANUAL', 'CSV', 'MERCHANT_CODE'] as const;
export type MappingSource = (typeof MAPPING_SOURCES)[number];

/** One merchant SKU in a listing: a bundle (组合装) of N units has quantity N; a kit has several components. */
export interface ListingComponent {
  sku: string;
  quantity: number;
}

/**
 * A shop's listing (the platform's item id + SKU id) and the merchant SKUs it sells. A listing's
 * sellable quantity is the minimum over its components of floor(available / quantity).
 * `deleted` unmaps it (a tombstone would lose the reason and the time).
 */
export interface ListingMapping {
  listingKey: string;
  channel: string;
  shopId: string;
  itemId: string;
  skuId: string;
  components: ListingComponent[];
  source: MappingSource;
  deleted: boolean;
  updatedAt: number;
}

/** channel:shopId:itemId:skuId — the key of everything per listing. */
export function listingKeyOf(channel: string, shopId: string, itemId: string, skuId: string): string {
  return `${channel}:${shopId}:${itemId}:${skuId}`;
}

export const listingMappingSchema: Schema = {
  type: 'record',
  name: 'ListingMapping',
  namespace: 'dev.omnistream.stock',
  fields: [
    { name: 'listingKey', type: 'string' },
    { name: 'channel', type: 'string' },
    { name: 'shopId', type: 'string' },
    { name: 'itemId', type: 'string' },
    { name: 'skuId', type: 'string' },
    {
      name: 'components',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'ListingComponent',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'quantity', type: 'int' },
          ],
        },
      },
    },
    { name: 'source', type: { type: 'enum', name: 'MappingSource', symbols: [...MAPPING_SOURCES] } },
    { name: 'deleted', type: 'boolean', default: false },
    { name: 'updatedAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
  ],
};
