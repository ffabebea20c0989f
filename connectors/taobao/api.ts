import { ApiError } from '../../lib/errors.js';
import type { ShopConfig } from '../contract.js';
import { topSign } from './signature.js';
import { formatChinaTime } from './timestamp.js';

/*
 * A minimal TOP (淘宝开放平台) API client: form-encoded POST to the router with the system
 * parameters method, app_key, session, timestamp ("yyyy-MM-dd HH:mm:ss", China time), format=json,
 * v=2.0, sign_method=md5, and sign = topSign(all params). Errors come back as HTTP 200 with
 * {"error_response": {"code", "msg", "sub_code", "sub_msg", "request_id"}}: thrown as ApiError with
 * the sub_code (else the code) as platformCode, retryable for rate limits and platform-side (isp.*)
 * errors. Any other HTTP status comes from the gateway in front of the router: retried, whatever it is.
 *
 * ShopConfig: secret = app secret; credentials.appKey, credentials.sessionKey (the seller's access
 * token); endpoint = base URL; the router is `${endpoint}/router/rest` unless credentials.apiUrl.
 */

/** TOP's "App Call Limited" and flow-control codes: wait and retry. */
const RATE_LIMIT_CODES = new Set(['7']);

export interface TaobaoCredentials {
  appKey: string;
  sessionKey: string;
  groupName: string;
  apiUrl: string;
  tmcUrl: string;
  sellerId: string | undefined;
}

export function taobaoCredentials(shop: ShopConfig): TaobaoCredentials {
  const c = shop.credentials ?? {};
  const appKey = c.appKey;
  const sessionKey = c.sessionKey;
  if (!appKey) throw new Error(`taobao shop ${shop.shopId}: credentials.appKey is required`);
  if (!sessionKey) throw new Error(`taobao shop ${shop.shopId}: credentials.sessionKey is required`);
  const base = shop.endpoint?.replace(/\/+$/, '');
  const apiUrl = c.apiUrl ?? (base ? `${base}/router/rest` : undefined);
  const tmcUrl = c.tmcUrl ?? (base ? `${base.replace(/^http/, 'ws')}/` : undefined);
  if (!apiUrl || !tmcUrl) throw new Error(`taobao shop ${shop.shopId}: endpoint (or credentials.apiUrl and tmcUrl) is required`);
  return { appKey, sessionKey, groupName: c.groupName ?? 'default', apiUrl, tmcUrl, sellerId: c.sellerId };
}

export interface TopCallOptions {
  fetchImpl?: typeof fetch;
  now?: () => number;
}

export async function callTop(
  shop: ShopConfig,
  method: string,
  apiParams: Readonly<Record<string, string>>,
  opts: TopCallOptions = {},
): Promise<Record<string, unknown>> {
  const cred = taobaoCredentials(shop);
  const params: Record<string, string> = {
    method,
    app_key: cred.appKey,
    session: cred.sessionKey,
    timestamp: formatChinaTime((opts.now ?? Date.now)()),
    format: 'json',
    v: '2.0',
    sign_method: 'md5',
    ...apiParams,
  };
  params.sign = topSign(params, shop.secret);
  const response = await (opts.fetchImpl ?? fetch)(cred.apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  });
  if (!response.ok) throw new ApiError('taobao', `TOP ${method}: HTTP ${response.status}`, { status: response.status, retryable: true });
  const json = (await response.json()) as Record<string, unknown>;
  const error = json.error_response as { code?: unknown; msg?: unknown; sub_code?: unknown; sub_msg?: unknown } | undefined;
  if (error) {
    const sub = typeof error.sub_code === 'string' ? error.sub_code : undefined;
    const subMsg = typeof error.sub_msg === 'string' ? error.sub_msg : undefined;
    throw new ApiError('taobao', `TOP ${method} failed: ${String(error.code)} ${String(error.msg)}${sub ? ` (${sub})` : ''}${subMsg ? `: ${subMsg}` : ''}`, {
      platformCode: sub ?? String(error.code),
      retryable: RATE_LIMIT_CODES.has(String(error.code)) || (sub ?? '').startsWith('isp.'),
    });
  }
  return json;
}

/** The fields the hub asks for: enough to normalize, and no receiver PII beyond province/city. */
export const TRADE_FIELDS = [
  'tid',
  'tid_str',
  'status',
  'type',
  'step_trade_status',
  'step_paid_fee',
  'payment',
  'total_fee',
  'post_fee',
  'discount_fee',
  'created',
  'pay_time',
  'modified',
  'receiver_state',
  'receiver_city',
  'receiver_country',
  'orders.oid',
  'orders.oid_str',
  'orders.num_iid',
  'orders.sku_id',
  'orders.outer_sku_id',
  'orders.outer_iid',
  'orders.num',
  'orders.price',
  'orders.payment',
  'orders.total_fee',
  'orders.refund_status',
  'orders.status',
].join(',');

export async function fetchTradeFullinfo(shop: ShopConfig, tid: string, opts: TopCallOptions = {}): Promise<unknown> {
  const json = await callTop(shop, 'taobao.trade.fullinfo.get', { tid, fields: TRADE_FIELDS }, opts);
  const trade = (json.trade_fullinfo_get_response as { trade?: unknown } | undefined)?.trade;
  if (trade === undefined) throw new Error(`TOP taobao.trade.fullinfo.get: no trade in the response for tid ${tid}`);
  return trade;
}
