import type { Result } from '../../lib/result.js';
import type { OrderLine } from '../../topics/schemas/order-event.js';
import { present } from '../common/fields.js';
import { yuanToFen } from './money.js';
import type { JdItem } from './payload.js';

/*
 * itemInfoList → canonical lines. SKU: the merchant's outerSkuId when present, else
 * "jd-<skuId>" (JD's own id, prefixed so it cannot collide with a merchant code). Quantity is
 * itemTotal; unit price is jdPrice (the SKU's JD price before order discounts). itemId / skuId:
 * JD's wareId and skuId, as exact digit strings (json-numbers.ts), for stock sync.
 */
export function skuOf(item: JdItem): string {
  return present(item.outerSkuId) ?? `jd-${item.skuId}`;
}

export function toOrderLines(items: readonly JdItem[]): Result<OrderLine[]> {
  if (items.length === 0) return { ok: false, reason: 'itemInfoList is empty' };
  const lines: OrderLine[] = [];
  for (const [index, item] of items.entries()) {
    if (!/^[1-9]\d{0,9}$/.test(item.itemTotal) || Number(item.itemTotal) > 2_147_483_647) {
      return { ok: false, reason: `itemInfoList[${index}].itemTotal is not a positive integer: "${item.itemTotal}"` };
    }
    const price = yuanToFen(item.jdPrice);
    if (!price.ok) return { ok: false, reason: `itemInfoList[${index}].jdPrice: ${price.reason}` };
    lines.push({ sku: skuOf(item), quantity: Number(item.itemTotal), unitPriceMinor: price.value, itemId: present(item.wareId) ?? null, skuId: item.skuId });
  }
  return { ok: true, value: lines };
}
