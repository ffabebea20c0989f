import { GW_RATE_LIMITED } from '../../connectors/youzan/ship.js';
import { ITEM_GET_PATH, QUANTITY_TYPE, QUANTITY_UPDATE_PATH, YOUZAN_STOCK_CODES } from '../../connectors/youzan/stock.js';
import { type ListingStore, type WriteOutcome, withStockFault } from '../kit/index.js';
import type { YouzanAnswer, YouzanRoute } from './server.js';

/*
 * youzan.item.quantity.update 3.0.0 (type 0 set, 1 increment; sku_id left out for an item without
 * SKUs, whose listing is item/item) and youzan.item.get 3.0.0 on the listing store. Youzan keeps no
 * idempotency keys, so none are honoured.
 */
const refuse = (code: number, message: string): YouzanAnswer => ({ json: { success: false, code, message, data: null }, ok: false });
const rateLimit: YouzanAnswer = { json: { gw_err_resp: { err_code: GW_RATE_LIMITED, err_msg: '调用频率超限' } }, ok: false };
const serverError: YouzanAnswer = { json: '<html>502 Bad Gateway</html>', ok: false, httpStatus: 502 };
const idOf = (value: unknown) =>
  typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' && /^\d+$/.test(value) ? value : undefined;

function refusal(outcome: WriteOutcome, listings: ListingStore, itemId: string): YouzanAnswer {
  if (outcome.ok) return { json: { success: true, code: 200, message: 'successful', data: true }, ok: true };
  if (outcome.code === 'not_found') {
    return listings.all().some((l) => l.itemId === itemId)
      ? refuse(YOUZAN_STOCK_CODES.skuNotFound, 'SKU不存在')
      : refuse(YOUZAN_STOCK_CODES.itemNotFound, '商品不存在');
  }
  if (outcome.code === 'negative') return refuse(YOUZAN_STOCK_CODES.stockShort, '库存不足');
  return refuse(50_000, '参数错误');
}

export function stockApi(listings: ListingStore): YouzanRoute[] {
  return [
    {
      path: QUANTITY_UPDATE_PATH,
      handler: async (body) => {
        const itemId = idOf(body.item_id);
        const skuId = body.sku_id === undefined ? itemId : idOf(body.sku_id);
        const quantity = body.quantity;
        if (!itemId || !skuId || typeof quantity !== 'number' || !Number.isSafeInteger(quantity)) return refuse(50_000, '参数错误: item_id/quantity');
        if (body.type !== QUANTITY_TYPE.set && body.type !== QUANTITY_TYPE.increment) return refuse(50_000, `不支持的库存更新类型:${String(body.type)}`);
        if (!listings.admitCall(`${itemId}/${skuId}`)) return rateLimit;
        const write = (): WriteOutcome =>
          body.type === QUANTITY_TYPE.set ? listings.set(itemId, skuId, quantity) : listings.increment(itemId, skuId, quantity);
        const outcome = await withStockFault(listings, write, () => ({ ok: true, quantityAfter: 0 }) as WriteOutcome);
        if ('fault' in outcome) return outcome.fault === 'server-error' ? serverError : rateLimit;
        return refusal(outcome.value, listings, itemId);
      },
    },
    {
      path: ITEM_GET_PATH,
      handler: (body) => {
        const itemId = idOf(body.item_id);
        if (!itemId) return refuse(50_000, '参数错误: item_id');
        if (!listings.admitCall()) return rateLimit;
        const mine = listings.all().filter((l) => l.itemId === itemId);
        if (mine.length === 0) return refuse(YOUZAN_STOCK_CODES.itemNotFound, '商品不存在');
        const skus = mine.filter((l) => l.skuId !== itemId).map((l) => ({ sku_id: Number(l.skuId), quantity: l.quantity }));
        const quantity = mine.reduce((sum, l) => sum + l.quantity, 0);
        return { json: { success: true, code: 200, message: 'successful', data: { item: { item_id: Number(itemId), quantity, skus } } }, ok: true };
      },
    },
  ];
}
