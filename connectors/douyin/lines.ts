import type { Result } from '../../lib/result.js';
import type { OrderLine } from '../../topics/schemas/order-event.js';
import { present } from '../common/fields.js';
import { fenAmount } from './money.js';
import type { DouyinSkuOrder } from './payload.js';

/*
 * sku_order_list[] → canonical lines. SKU: the merchant's out_sku_id (外部Skuid) when set, else
 * the platform sku_id as "sku-<id>" (the sku_id alone could collide with a merchant code).
 * Unit price: origin_amount (商品现价, fen, before promotions); quantity: item_num as ordered.
 * itemId / skuId: product_id and sku_id as digit strings (quoted before JSON.parse, payload.ts), for stock sync.
 */
export function skuOf(line: DouyinSkuOrder): string {
  return present(line.out_sku_id) ?? `sku-${String(line.sku_id)}`;
}

export function toOrderLines(items: readonly DouyinSkuOrder[]): Result<OrderLine[]> {
  const lines: OrderLine[] = [];
  for (const [index, item] of items.entries()) {
    if (!Number.isInteger(item.item_num) || item.item_num <= 0) {
      return { ok: false, reason: `sku_order_list[${index}].item_num is not a positive integer: ${item.item_num}` };
    }
    const price = fenAmount(`sku_order_list[${index}].origin_amount`, item.origin_amount);
    if (!price.ok) return price;
    const itemId = item.product_id === undefined ? null : String(item.product_id);
    lines.push({ sku: skuOf(item), quantity: item.item_num, unitPriceMinor: price.value, itemId, skuId: String(item.sku_id) });
  }
  return { ok: true, value: lines };
}
