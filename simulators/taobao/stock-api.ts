import { formatChinaTime } from '../../connectors/taobao/timestamp.js';
import { type ListingStore, type WriteOutcome, withStockFault } from '../kit/index.js';
import type { TopAnswer, TopError, TopMethods } from './server.js';

/*
 * Listing stock methods on a ListingStore: taobao.item.quantity.update (type 1 = set, default;
 * 2 = increment), taobao.item.sku.get and taobao.item.seller.get to read. A call without sku_id
 * addresses the item itself (listing skuId = num_iid). Rate limits answer TOP's code 7; injected
 * 5xx faults are the gateway's 502 page.
 */
const APP_CALL_LIMITED: TopError = {
  code: 7,
  msg: 'App Call Limited',
  sub: 'accesscontrol.limited-by-app-access-count',
  subMsg: 'This ban will last for 1 more seconds',
};
const BAD_GATEWAY: TopAnswer = { http: { status: 502, contentType: 'text/html', body: '<html><body>502 Bad Gateway</body></html>' } };
const SERVICE_ERROR = { code: 15, msg: 'Remote service error' };
const ITEM_NOT_FOUND: TopError = { ...SERVICE_ERROR, sub: 'isv.item-not-exist', subMsg: '商品不存在' };
const SKU_NOT_FOUND: TopError = { ...SERVICE_ERROR, sub: 'isv.item-sku-not-exist', subMsg: 'SKU不存在' };

const listingOf = (params: Record<string, string>) => ({ itemId: params.num_iid ?? '', skuId: params.sku_id || (params.num_iid ?? '') });

function refusal(outcome: Exclude<WriteOutcome, { ok: true }>, hasSku: boolean): TopError {
  if (outcome.code === 'not_found') return hasSku ? SKU_NOT_FOUND : ITEM_NOT_FOUND;
  return { code: 41, msg: 'Invalid Arguments', sub: 'isv.invalid-parameter:quantity', subMsg: '库存不能小于0' };
}

export function stockApi(store: ListingStore): TopMethods {
  const itemNum = (itemId: string) =>
    store
      .all()
      .filter((l) => l.itemId === itemId)
      .reduce((sum, l) => sum + l.quantity, 0);
  const itemAnswer = (itemId: string) => {
    const skus = store.all().filter((l) => l.itemId === itemId && l.skuId !== itemId);
    const modified = formatChinaTime(Date.now());
    return {
      num_iid: Number(itemId),
      num: itemNum(itemId),
      modified,
      ...(skus.length > 0 ? { skus: { sku: skus.map((l) => ({ sku_id: Number(l.skuId), quantity: l.quantity, modified })) } } : {}),
    };
  };

  return {
    'taobao.item.quantity.update': async (params) => {
      if (!params.num_iid || params.quantity === undefined || !/^-?\d+$/.test(params.quantity))
        return { code: 40, msg: 'Missing Required Arguments', sub: 'isv.missing-parameter:num_iid/quantity' };
      const type = params.type ?? '1';
      if (type !== '1' && type !== '2') return { code: 41, msg: 'Invalid Arguments', sub: 'isv.invalid-parameter:type' };
      const { itemId, skuId } = listingOf(params);
      if (!store.admitCall()) return APP_CALL_LIMITED;
      const quantity = Number(params.quantity);
      const write = (): WriteOutcome => (type === '1' ? store.set(itemId, skuId, quantity) : store.increment(itemId, skuId, quantity));
      const current = (): WriteOutcome => {
        const state = store.get(itemId, skuId);
        return state ? { ok: true, quantityAfter: state.quantity } : { ok: false, code: 'not_found' };
      };
      const result = await withStockFault(store, write, current);
      if ('fault' in result) return result.fault === 'rate-limit' ? APP_CALL_LIMITED : BAD_GATEWAY;
      if (!result.value.ok) return refusal(result.value, Boolean(params.sku_id));
      return JSON.stringify({ item_quantity_update_response: { item: itemAnswer(itemId) } });
    },
    'taobao.item.sku.get': (params) => {
      if (!params.sku_id || !params.fields) return { code: 40, msg: 'Missing Required Arguments', sub: 'isv.missing-parameter:sku_id/fields' };
      if (!store.admitCall()) return APP_CALL_LIMITED;
      const state = store.all().find((l) => l.skuId === params.sku_id && (!params.num_iid || l.itemId === params.num_iid));
      if (!state) return SKU_NOT_FOUND;
      return JSON.stringify({ item_sku_get_response: { sku: { sku_id: Number(state.skuId), num_iid: Number(state.itemId), quantity: state.quantity } } });
    },
    'taobao.item.seller.get': (params) => {
      if (!params.num_iid || !params.fields) return { code: 40, msg: 'Missing Required Arguments', sub: 'isv.missing-parameter:num_iid/fields' };
      if (!store.admitCall()) return APP_CALL_LIMITED;
      if (!store.all().some((l) => l.itemId === params.num_iid)) return ITEM_NOT_FOUND;
      return JSON.stringify({ item_seller_get_response: { item: { num_iid: Number(params.num_iid), num: itemNum(params.num_iid) } } });
    },
  };
}
