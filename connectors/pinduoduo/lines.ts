import type { Result } from '../../lib/result.js';
import type { OrderLine } from '../../topics/schemas/order-event.js';
import { present } from '../common/fields.js';
import { yuanToFen } from './money.js';
import type { PddItem } from './payload.js';

/*
 * item_list[] → canonical lines. Stock key: the merchant's SKU code (outer_id) when set, else
 * PDD's sku_id, else the merchant's goods code (outer_goods_id). None → the order fails
 * (dead-letter) rather than silently losing a line. goods_count may be a number or a digit string.
 */
export function skuOf(item: PddItem): string | undefined {
  return present(item.outer_id) ?? present(item.sku_id) ?? present(item.outer_goods_id);
}

/** A PDD id as exact text: a digit string as is, a number only while it is a safe integer. */
function idText(value: string | number | null | undefined): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : null;
  return present(value) ?? null;
}

/** The listing sold (goods_id, sku_id), as pinduoduoStock addresses it. */
export function listingOf(item: PddItem): Pick<OrderLine, 'itemId' | 'skuId'> {
  return { itemId: idText(item.goods_id), skuId: idText(item.sku_id) };
}

export function toOrderLines(items: readonly PddItem[]): Result<OrderLine[]> {
  if (items.length === 0) return { ok: false, reason: 'order has no item_list entries' };
  const lines: OrderLine[] = [];
  for (const [index, item] of items.entries()) {
    const sku = skuOf(item);
    if (sku === undefined) return { ok: false, reason: `item_list[${index}] has no outer_id, sku_id or outer_goods_id` };
    const quantity = Number(item.goods_count);
    if (!Number.isSafeInteger(quantity) || quantity < 1)
      return { ok: false, reason: `item_list[${index}].goods_count is not a positive integer: ${item.goods_count}` };
    const price = yuanToFen(item.goods_price);
    if (!price.ok) return { ok: false, reason: `item_list[${index}].goods_price: ${price.reason}` };
    lines.push({ sku, quantity, unitPriceMinor: price.value, ...listingOf(item) });
  }
  return { ok: true, value: lines };
}
