import { isRetryableStatus } from '../../lib/errors.js';
import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { CarrierCode, ShipmentNotice, ShopConfig } from '../contract.js';
import { DEFAULT_ENDPOINT, douyinRetryable, SUCCESS_CODE } from './pull.js';
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

interface DouyinAnswer {
  code?: number;
  msg?: string;
  sub_code?: string;
  sub_msg?: string;
}

/** The open platform's answer → Result, retryable as douyinRetryable says (bad order, bad company: not). */
export function douyinShipResult(body: DouyinAnswer): Result {
  if (body.code === SUCCESS_CODE || ALREADY_SHIPPED.test(body.sub_msg ?? '')) return ok();
  const text = `${body.msg ?? ''} ${body.sub_code ?? ''} ${body.sub_msg ?? ''}`.trim();
  return fail(`douyin ${DOUYIN_SHIP_METHOD}: ${body.code ?? 'no code'} ${text}`.trim(), { retryable: douyinRetryable(body.sub_code) });
}

export async function shipDouyin(shop: ShopConfig, notice: ShipmentNotice, opts: { now?: () => number } = {}): Promise<Result> {
  const appKey = shop.credentials?.appKey;
  const accessToken = shop.credentials?.accessToken;
  if (!appKey || !accessToken) return permanent(`douyin shop ${shop.shopId}: credentials.appKey and accessToken are required`);
  const companyCode = DOUYIN_CARRIERS[notice.carrier];
  if (!companyCode) return permanent(`douyin: no company_code for carrier ${notice.carrier}`);
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const paramJson = canonicalParamJson({ order_id: notice.channelOrderId, company_code: companyCode, logistics_code: notice.waybillNo });
  const timestamp = String(Math.floor((opts.now ?? Date.now)() / 1000));
  const sign = signDouyinApiRequest({ appKey, appSecret: shop.secret, method: DOUYIN_SHIP_METHOD, paramJson, timestamp });
  const query = new URLSearchParams({
    app_key: appKey,
    method: DOUYIN_SHIP_METHOD,
    access_token: accessToken,
    timestamp,
    v: '2',
    sign_method: 'hmac-sha256',
    sign,
  });
  try {
    const response = await fetch(`${endpoint}/order/logisticsAdd?${query.toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-open-no-old-err-code': '1' },
      body: paramJson,
    });
    if (!response.ok) return fail(`douyin ${DOUYIN_SHIP_METHOD}: HTTP ${response.status}`, { retryable: isRetryableStatus(response.status) });
    return douyinShipResult(JSON.parse(await response.text()) as DouyinAnswer);
  } catch (err) {
    return transient(`douyin ${DOUYIN_SHIP_METHOD}: ${(err as Error).message}`);
  }
}
