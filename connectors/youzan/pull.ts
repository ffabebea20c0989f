import { ApiError } from '../../lib/errors.js';
import type { ShopConfig } from '../contract.js';
import { type YouzanTrade, youzanTradeSchema } from './payload.js';
import { formatChinaTime } from './timestamp.js';

/*
 * Reconciliation through youzan.trades.sold.get 4.0.0, by update time, paged.
 *
 * Youzan's open API (有赞云) authenticates calls with an access_token in the query string, not a
 * per-request signature. The token comes from POST /auth/token with the app's client_id and
 * client_secret (silent authorization for a self-use app: authorize_type=silent, grant_id=kdt_id).
 * A wrong secret therefore fails at /auth/token. Sources in README.md; envelope codes UNVERIFIED.
 *
 *   POST {endpoint}/auth/token  {client_id, client_secret, authorize_type:"silent", grant_id, refresh:false}
 *     → {success:true, code:200, data:{access_token, expires}}
 *   POST {endpoint}/api/youzan.trades.sold.get/4.0.0?access_token=…
 *        {start_update, end_update ("yyyy-MM-dd HH:mm:ss", China time), page_no (from 1), page_size}
 *     → {success:true, code:200, data:{full_order_info_list:[{full_order_info}], total_results}}
 *
 * [from, to) is kept exact by filtering on order_info.update_time after the (second-granular,
 * inclusive) server-side filter.
 */
export const DEFAULT_ENDPOINT = 'https://open.youzanyun.com';
export const PAGE_SIZE = 100;

interface Envelope<T> {
  success?: boolean;
  code?: number;
  message?: string;
  data?: T;
  gw_err_resp?: { err_code?: number; err_msg?: string };
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new ApiError('youzan', `${new URL(url).pathname}: HTTP ${response.status}`, { status: response.status });
  const json = (await response.json()) as Envelope<T>;
  if (json.gw_err_resp)
    throw new ApiError('youzan', `${new URL(url).pathname}: ${json.gw_err_resp.err_msg ?? 'gateway error'}`, {
      platformCode: json.gw_err_resp.err_code ?? 'gw',
    });
  if (!json.success || json.data === undefined)
    throw new ApiError('youzan', `${new URL(url).pathname}: ${json.code} ${json.message ?? ''}`.trim(), { platformCode: json.code ?? 'none' });
  return json.data;
}

export async function youzanAccessToken(shop: ShopConfig): Promise<string> {
  if (shop.credentials?.accessToken) return shop.credentials.accessToken;
  const clientId = shop.credentials?.clientId;
  const kdtId = shop.credentials?.kdtId;
  if (!clientId || !kdtId) throw new Error(`youzan shop ${shop.shopId}: credentials.clientId and credentials.kdtId (or accessToken) are required`);
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const data = await post<{ access_token: string }>(`${endpoint}/auth/token`, {
    client_id: clientId,
    client_secret: shop.secret,
    authorize_type: 'silent',
    grant_id: kdtId,
    refresh: false,
  });
  return data.access_token;
}

export async function* pullYouzanTrades(shop: ShopConfig, window: { from: Date; to: Date }, opts: { pageSize?: number } = {}): AsyncGenerator<YouzanTrade> {
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const token = await youzanAccessToken(shop);
  const size = opts.pageSize ?? PAGE_SIZE;
  const fromMs = window.from.getTime();
  const toMs = window.to.getTime();
  const url = `${endpoint}/api/youzan.trades.sold.get/4.0.0?${new URLSearchParams({ access_token: token }).toString()}`;

  for (let pageNo = 1; ; pageNo++) {
    const data = await post<{ full_order_info_list?: unknown[]; total_results?: number }>(url, {
      start_update: formatChinaTime(fromMs),
      end_update: formatChinaTime(toMs),
      page_no: pageNo,
      page_size: size,
    });
    const list = data.full_order_info_list ?? [];
    for (const raw of list) {
      const trade = youzanTradeSchema.parse(raw);
      const updated = Date.parse(`${trade.full_order_info.order_info.update_time.replace(' ', 'T')}+08:00`);
      if (updated >= fromMs && updated < toMs) yield trade;
    }
    if (list.length === 0 || pageNo * size >= (data.total_results ?? 0)) return;
  }
}
