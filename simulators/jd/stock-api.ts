import { JD_CALL_LIMIT_CODE, JD_STOCK_READ_METHOD, JD_STOCK_SET_METHOD } from '../../connectors/jd/stock.js';
import { json, type ListingState, type ListingStore, type SimResponse, type WriteOutcome, withStockFault } from '../kit/index.js';

/*
 * JD's listing stock methods on the simulator's ListingStore, behind the router's sign check:
 * jingdong.stock.write.updateSkuStock {skuId, stockNum} sets, jingdong.stock.read.findSkuStock
 * {skuId} reads. JD keys stock by skuId alone. Answer and error shapes as connectors/jd/stock.ts
 * expects them (UNVERIFIED against JOS, README "Stock").
 */
export type JosStockMethods = Record<string, (biz: Record<string, unknown> | undefined) => Promise<SimResponse>>;

const error = (code: string, zh: string, en: string) => json({ error_response: { code, zh_desc: zh, en_desc: en } });
const serverError: SimResponse = { status: 503, contentType: 'text/plain', body: 'Service Unavailable' };
const callLimit = () => error(JD_CALL_LIMIT_CODE, '调用次数超限', 'Call limit exceeded');
const skuMissing = () => error('10400001', 'SKU不存在', 'sku does not exist');
const responseKey = (method: string) => `${method.replaceAll('.', '_')}_responce`;

function bySku(store: ListingStore, skuId: string): ListingState | undefined {
  return store.all().find((l) => l.skuId === skuId);
}

export function stockApi(store: ListingStore): JosStockMethods {
  return {
    [JD_STOCK_SET_METHOD]: async (biz) => {
      const skuId = String(biz?.skuId ?? '');
      const stockNum = Number(biz?.stockNum);
      if (!Number.isSafeInteger(stockNum) || stockNum < 0) return error('61', '参数错误', 'stockNum must be a whole number >= 0');
      if (!store.admitCall(skuId)) return callLimit();
      const listing = bySku(store, skuId);
      const outcome = await withStockFault<WriteOutcome>(
        store,
        () => (listing ? store.set(listing.itemId, skuId, stockNum) : { ok: false, code: 'not_found' }),
        () => (listing ? { ok: true, quantityAfter: listing.quantity } : { ok: false, code: 'not_found' }),
      );
      if ('fault' in outcome) return outcome.fault === 'server-error' ? serverError : callLimit();
      if (!outcome.value.ok) return outcome.value.code === 'not_found' ? skuMissing() : error('61', '参数错误', outcome.value.code);
      return json({ [responseKey(JD_STOCK_SET_METHOD)]: { code: '0', success: true } });
    },
    [JD_STOCK_READ_METHOD]: async (biz) => {
      const skuId = String(biz?.skuId ?? '');
      if (!store.admitCall()) return callLimit();
      const outcome = await withStockFault(
        store,
        () => bySku(store, skuId),
        () => bySku(store, skuId),
      );
      if ('fault' in outcome) return outcome.fault === 'server-error' ? serverError : callLimit();
      const listing = outcome.value;
      if (!listing) return skuMissing();
      return json({ [responseKey(JD_STOCK_READ_METHOD)]: { code: '0', skuStocks: [{ skuId: Number(listing.skuId), stockNum: listing.quantity }] } });
    },
  };
}
