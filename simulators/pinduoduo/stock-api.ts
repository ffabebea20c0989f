import { type ListingStore, type WriteOutcome, withStockFault } from '../kit/index.js';
import type { RouterAnswer, RouterError, RouterTypes } from './server.js';

/*
 * Listing stock types on a ListingStore: pdd.goods.quantity.update (update_type 1 = set, default;
 * 2 = increment) and pdd.goods.skus.get. Goods in a promotion slot refuse reductions; rate
 * limits answer 70031; injected 5xx faults are the gateway's 503.
 */
const FLOW_CONTROL: RouterError = { code: 70031, msg: '调用过于频繁，请调整调用频率' };
const UNAVAILABLE: RouterAnswer = { http: { status: 503, contentType: 'text/plain', body: 'Service Unavailable' } };
const SKU_NOT_FOUND: RouterError = { code: 50000, msg: '商品或sku不存在' };

function refusal(outcome: Exclude<WriteOutcome, { ok: true }>): RouterError {
  if (outcome.code === 'not_found') return SKU_NOT_FOUND;
  if (outcome.code === 'promotion_locked') return { code: 50000, msg: '商品在资源位活动中，不能减少库存' };
  return { code: 10000, msg: '参数错误: 库存不能小于0' };
}

export function stockApi(store: ListingStore): RouterTypes {
  return {
    'pdd.goods.quantity.update': async (params) => {
      if (!params.goods_id || !params.sku_id || params.quantity === undefined || !/^-?\d+$/.test(params.quantity))
        return { code: 10000, msg: '参数错误: goods_id, sku_id, quantity 必填' };
      const updateType = params.update_type ?? '1';
      if (updateType !== '1' && updateType !== '2') return { code: 10000, msg: '参数错误: update_type' };
      if (!store.admitCall()) return FLOW_CONTROL;
      const { goods_id: itemId, sku_id: skuId } = params;
      const quantity = Number(params.quantity);
      const write = (): WriteOutcome => (updateType === '1' ? store.set(itemId, skuId, quantity) : store.increment(itemId, skuId, quantity));
      const unchanged = (): WriteOutcome => {
        const state = store.get(itemId, skuId);
        return state ? { ok: true, quantityAfter: state.quantity } : { ok: false, code: 'not_found' };
      };
      const result = await withStockFault(store, write, unchanged);
      if ('fault' in result) return result.fault === 'rate-limit' ? FLOW_CONTROL : UNAVAILABLE;
      if (!result.value.ok) return refusal(result.value);
      return JSON.stringify({ goods_quantity_update_response: { is_success: true } });
    },
    'pdd.goods.skus.get': (params) => {
      if (!params.goods_id || !params.sku_id) return { code: 10000, msg: '参数错误: goods_id, sku_id 必填' };
      if (!store.admitCall()) return FLOW_CONTROL;
      const state = store.get(params.goods_id, params.sku_id);
      if (!state) return SKU_NOT_FOUND;
      return JSON.stringify({
        goods_sku_get_response: {
          goods_id: Number(state.itemId),
          sku_id: Number(state.skuId),
          quantity: state.quantity,
          reserve_quantity: 0,
          is_onsale: 1,
        },
      });
    },
  };
}
