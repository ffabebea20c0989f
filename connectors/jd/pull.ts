import type { ShopConfig } from '../contract.js';
import { callJos, josError } from './api.js';
import { QUERY_STATES } from './status-map.js';
import { formatChinaTime, parseChinaTime } from './timestamp.js';

/*
 * jingdong.pop.order.enSearch, by modification time (dateType 0), ascending (sortType 0), paged
 * (page, page_size ≤ 100). JOS allows at most one month between start_date and end_date, so longer
 * windows are split. Times are whole seconds of China time; JD treats the range as inclusive, so
 * every record is also filtered to modified ∈ [from, to) here. Requests are POSTed as a form to
 * shop.endpoint (https://api.jd.com/routerjson) with the JOS system parameters and sign.
 */

export const METHOD = 'jingdong.pop.order.enSearch';
export const PAGE_SIZE = 100;
const MAX_CHUNK_MS = 28 * 86_400_000;
export const OPTIONAL_FIELDS = [
  'orderId',
  'venderId',
  'orderType',
  'orderState',
  'orderStateRemark',
  'orderTotalPrice',
  'orderSellerPrice',
  'orderPayment',
  'freightPrice',
  'sellerDiscount',
  'orderStartTime',
  'paymentConfirmTime',
  'modified',
  'consigneeInfo',
  'itemInfoList',
].join(',');

async function enSearchPage(shop: ShopConfig, business: Record<string, string | number>) {
  const body = await callJos(shop, METHOD, business);
  const wrapper = body.jingdong_pop_order_enSearch_responce as Record<string, unknown> | undefined;
  const result = wrapper?.searchorderinfo_result as Record<string, unknown> | undefined;
  if (!result) throw new Error(`jd ${METHOD}: no searchorderinfo_result in the answer`);
  const api = (result.apiResult ?? {}) as Record<string, unknown>;
  if (api.success === false || api.success === 'false') {
    throw josError(String(api.englishErrCode ?? api.numberCode ?? ''), String(api.chineseErr ?? 'apiResult.success is false'));
  }
  const list = Array.isArray(result.orderInfoList) ? (result.orderInfoList as unknown[]) : [];
  return { list, total: Number(result.orderTotal ?? list.length) };
}

export async function* pullJdOrders(shop: ShopConfig, window: { from: Date; to: Date }): AsyncGenerator<Record<string, unknown>> {
  const from = window.from.getTime();
  const to = window.to.getTime();
  for (let chunkStart = from; chunkStart < to; chunkStart += MAX_CHUNK_MS) {
    const chunkEnd = Math.min(to, chunkStart + MAX_CHUNK_MS);
    for (let page = 1; ; page += 1) {
      const { list, total } = await enSearchPage(shop, {
        start_date: formatChinaTime(chunkStart),
        end_date: formatChinaTime(chunkEnd),
        order_state: QUERY_STATES.join(','),
        optional_fields: OPTIONAL_FIELDS,
        page: String(page),
        page_size: String(PAGE_SIZE),
        sortType: 0,
        dateType: 0,
      });
      for (const record of list) {
        if (typeof record !== 'object' || record === null) continue;
        const modified = parseChinaTime('modified', String((record as Record<string, unknown>).modified ?? ''));
        // Unreadable times are yielded anyway: normalize() dead-letters them with the reason.
        if (modified.ok && (modified.value < chunkStart || modified.value >= chunkEnd)) continue;
        yield record as Record<string, unknown>;
      }
      if (list.length === 0 || page * PAGE_SIZE >= total) break;
    }
  }
}
