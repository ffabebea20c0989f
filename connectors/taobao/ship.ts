import type { CallResult, CarrierCode, ShipmentNotice, ShopConfig } from '../contract.js';
import { callTop, taobaoCredentials, TopApiError, type TopCallOptions } from './api.js';

/*
 * Sync-back "ship" (自己联系物流发货): taobao.logistics.offline.send with tid, out_sid (the
 * waybill number) and company_code (TOP's logistics company code, see taobao.logistics.companies.get),
 * signed like every TOP call (api.ts). Success: logistics_offline_send_response.shipping.is_success.
 * The trade then moves to WAIT_BUYER_CONFIRM_GOODS.
 */
export const TAOBAO_SHIP_METHOD = 'taobao.logistics.offline.send';

/** Our carrier → TOP company_code (taobao.logistics.companies.get; JD: UNVERIFIED, see README). */
export const TAOBAO_CARRIERS: Readonly<Record<CarrierCode, string>> = Object.freeze({
  SF: 'SF',
  ZTO: 'ZTO',
  YTO: 'YTO',
  JD: 'JD',
});

/** TOP's "App Call Limited" and flow-control codes: wait and retry. */
const RATE_LIMIT_CODES = new Set(['7']);
/** The trade was shipped already (by an earlier attempt or by hand): the goal holds. UNVERIFIED wording. */
const ALREADY_SHIPPED = /已发货|已经发货|already (been )?(shipped|consigned)|B04/i;

/** A failed TOP call → CallResult: rate limits and platform-side (isp.*) errors are retried. */
export function taobaoShipError(err: unknown): CallResult {
  if (!(err instanceof TopApiError)) return { ok: false, reason: `taobao: ${(err as Error).message}`, retryable: true };
  const text = `${err.subCode ?? ''} ${err.subMsg ?? ''}`;
  if (ALREADY_SHIPPED.test(text)) return { ok: true };
  const retryable = RATE_LIMIT_CODES.has(err.code) || (err.subCode ?? '').startsWith('isp.');
  return { ok: false, reason: `${err.message}${err.subMsg ? `: ${err.subMsg}` : ''}`, retryable };
}

export async function shipTaobao(shop: ShopConfig, notice: ShipmentNotice, opts: TopCallOptions = {}): Promise<CallResult> {
  try {
    taobaoCredentials(shop);
  } catch (err) {
    return { ok: false, reason: (err as Error).message, retryable: false };
  }
  const company = TAOBAO_CARRIERS[notice.carrier];
  if (!company) return { ok: false, reason: `taobao: no company_code for carrier ${notice.carrier}`, retryable: false };
  try {
    const json = await callTop(shop, TAOBAO_SHIP_METHOD, { tid: notice.channelOrderId, out_sid: notice.waybillNo, company_code: company }, opts);
    const shipping = (json.logistics_offline_send_response as { shipping?: { is_success?: unknown } } | undefined)?.shipping;
    if (shipping?.is_success === true) return { ok: true };
    return { ok: false, reason: `TOP ${TAOBAO_SHIP_METHOD}: shipping.is_success is not true`, retryable: true };
  } catch (err) {
    return taobaoShipError(err);
  }
}
