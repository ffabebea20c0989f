import { ApiError } from '../../lib/errors.js';
import type { ShopConfig } from '../contract.js';
import { quoteLongIntegers } from './json-ids.js';

/*
 * Reconciliation through the Channels shop order API (auth = access_token in the query string;
 * WeChat APIs carry no per-request signature):
 *   GET  /cgi-bin/token?grant_type=client_credential&appid=…&secret=…   → {access_token, expires_in}
 *   POST /channels/ec/order/list/get?access_token=…  {update_time_range:{start_time,end_time}, page_size, next_key}
 *        → {errcode:0, order_id_list:[…], next_key, has_more}      (a range may span at most 7 days)
 *   POST /channels/ec/order/get?access_token=…       {order_id}   → {errcode:0, order:{…}}
 * Yields each `order`: the shape payloadSchema parses as an order. Answers are parsed after
 * quoting long integers, so ids above 2^53 keep every digit.
 *
 * Credentials: appId + appSecret (a token is fetched), or accessToken (used as is). The window
 * [from, to) becomes whole seconds [⌊from⌋, ⌈to⌉ − 1], inclusive as WeChat reads it.
 */

export const DEFAULT_ENDPOINT = 'https://api.weixin.qq.com';
export const MAX_RANGE_SECONDS = 7 * 24 * 3600;

/** An errcode answer, with the errcode as platformCode (ship.ts decides which ones pass). */
const apiError = (path: string, errcode: unknown, errmsg: string) =>
  new ApiError('wechat', `${path} failed: errcode ${String(errcode)} ${errmsg}`.trim(), { platformCode: errcode === undefined ? undefined : String(errcode) });

interface ApiAnswer {
  errcode?: unknown;
  errmsg?: string;
  [key: string]: unknown;
}

async function readAnswer(path: string, response: Response): Promise<ApiAnswer> {
  const body = JSON.parse(quoteLongIntegers(await response.text())) as ApiAnswer;
  if (body.errcode !== undefined && body.errcode !== 0) throw apiError(path, body.errcode, body.errmsg ?? '');
  return body;
}

export async function fetchAccessToken(endpoint: string, appId: string, appSecret: string): Promise<string> {
  const path = '/cgi-bin/token';
  const query = new URLSearchParams({ grant_type: 'client_credential', appid: appId, secret: appSecret });
  const body = await readAnswer(path, await fetch(`${endpoint}${path}?${query}`));
  if (typeof body.access_token !== 'string') throw apiError(path, body.errcode, 'no access_token in the answer');
  return body.access_token;
}

async function post(endpoint: string, path: string, token: string, payload: unknown): Promise<ApiAnswer> {
  const response = await fetch(`${endpoint}${path}?access_token=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  return readAnswer(path, response);
}

export async function tokenFor(shop: ShopConfig, endpoint: string): Promise<string> {
  const given = shop.credentials?.accessToken;
  if (given) return given;
  const appId = shop.credentials?.appId;
  const appSecret = shop.credentials?.appSecret;
  if (!appId || !appSecret)
    throw new Error(`wechat shop ${shop.shopId}: credentials.appId and credentials.appSecret (or accessToken) are required to pull orders`);
  return fetchAccessToken(endpoint, appId, appSecret);
}

export async function* pullWechatOrders(shop: ShopConfig, window: { from: Date; to: Date }, options: { pageSize?: number } = {}): AsyncGenerator<unknown> {
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const token = await tokenFor(shop, endpoint);
  const pageSize = Math.min(Math.max(options.pageSize ?? 100, 1), 100);
  const first = Math.floor(window.from.getTime() / 1000);
  const last = Math.ceil(window.to.getTime() / 1000) - 1;
  for (let start = first; start <= last; start += MAX_RANGE_SECONDS) {
    const end = Math.min(start + MAX_RANGE_SECONDS - 1, last);
    let nextKey = '';
    for (let page = 0; page < 100_000; page++) {
      const list = await post(endpoint, '/channels/ec/order/list/get', token, {
        update_time_range: { start_time: start, end_time: end },
        page_size: pageSize,
        next_key: nextKey,
      });
      const ids = Array.isArray(list.order_id_list) ? list.order_id_list : [];
      for (const id of ids) {
        const detail = await post(endpoint, '/channels/ec/order/get', token, { order_id: String(id) });
        if (detail.order !== undefined) yield detail.order;
      }
      const next = typeof list.next_key === 'string' ? list.next_key : '';
      if (list.has_more !== true || !next || next === nextKey) break;
      nextKey = next;
    }
  }
}
