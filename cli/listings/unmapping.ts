import { type ListingMapping, listingKeyOf } from '../../topics/schemas/listing-mapping.js';

/** The record that unmaps a listing: deleted, no components (stock sync stops showing it anything). */
export const unmappingOf = (channel: string, shopId: string, itemId: string, skuId: string, now: number): ListingMapping => ({
  listingKey: listingKeyOf(channel, shopId, itemId, skuId),
  channel,
  shopId,
  itemId,
  skuId,
  components: [],
  source: 'MANUAL',
  deleted: true,
  updatedAt: now,
});
