import type { Result } from '../../lib/result.js';
import type { OrderLine } from '../../topics/schemas/order-event.js';
import { present } from '../common/fields.js';
import { decimalToMinor } from './money.js';
import type { ShopifyLineItem } from './payload.js';

/*
 * Shopify line items → canonical lines. The SKU is the merchant's stock key, but Shopify lets
 * it be null or "": then the variant id is the only stable product identity, so it stands in
 * as "variant-<id>". A custom line item has neither and cannot be tied to stock: the whole
 * order fails (dead-letter) rather than silently dropping a line from a reservation.
 * Quantities and prices are as ordered: later edits and refunds are not netted out here.
 */
export function skuOf(line: ShopifyLineItem): string | undefined {
  return present(line.sku) ?? (line.variant_id !== null ? `variant-${line.variant_id}` : undefined);
}

/** The listing sold, as shopifyStock addresses it: product id and variant id (exact: the schema admits safe integers only). */
export function listingOf(item: ShopifyLineItem): Pick<OrderLine, 'itemId' | 'skuId'> {
  return { itemId: item.product_id == null ? null : String(item.product_id), skuId: item.variant_id === null ? null : String(item.variant_id) };
}

export function toOrderLines(items: readonly ShopifyLineItem[], exponent: number): Result<OrderLine[]> {
  const lines: OrderLine[] = [];
  for (const [index, item] of items.entries()) {
    const sku = skuOf(item);
    if (sku === undefined) {
      return { ok: false, reason: `line_items[${index}] (id ${item.id}) has neither sku nor variant_id` };
    }
    const price = decimalToMinor(item.price, exponent);
    if (!price.ok) return { ok: false, reason: `line_items[${index}].price: ${price.reason}` };
    lines.push({ sku, quantity: item.quantity, unitPriceMinor: price.value, ...listingOf(item) });
  }
  return { ok: true, value: lines };
}
