import type { Result } from '../../lib/result.js';
import type { OrderLine } from '../../topics/schemas/order-event.js';
import { present } from '../common/fields.js';
import { yuanToFen } from './money.js';
import type { TaobaoOrder } from './payload.js';

/*
 * Taobao sub-orders (orders.order[]) → canonical lines. The stock key is the merchant's SKU code
 * (outer_sku_id) when set; else Taobao's sku_id; for an item without SKUs the merchant's item
 * code (outer_iid), else "item-<num_iid>". A line with none of these cannot be tied to stock:
 * the whole trade fails (dead-letter) rather than silently losing a line.
 * Quantities and unit prices are as ordered; refunds are reflected in the status, not netted here.
 */
export function skuOf(order: TaobaoOrder): string | undefined {
  return (
    present(order.outer_sku_id) ??
    present(order.sku_id) ??
    present(order.outer_iid) ??
    (order.num_iid !== undefined && Number.isSafeInteger(order.num_iid) ? `item-${order.num_iid}` : undefined)
  );
}

/**
 * The listing sold: num_iid (exact only as a safe integer; TOP's item ids are ~12 digits) and
 * sku_id, or num_iid again for an item without SKUs, as taobaoStock addresses it.
 */
export function listingOf(order: TaobaoOrder): Pick<OrderLine, 'itemId' | 'skuId'> {
  const itemId = order.num_iid !== undefined && Number.isSafeInteger(order.num_iid) ? String(order.num_iid) : null;
  return { itemId, skuId: present(order.sku_id) ?? itemId };
}

export function toOrderLines(orders: readonly TaobaoOrder[]): Result<OrderLine[]> {
  if (orders.length === 0) return { ok: false, reason: 'trade has no orders' };
  const lines: OrderLine[] = [];
  for (const [index, order] of orders.entries()) {
    const sku = skuOf(order);
    if (sku === undefined) return { ok: false, reason: `orders[${index}] has no outer_sku_id, sku_id, outer_iid or num_iid` };
    if (!Number.isSafeInteger(order.num) || order.num < 1) return { ok: false, reason: `orders[${index}].num is not a positive integer: ${order.num}` };
    const price = yuanToFen(order.price);
    if (!price.ok) return { ok: false, reason: `orders[${index}].price: ${price.reason}` };
    lines.push({ sku, quantity: order.num, unitPriceMinor: price.value, ...listingOf(order) });
  }
  return { ok: true, value: lines };
}
