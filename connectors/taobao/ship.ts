import { ApiError, failureOf } from '../../lib/errors.js';
import { ok, permanent, type Result, transient } from '../../lib/result.js';
import type { CarrierCode, ShipmentNotice, ShopConfig } from '../contract.js';
import { callTop, type TopCallOptions, taobaoCredentials } from './api.js';

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

/** The trade was shipped already (by an earlier attempt or by hand): the goal holds. UNVERIFIED wording. */
const ALREADY_SHIPPED = /已发货|已经发货|already (been )?(shipped|consigned)|B04/i;

/** A failed TOP call → Result, retryable as api.ts decided; anything but a TOP answer (the network) is retried. */
export function taobaoShipError(err: unknown): Result {
  if (!(err instanceof ApiError)) return transient(`taobao: ${(err as Error).message}`);
  return ALREADY_SHIPPED.test(`${err.platformCode ?? ''} ${err.message}`) ? ok() : failureOf(err);
}

export async function shipTaobao(shop: ShopConfig, notice: ShipmentNotice, opts: TopCallOptions = {}): Promise<Result> {
  try {
    taobaoCredentials(shop);
  } catch (err) {
    return permanent((err as Error).message);
  }
  const company = TAOBAO_CARRIERS[notice.carrier];
  if (!company) return permanent(`taobao: no company_code for carrier ${notice.carrier}`);
  try {
    const json = await callTop(shop, TAOBAO_SHIP_METHOD, { tid: notice.channelOrderId, out_sid: notice.waybillNo, company_code: company }, opts);
    const shipping = (json.logistics_offline_send_response as { shipping?: { is_success?: unknown } } | undefined)?.shipping;
    if (shipping?.is_success === true) return ok();
    return transient(`TOP ${TAOBAO_SHIP_METHOD}: shipping.is_success is not true`);
  } catch (err) {
    return taobaoShipError(err);
  }
}
