import { listingKeyOf } from '../../topics/schemas/listing-mapping.js';
import type { OrderEvent, OrderLine } from '../../topics/schemas/order-event.js';

/** A line of an order resolved to the listing it was sold from. */
export interface ResolvedLine {
  listingKey: string;
  itemId: string;
  skuId: string;
  line: OrderLine;
}

/**
 * Order lines → the listings they were sold from, where the connector carried the platform's item
 * and SKU ids. Lines without them cannot be attributed to a listing: they are reported.
 */
export function listingsOfOrder(event: OrderEvent): { resolved: ResolvedLine[]; unresolved: OrderLine[] } {
  const resolved: ResolvedLine[] = [];
  const unresolved: OrderLine[] = [];
  for (const line of event.lines) {
    if (line.itemId && line.skuId)
      resolved.push({ listingKey: listingKeyOf(event.channel, event.shopId, line.itemId, line.skuId), itemId: line.itemId, skuId: line.skuId, line });
    else unresolved.push(line);
  }
  return { resolved, unresolved };
}

/** channel:shopId of an orderKey (channel:shopId:channelOrderId; ids carry no colon before the order id). */
export function shopKeyOfOrder(orderKey: string): string {
  const [channel, shopId] = orderKey.split(':');
  return `${channel}:${shopId}`;
}
