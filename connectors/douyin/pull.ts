import { ApiError } from '../../lib/errors.js';
import type { ShopConfig } from '../contract.js';
import { type DouyinShopOrder, douyinShopOrderSchema, ORDER_ID_KEYS, quoteIdFields } from './payload.js';
import { canonicalParamJson, signDouyinApiRequest } from './signature.js';

/*
 * Reconciliation through the order query API order.searchList, by update time, paged:
 *   POST {endpoint}/order/searchList?app_key&method=order.searchList&access_token&timestamp&v=2
 *        &sign_method=hmac-sha256&sign      body: param_json
 * (zsmhub/doudian-sdk core/doudian_op_api_client.go, api/order_searchList/request).
 * param_json: update_time_start / update_time_end (epoch seconds), order_by=update_time,
 * order_asc=true, page (from 0), size (≤ 100). Success is code 10000 (UNVERIFIED: the code the
 * open platform answers with when the client sends x-open-no-old-err-code: 1).
 *
 * [from, to) is in ms; Douyin filters on whole seconds, so the request asks for
 * [floor(from/1000), ceil(to/1000)] and each order is kept only if its update_time is in [from, to).
 */
export const DEFAULT_ENDPOINT = 'https://openapi-fxg.jinritemai.com';
export const PAGE_SIZE = 100;
export const SUCCESS_CODE = 10000;

/** Platform-side errors (sub_code isp.*) and flow control pass; the caller's own (isv.*) do not. Codes UNVERIFIED. */
export function douyinRetryable(subCode: string | undefined): boolean {
  return (subCode ?? '').startsWith('isp.') || /limit|frequen/i.test(subCode ?? '');
}

function credential(shop: ShopConfig, name: string): string {
  const value = shop.credentials?.[name];
  if (!value) throw new Error(`douyin shop ${shop.shopId}: credentials.${name} is required`);
  return value;
}

export async function* pullDouyinOrders(
  shop: ShopConfig,
  window: { from: Date; to: Date },
  opts: { now?: () => number; pageSize?: number } = {},
): AsyncGenerator<DouyinShopOrder> {
  const appKey = credential(shop, 'appKey');
  const accessToken = credential(shop, 'accessToken');
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const now = opts.now ?? Date.now;
  const size = opts.pageSize ?? PAGE_SIZE;
  const fromMs = window.from.getTime();
  const toMs = window.to.getTime();

  for (let page = 0; ; page++) {
    const paramJson = canonicalParamJson({
      update_time_start: Math.floor(fromMs / 1000),
      update_time_end: Math.ceil(toMs / 1000),
      order_by: 'update_time',
      order_asc: true,
      page,
      size,
    });
    const timestamp = String(Math.floor(now() / 1000));
    const method = 'order.searchList';
    const sign = signDouyinApiRequest({ appKey, appSecret: shop.secret, method, paramJson, timestamp });
    const query = new URLSearchParams({ app_key: appKey, method, access_token: accessToken, timestamp, v: '2', sign_method: 'hmac-sha256', sign });
    const response = await fetch(`${endpoint}/order/searchList?${query.toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-open-no-old-err-code': '1' },
      body: paramJson,
    });
    if (!response.ok) throw new ApiError('douyin', `order.searchList: HTTP ${response.status}`, { status: response.status });
    // int64 ids (sku_id, product_id…) are quoted before JSON.parse rounds them.
    const body = JSON.parse(quoteIdFields(await response.text(), ORDER_ID_KEYS)) as {
      code?: number;
      msg?: string;
      sub_code?: string;
      sub_msg?: string;
      data?: { total?: number; shop_order_list?: unknown[] };
    };
    if (body.code !== SUCCESS_CODE) {
      throw new ApiError('douyin', `order.searchList: ${body.code} ${body.msg ?? ''} ${body.sub_code ?? ''} ${body.sub_msg ?? ''}`.trim(), {
        platformCode: body.code ?? 'none',
        retryable: douyinRetryable(body.sub_code),
      });
    }
    const list = body.data?.shop_order_list ?? [];
    for (const raw of list) {
      const order = douyinShopOrderSchema.parse(raw);
      const updated = order.update_time * 1000;
      if (updated >= fromMs && updated < toMs) yield order;
    }
    const total = body.data?.total ?? 0;
    if (list.length === 0 || (page + 1) * size >= total) return;
  }
}
