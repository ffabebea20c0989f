import type { CallResult, CarrierCode, ShipmentNotice, ShopConfig } from '../contract.js';
import { DEFAULT_ENDPOINT, SUCCESS_CODE } from './pull.js';
import { canonicalParamJson, signDouyinApiRequest } from './signature.js';

/*
 * Sync-back "ship" (订单发货): order.logisticsAdd, signed like order.searchList (pull.ts):
 *   POST {endpoint}/order/logisticsAdd?app_key&method=order.logisticsAdd&access_token&timestamp&v=2
 *        &sign_method=hmac-sha256&sign      body: param_json {order_id, company_code, logistics_code}
 * order_id is the parent order; company_code Douyin's courier code (order.getServiceList /
 * logisticsCompanyList); logistics_code the waybill number. Success is code 10000; the order then
 * moves to order_status 3 (已发货). Field names from the doudian SDKs (README "Ship").
 */
export const DOUYIN_SHIP_METHOD = 'order.logisticsAdd';

/** Our carrier → Douyin company_code (UNVERIFIED codes, see README). */
export const DOUYIN_CARRIERS: Readonly<Record<CarrierCode, string>> = Object.freeze({
  SF: 'shunfeng',
  ZTO: 'zhongtong',
  YTO: 'yuantong',
  JD: 'jd',
});

const ALREADY_SHIPPED = /已发货|重复发货|already shipped/i;

interface DouyinAnswer { code?: number; msg?: string; sub_code?: string; sub_msg?: string }

/**
 * The open platform's answer → CallResult. Platform-side errors (sub_code isp.*, flow control)
 * are retried; caller errors (isv.*: bad order, bad company) are not. Codes UNVERIFIED.
 */
export function douyinShipResult(body: DouyinAnswer): CallResult {
  if (body.code === SUCCESS_CODE) return { ok: true };
  const text = `${body.msg ?? ''} ${body.sub_code ?? ''} ${body.sub_msg ?? ''}`.trim();
  if (ALREADY_SHIPPED.test(body.sub_msg ?? '')) return { ok: true };
  const sub = body.sub_code ?? '';
  const retryable = sub.startsWith('isp.') || /limit|frequen/i.test(sub);
  return { ok: false, reason: `douyin ${DOUYIN_SHIP_METHOD}: ${body.code ?? 'no code'} ${text}`.trim(), retryable };
}

export async function shipDouyin(shop: ShopConfig, notice: ShipmentNotice, opts: { now?: () => number } = {}): Promise<CallResult> {
  const appKey = shop.credentials?.appKey;
  const accessToken = shop.credentials?.accessToken;
  if (!appKey || !accessToken) return { ok: false, reason: `douyin shop ${shop.shopId}: credentials.appKey and accessToken are required`, retryable: false };
  const companyCode = DOUYIN_CARRIERS[notice.carrier];
  if (!companyCode) return { ok: false, reason: `douyin: no company_code for carrier ${notice.carrier}`, retryable: false };
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const paramJson = canonicalParamJson({ order_id: notice.channelOrderId, company_code: companyCode, logistics_code: notice.waybillNo });
  const timestamp = String(Math.floor((opts.now ?? Date.now)() / 1000));
  const sign = signDouyinApiRequest({ appKey, appSecret: shop.secret, method: DOUYIN_SHIP_METHOD, paramJson, timestamp });
  const query = new URLSearchParams({ app_key: appKey, method: DOUYIN_SHIP_METHOD, access_token: accessToken, timestamp, v: '2', sign_method: 'hmac-sha256', sign });
  try {
    const response = await fetch(`${endpoint}/order/logisticsAdd?${query.toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-open-no-old-err-code': '1' },
      body: paramJson,
    });
    if (!response.ok) return { ok: false, reason: `douyin ${DOUYIN_SHIP_METHOD}: HTTP ${response.status}`, retryable: response.status === 429 || response.status >= 500 };
    return douyinShipResult(JSON.parse(await response.text()) as DouyinAnswer);
  } catch (err) {
    return { ok: false, reason: `douyin ${DOUYIN_SHIP_METHOD}: ${(err as Error).message}`, retryable: true };
  }
}
