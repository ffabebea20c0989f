import type { Result } from '../../lib/result.js';
import type { OrderLine } from '../../topics/schemas/order-event.js';
import { present } from '../common/fields.js';
import { yuanToFen } from './money.js';
import type { YouzanLine } from './payload.js';

/*
 * orders[] → canonical lines. SKU: outer_sku_id (merchant code) when set; else the platform
 * sku_id as "sku-<id>"; for items without SKUs (sku_id 0) outer_item_id, else "item-<item_id>".
 * A line with none of these fails the order. Unit price: price (yuan → fen); quantity: num.
 * itemId/skuId: Youzan's item_id and sku_id (sku_id 0: the item id again), null when absent.
 */
// A platform id of 0 stands for "none" (an item without SKUs).
const id = (value: string | number | undefined) => (value !== undefined && String(value) !== '0' && String(value) !== '' ? String(value) : undefined);

export function skuOf(line: YouzanLine): string | undefined {
  const sku = id(line.sku_id);
  const item = id(line.item_id);
  return present(line.outer_sku_id) ?? (sku && `sku-${sku}`) ?? present(line.outer_item_id) ?? (item && `item-${item}`);
}

export function toOrderLines(items: readonly YouzanLine[]): Result<OrderLine[]> {
  const lines: OrderLine[] = [];
  for (const [index, item] of items.entries()) {
    const sku = skuOf(item);
    if (sku === undefined) return { ok: false, reason: `orders[${index}] (oid ${String(item.oid)}) has no sku or item id` };
    if (!Number.isSafeInteger(item.num) || item.num <= 0) return { ok: false, reason: `orders[${index}].num is not a positive integer: ${item.num}` };
    const price = yuanToFen(`orders[${index}].price`, item.price);
    if (!price.ok) return price;
    // The listing: item_id and sku_id; an item without SKUs is its own SKU.
    const itemId = id(item.item_id) ?? null;
    lines.push({ sku, quantity: item.num, unitPriceMinor: price.value, itemId, skuId: id(item.sku_id) ?? itemId });
  }
  return { ok: true, value: lines };
}
