import { ApiError } from '../../lib/errors.js';
import type { ShopConfig } from '../contract.js';
import { type SignMethod, signKuaishouRequest } from './signature.js';

/*
 * Reconciliation through the order query API open.order.cursor.list (GET
 * {endpoint}/open/order/cursor/list, method name with "." → "/"), signed like every Kuaishou API call.
 * Business parameters travel as the JSON text `param`:
 *   orderViewStatus 1 (all orders), queryType 2 (by update time), sort 1, pageSize ≤ 100,
 *   beginTime/endTime epoch ms, cursor "" then data.cursor until it reads "nomore".
 * Yields each element of data.orderList unchanged: the shape payloadSchema parses as an order.
 *
 * Credentials: appKey, signSecret, accessToken (the seller's OAuth token; refreshing it is outside
 * this connector). The window [from, to) is sent as beginTime = from, endTime = to − 1 ms.
 */

export const CURSOR_LIST_METHOD = 'open.order.cursor.list';
export const DEFAULT_ENDPOINT = 'https://openapi.kwaixiaodian.com';
/** Cursor values that end paging: "nomore" (seen in SDK fixtures), "no" (qihangerp), "". */
const END_CURSORS = new Set(['nomore', 'no', '']);

export interface KuaishouPullOptions {
  pageSize?: number;
  signMethod?: SignMethod;
  now?: () => number;
}

function credential(shop: ShopConfig, name: string): string {
  const value = shop.credentials?.[name];
  if (!value) throw new Error(`kuaishou shop ${shop.shopId}: credentials.${name} is required to pull orders`);
  return value;
}

export function orderListPath(): string {
  return `/${CURSOR_LIST_METHOD.replaceAll('.', '/')}`;
}

export async function* pullKuaishouOrders(shop: ShopConfig, window: { from: Date; to: Date }, options: KuaishouPullOptions = {}): AsyncGenerator<unknown> {
  const appKey = credential(shop, 'appKey');
  const signSecret = credential(shop, 'signSecret');
  const accessToken = credential(shop, 'accessToken');
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const pageSize = Math.min(Math.max(options.pageSize ?? 100, 1), 100);
  const signMethod = options.signMethod ?? 'MD5';
  const now = options.now ?? Date.now;

  let cursor = '';
  for (let page = 0; page < 100_000; page++) {
    const param = JSON.stringify({
      orderViewStatus: 1,
      pageSize,
      sort: 1,
      queryType: 2,
      beginTime: window.from.getTime(),
      endTime: window.to.getTime() - 1,
      cpsType: 0,
      cursor,
    });
    const params: Record<string, string> = {
      appkey: appKey,
      access_token: accessToken,
      method: CURSOR_LIST_METHOD,
      param,
      signMethod,
      timestamp: String(now()),
      version: '1',
    };
    params.sign = signKuaishouRequest(params, signSecret, signMethod);
    const response = await fetch(`${endpoint}${orderListPath()}?${new URLSearchParams(params)}`);
    const body = (await response.json()) as { result?: unknown; error_msg?: string; data?: { cursor?: unknown; orderList?: unknown } };
    if (body.result !== 1)
      throw new ApiError('kuaishou', `${CURSOR_LIST_METHOD} failed: result ${String(body.result)} ${body.error_msg ?? ''}`.trim(), {
        platformCode: String(body.result),
      });
    const orders = Array.isArray(body.data?.orderList) ? body.data.orderList : [];
    for (const order of orders) yield order;
    const next = typeof body.data?.cursor === 'string' ? body.data.cursor : '';
    if (END_CURSORS.has(next) || next === cursor || orders.length === 0) return;
    cursor = next;
  }
}
