import { ApiError, failureOf } from '../../lib/errors.js';
import { ok, permanent, type Result, transient } from '../../lib/result.js';
import type { CarrierCode, ShipmentNotice, ShopConfig } from '../contract.js';
import { callPdd, type PddCallOptions, pddCredentials } from './api.js';

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

const ALREADY_SHIPPED = /已发货|already shipped/i;

/** A failed PDD call → Result, retryable as api.ts decided; anything but a PDD answer (the network) is retried. */
export function pddShipError(err: unknown): Result {
  if (!(err instanceof ApiError)) return transient(`pinduoduo: ${(err as Error).message}`);
  return ALREADY_SHIPPED.test(err.message) ? ok() : failureOf(err);
}

export async function shipPinduoduo(shop: ShopConfig, notice: ShipmentNotice, opts: PddCallOptions = {}): Promise<Result> {
  try {
    pddCredentials(shop);
  } catch (err) {
    return permanent((err as Error).message);
  }
  const logisticsId = PDD_CARRIERS[notice.carrier];
  if (logisticsId === undefined) return permanent(`pinduoduo: no logistics_id for carrier ${notice.carrier}`);
  try {
    const json = await callPdd(
      shop,
      PDD_SHIP_TYPE,
      {
        order_sn: notice.channelOrderId,
        logistics_id: String(logisticsId),
        tracking_number: notice.waybillNo,
      },
      opts,
    );
    const body = json.logistics_online_send_response as { is_success?: unknown } | undefined;
    if (body?.is_success === true) return ok();
    return transient(`PDD ${PDD_SHIP_TYPE}: is_success is not true`);
  } catch (err) {
    return pddShipError(err);
  }
}
