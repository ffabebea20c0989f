import { ApiError, failureOf } from '../../lib/errors.js';
import { ok, permanent, type Result, transient } from '../../lib/result.js';
import type { CarrierCode, ShipmentNotice, ShopConfig } from '../contract.js';
import { callJos, josConfig } from './api.js';

/*
 * Sync-back "ship" (SOP 出库/发货): jingdong.pop.order.shipment with orderId, logiCoprId (JD's
 * logistics company id, from jingdong.ware.logistics.companies / 360buy.get.vender.all.delivery.company)
 * and logiNo (the waybill number), signed like every JOS call (api.ts). The answer:
 *   jingdong_pop_order_shipment_responce.sopjosshipment_result {success, chineseErr, englishErr}.
 * The order then moves to WAIT_GOODS_RECEIVE_CONFIRM. Field names from the JOS SDK's
 * PopOrderShipmentRequest; the result shape and error texts are UNVERIFIED (README "Ship").
 */
export const JD_SHIP_METHOD = 'jingdong.pop.order.shipment';

/** Our carrier → JD logistics company id (UNVERIFIED ids; check the vendor's company list). */
export const JD_CARRIERS: Readonly<Record<CarrierCode, string>> = Object.freeze({
  SF: '467',
  ZTO: '1499',
  YTO: '463',
  JD: '2087',
});

const ALREADY_SHIPPED = /已出库|已发货|already (been )?(shipped|out)/i;

/** A failed JOS call → Result, retryable as api.ts decided; anything else (the network, an unreadable answer) is retried. */
export function jdShipError(err: unknown): Result {
  return err instanceof ApiError ? failureOf(err) : transient(`jd: ${(err as Error).message}`);
}

/** The business answer → Result ("already shipped" counts as done). */
export function jdShipResult(body: Record<string, unknown>): Result {
  const wrapper = body.jingdong_pop_order_shipment_responce as Record<string, unknown> | undefined;
  const result = wrapper?.sopjosshipment_result as { success?: unknown; chineseErr?: unknown; englishErr?: unknown } | undefined;
  if (!result) return transient(`jd ${JD_SHIP_METHOD}: no sopjosshipment_result in the answer`);
  if (result.success === true || result.success === 'true') return ok();
  const text = `${String(result.chineseErr ?? '')} ${String(result.englishErr ?? '')}`.trim();
  if (ALREADY_SHIPPED.test(text)) return ok();
  return permanent(`jd ${JD_SHIP_METHOD}: ${text || 'success is false'}`);
}

export async function shipJd(shop: ShopConfig, notice: ShipmentNotice): Promise<Result> {
  try {
    josConfig(shop);
  } catch (err) {
    return permanent((err as Error).message);
  }
  const logiCoprId = JD_CARRIERS[notice.carrier];
  if (!logiCoprId) return permanent(`jd: no logistics company id for carrier ${notice.carrier}`);
  try {
    const body = await callJos(shop, JD_SHIP_METHOD, { orderId: notice.channelOrderId, logiCoprId, logiNo: notice.waybillNo });
    return jdShipResult(body);
  } catch (err) {
    return jdShipError(err);
  }
}
