import type { CallResult, CarrierCode, ShipmentNotice, ShopConfig } from '../contract.js';
import { callJos, JdApiError, JdHttpError, josConfig } from './api.js';

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

/** Router error codes meaning "too many calls" or "platform busy": wait and retry (UNVERIFIED). */
const RETRYABLE_CODES = new Set(['1', '9', '67']);
const ALREADY_SHIPPED = /已出库|已发货|already (been )?(shipped|out)/i;

export function jdShipError(err: unknown): CallResult {
  if (err instanceof JdApiError) return { ok: false, reason: err.message, retryable: RETRYABLE_CODES.has(err.code) };
  if (err instanceof JdHttpError) return { ok: false, reason: err.message, retryable: true };
  // fetch failures (network) and unreadable answers.
  return { ok: false, reason: `jd: ${(err as Error).message}`, retryable: true };
}

/** The business answer → CallResult ("already shipped" counts as done). */
export function jdShipResult(body: Record<string, unknown>): CallResult {
  const wrapper = body.jingdong_pop_order_shipment_responce as Record<string, unknown> | undefined;
  const result = wrapper?.sopjosshipment_result as { success?: unknown; chineseErr?: unknown; englishErr?: unknown } | undefined;
  if (!result) return { ok: false, reason: `jd ${JD_SHIP_METHOD}: no sopjosshipment_result in the answer`, retryable: true };
  if (result.success === true || result.success === 'true') return { ok: true };
  const text = `${String(result.chineseErr ?? '')} ${String(result.englishErr ?? '')}`.trim();
  if (ALREADY_SHIPPED.test(text)) return { ok: true };
  return { ok: false, reason: `jd ${JD_SHIP_METHOD}: ${text || 'success is false'}`, retryable: false };
}

export async function shipJd(shop: ShopConfig, notice: ShipmentNotice): Promise<CallResult> {
  try {
    josConfig(shop);
  } catch (err) {
    return { ok: false, reason: (err as Error).message, retryable: false };
  }
  const logiCoprId = JD_CARRIERS[notice.carrier];
  if (!logiCoprId) return { ok: false, reason: `jd: no logistics company id for carrier ${notice.carrier}`, retryable: false };
  try {
    const body = await callJos(shop, JD_SHIP_METHOD, { orderId: notice.channelOrderId, logiCoprId, logiNo: notice.waybillNo });
    return jdShipResult(body);
  } catch (err) {
    return jdShipError(err);
  }
}
