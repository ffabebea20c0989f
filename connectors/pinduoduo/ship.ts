import type { CallResult, CarrierCode, ShipmentNotice, ShopConfig } from '../contract.js';
import { callPdd, pddCredentials, PddApiError, type PddCallOptions } from './api.js';

/*
 * Sync-back "ship" (订单发货通知): pdd.logistics.online.send with order_sn, logistics_id (PDD's
 * numeric courier id, from pdd.logistics.companies.get) and tracking_number, signed like every
 * PDD call (api.ts). Success: logistics_online_send_response.is_success. The order then moves to
 * order_status 2 (shipped). Field names from the PDD SDKs (README "Ship").
 */
export const PDD_SHIP_TYPE = 'pdd.logistics.online.send';

/** Our carrier → PDD logistics_id (pdd.logistics.companies.get; UNVERIFIED ids, see README). */
export const PDD_CARRIERS: Readonly<Record<CarrierCode, number>> = Object.freeze({
  SF: 44,
  ZTO: 115,
  YTO: 85,
  JD: 120,
});

/** Flow control and platform-busy error codes: wait and retry (UNVERIFIED codes). */
const RETRYABLE_CODES = new Set(['70031', '70032', '50001']);
const ALREADY_SHIPPED = /已发货|already shipped/i;

export function pddShipError(err: unknown): CallResult {
  if (!(err instanceof PddApiError)) return { ok: false, reason: `pinduoduo: ${(err as Error).message}`, retryable: true };
  if (ALREADY_SHIPPED.test(err.message)) return { ok: true };
  return { ok: false, reason: err.message, retryable: RETRYABLE_CODES.has(err.code) };
}

export async function shipPinduoduo(shop: ShopConfig, notice: ShipmentNotice, opts: PddCallOptions = {}): Promise<CallResult> {
  try {
    pddCredentials(shop);
  } catch (err) {
    return { ok: false, reason: (err as Error).message, retryable: false };
  }
  const logisticsId = PDD_CARRIERS[notice.carrier];
  if (logisticsId === undefined) return { ok: false, reason: `pinduoduo: no logistics_id for carrier ${notice.carrier}`, retryable: false };
  try {
    const json = await callPdd(shop, PDD_SHIP_TYPE, {
      order_sn: notice.channelOrderId, logistics_id: String(logisticsId), tracking_number: notice.waybillNo,
    }, opts);
    const body = json.logistics_online_send_response as { is_success?: unknown } | undefined;
    if (body?.is_success === true) return { ok: true };
    return { ok: false, reason: `PDD ${PDD_SHIP_TYPE}: is_success is not true`, retryable: true };
  } catch (err) {
    return pddShipError(err);
  }
}
