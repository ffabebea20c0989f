import type { Result } from '../../lib/result.js';
import type { OrderLine } from '../../topics/schemas/order-event.js';
import { present } from '../common/fields.js';
import { parseJsonExact } from './json-numbers.js';
import { yuanToFen } from './money.js';
import { meituanDetailSchema } from './payload.js';

/*
 * `detail` is a JSON *string*: the list of ordered items. Parsed with numbers kept exact.
 * SKU: the merchant's SKU code (sku_id) when set, else its SPU code (app_food_code); both are
 * codes the merchant maintains in its own system. Meituan says an empty app_food_code (or the
 * dish name in its place) means the merchant never maintained codes: a line with no code at all
 * fails the whole order rather than silently dropping stock from a reservation.
 * Price is the unit price in yuan; box (packaging) fees are not stock and are not lines.
 * itemId/skuId: app_food_code and sku_id, the codes retail/sku/stock addresses a listing by.
 */
export function toOrderLines(detail: string): Result<OrderLine[]> {
  let json: unknown;
  try {
    json = parseJsonExact(detail);
  } catch {
    return { ok: false, reason: 'detail is not JSON' }; // the parser's message would quote the items
  }
  const parsed = meituanDetailSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `detail[${issue.path.join('.')}]: ${issue.message}` };
  }
  const lines: OrderLine[] = [];
  for (const [index, item] of parsed.data.entries()) {
    const sku = present(item.sku_id) ?? present(item.app_food_code);
    if (!sku) return { ok: false, reason: `detail[${index}] has neither sku_id nor app_food_code` };
    const quantity = Number(item.quantity);
    if (!Number.isSafeInteger(quantity) || quantity <= 0 || quantity > 2_147_483_647) {
      return { ok: false, reason: `detail[${index}].quantity is not a positive integer: "${item.quantity}"` };
    }
    const price = yuanToFen(item.price);
    if (!price.ok) return { ok: false, reason: `detail[${index}].price: ${price.reason}` };
    // The listing: the SPU code and the SKU code (a single-spec item without a SKU code is its own SKU).
    const itemId = present(item.app_food_code) ?? null;
    lines.push({ sku, quantity, unitPriceMinor: price.value, itemId, skuId: present(item.sku_id) ?? itemId });
  }
  if (lines.length === 0) return { ok: false, reason: 'detail lists no items' };
  return { ok: true, value: lines };
}
