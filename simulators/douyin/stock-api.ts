import { quoteIdFields } from '../../connectors/douyin/payload.js';
import { DOUYIN_STOCK_READ_METHOD, DOUYIN_STOCK_SYNC_METHOD } from '../../connectors/douyin/stock.js';
import { type ListingStore, type WriteOutcome, withStockFault } from '../kit/index.js';
import { withBareIds } from './orders.js';
import { apiError, type DouyinAnswer } from './query-api.js';

/*
 * Douyin's listing stock methods on the simulator's ListingStore, behind the open API's sign check:
 * sku.syncStock {product_id, sku_id, stock_num, incremental, idempotent_id} and sku.stockNum
 * {sku_id}, int64 ids bare in both directions. Answer and error shapes as connectors/douyin/stock.ts
 * expects them (UNVERIFIED against doudian, README "Stock").
 */
const ok = (data: unknown): DouyinAnswer => ({
  code: 10000,
  body: withBareIds({ code: 10000, msg: 'success', sub_code: '', sub_msg: '', log_id: 'SIMLOG0000000000000003', data }, ['sku_id', 'product_id']),
});
const flowLimit = () => apiError(50002, '服务繁忙', 'isp.flow-limit', '当前请求过于频繁，请稍后重试');
const skuMissing = () => apiError(50002, '业务处理失败', 'isv.business-failed:sku-not-exist', 'SKU不存在');
const serverError: DouyinAnswer = { code: 503, status: 503, body: 'Service Unavailable' };

function parse(paramJson: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(quoteIdFields(paramJson, ['sku_id', 'product_id'])) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function bySku(store: ListingStore, skuId: string) {
  return store.all().find((l) => l.skuId === skuId);
}

export function stockApi(store: ListingStore): Record<string, (paramJson: string) => Promise<DouyinAnswer>> {
  return {
    [DOUYIN_STOCK_SYNC_METHOD]: async (paramJson) => {
      const p = parse(paramJson);
      const stockNum = Number(p?.stock_num);
      if (!p || !Number.isSafeInteger(stockNum)) return apiError(40002, '参数错误', 'isv.parameter-invalid', 'stock_num');
      const skuId = String(p.sku_id ?? '');
      const itemId = p.product_id === undefined ? bySku(store, skuId)?.itemId : String(p.product_id);
      const incremental = p.incremental === true;
      if (incremental && !p.idempotent_id) return apiError(40002, '参数错误', 'isv.parameter-invalid', 'idempotent_id is required with incremental');
      if (!store.admitCall(skuId)) return flowLimit();
      const outcome = await withStockFault<WriteOutcome>(
        store,
        () => (incremental ? store.increment(itemId ?? '', skuId, stockNum, String(p.idempotent_id)) : store.set(itemId ?? '', skuId, stockNum)),
        () => ({ ok: true, quantityAfter: store.get(itemId ?? '', skuId)?.quantity ?? 0 }),
      );
      if ('fault' in outcome) return outcome.fault === 'server-error' ? serverError : flowLimit();
      const done = outcome.value;
      if (!done.ok) {
        if (done.code === 'not_found') return skuMissing();
        return apiError(50002, '业务处理失败', 'isv.business-failed:stock-invalid', '库存不能小于0');
      }
      return ok({});
    },
    [DOUYIN_STOCK_READ_METHOD]: async (paramJson) => {
      const p = parse(paramJson);
      if (!p) return apiError(40002, '参数错误', 'isv.parameter-invalid', 'param_json');
      if (!store.admitCall()) return flowLimit();
      const outcome = await withStockFault(
        store,
        () => bySku(store, String(p.sku_id ?? '')),
        () => bySku(store, String(p.sku_id ?? '')),
      );
      if ('fault' in outcome) return outcome.fault === 'server-error' ? serverError : flowLimit();
      const listing = outcome.value;
      if (!listing) return skuMissing();
      return ok({ sku_id: listing.skuId, out_warehouse_id: '', stock_num: listing.quantity, prehold_stock_num: 0 });
    },
  };
}
