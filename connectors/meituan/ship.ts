import { isRetryableStatus } from '../../lib/errors.js';
import { ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShipmentNotice, ShopConfig } from '../contract.js';
import { meituanLogisticsProviders } from './carriers.js';
import { formEncode } from './form.js';
import { parseJsonExact } from './json-numbers.js';
import { meituanSig } from './signature.js';

/*
 * Sync-back for Meituan. Most Meituan orders are carried by Meituan's own riders (美团专送/快送):
 * the platform knows they shipped and nothing is to be synced. A store that delivers itself
 * (自配送: our warehouse with a carrier) must tell Meituan, and the recommended API for that is
 *   POST {endpoint}/ecommerce/order/logistics/sync   (自配送商家同步发货状态和配送信息（推荐）, docDetail/355)
 *     order_id, third_carrier_order_id (waybill), courier_name, courier_phone,
 *     logistics_provider_code (carriers.ts), logistics_status, latitude, longitude
 * signed like every Meituan call (signature.ts: md5(url + "?" + sorted params + secret)). We send
 * logistics_status 20 (骑手已取货: "商品配送中" for the buyer), which pull() then reads as
 * `4/20` → SHIPPED. A repeat is a plain update, accepted again: idempotent by nature.
 *
 * courier_name / courier_phone / latitude / longitude are required by the API but a parcel carrier
 * has no rider: the shop configures its dispatch contact and the store's coordinates
 * (credentials.courierName, courierPhone, storeLatitude, storeLongitude; never logged).
 *
 * Outcomes: HTTP 429/5xx, network errors, 600 (internal) and the rate-limit code → retryable;
 * other `ng` answers (701/702/703 parameters/app/sig, 808 no such order, wrong status) → not.
 * The rate-limit and status codes are UNVERIFIED stand-ins shared with the simulator.
 */
export const LOGISTICS_SYNC_PATH = 'ecommerce/order/logistics/sync';
/** 骑手已取货 / 商品配送中. */
export const LOGISTICS_STATUS_SHIPPED = '20';

export const MEITUAN_SHIP_CODES = {
  internal: 600,
  /** UNVERIFIED stand-in for Meituan's 超过流量限制. */
  rateLimited: 711,
  orderNotFound: 808,
  /** UNVERIFIED stand-in: the order is not (or no longer) in a state that takes delivery info. */
  statusForbids: 1001,
} as const;
const RETRYABLE_CODES: ReadonlySet<number> = new Set([MEITUAN_SHIP_CODES.internal, MEITUAN_SHIP_CODES.rateLimited]);

export function meituanShipResult(httpStatus: number, answer: unknown): Result {
  if (isRetryableStatus(httpStatus)) return transient(`Meituan answered HTTP ${httpStatus}`);
  const record = (answer ?? {}) as { data?: unknown; error?: { code?: unknown; msg?: unknown } };
  if (record.data === 'ok' && !record.error) return ok();
  if (answer === undefined) return transient(`Meituan answered HTTP ${httpStatus} without JSON`);
  const code = Number(record.error?.code);
  const reason = `Meituan ${LOGISTICS_SYNC_PATH} failed: ${String(record.error?.code ?? '?')} ${String(record.error?.msg ?? '')}`.trim();
  return RETRYABLE_CODES.has(code) ? transient(reason) : permanent(reason);
}

const REQUIRED = ['appId', 'courierName', 'courierPhone', 'storeLatitude', 'storeLongitude'] as const;

export async function shipMeituanOrder(shop: ShopConfig, notice: ShipmentNotice): Promise<Result> {
  const base = shop.endpoint?.replace(/\/+$/, '');
  if (!base) return permanent('meituan ship: shop.endpoint (e.g. https://waimaiopen.meituan.com/api/v1) is not set');
  const creds = shop.credentials ?? {};
  const missing = REQUIRED.filter((name) => !creds[name]);
  if (missing.length > 0) return permanent(`meituan ship: credentials.${missing.join(', credentials.')} not set`);
  const provider = meituanLogisticsProviders[notice.carrier];
  if (provider === undefined) return permanent(`no Meituan logistics_provider_code for carrier ${String(notice.carrier)}`);

  const url = `${base}/${LOGISTICS_SYNC_PATH}`;
  const appParams: Record<string, string> = {
    order_id: notice.channelOrderId,
    third_carrier_order_id: notice.waybillNo,
    courier_name: creds.courierName!,
    courier_phone: creds.courierPhone!,
    logistics_provider_code: provider,
    logistics_status: LOGISTICS_STATUS_SHIPPED,
    latitude: creds.storeLatitude!,
    longitude: creds.storeLongitude!,
  };
  const system = { app_id: creds.appId!, timestamp: String(Math.floor(Date.now() / 1000)) };
  const sig = meituanSig(url, { ...appParams, ...system }, shop.secret);
  const body = Object.entries(appParams)
    .map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`)
    .join('&');
  let response: Response;
  try {
    response = await fetch(`${url}?${new URLSearchParams({ ...system, sig })}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body,
    });
  } catch (err) {
    return transient(`Meituan unreachable: ${(err as Error).message}`);
  }
  let answer: unknown;
  try {
    answer = parseJsonExact(await response.text());
  } catch {
    answer = undefined;
  }
  return meituanShipResult(response.status, answer);
}
