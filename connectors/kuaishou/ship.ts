import { isRetryableStatus } from '../../lib/errors.js';
import { ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShipmentNotice, ShopConfig } from '../contract.js';
import { expressCodeOf } from './carriers.js';
import { DEFAULT_ENDPOINT } from './pull.js';
import { type SignMethod, signKuaishouRequest } from './signature.js';

/*
 * Sync-back: open.seller.order.goods.deliver (订单发货), POST {endpoint}/open/seller/order/goods/deliver,
 * form-encoded, the same common parameters and sign as every Kuaishou call (signature.ts):
 *   appkey, access_token, method, param = {"orderId":…,"expressNo":…,"expressCode":…}, signMethod,
 *   timestamp (ms), version=1, sign  →  {"result":1} on success, else {result, error_msg, …}.
 * Kuaishou's doc: whole-order shipping only; since 2024-11-25 a repeat with the same expressNo answers
 * success (idempotent), which is what the executor's retries rely on.
 *
 * Outcomes: HTTP 429/5xx, network errors and the rate-limit / system-busy results → retryable;
 * every other result (bad sign, revoked authorization 24, wrong status, unknown order or company) →
 * not retryable. Result codes other than 1 and 24 are UNVERIFIED stand-ins shared with the simulator.
 */
export const DELIVER_METHOD = 'open.seller.order.goods.deliver';

/** result codes worth retrying (UNVERIFIED stand-ins: Kuaishou's rate-limit and system-busy codes). */
export const KUAISHOU_RETRYABLE_RESULTS: ReadonlySet<number> = new Set([803_000, 1_000]);

export function apiPathOf(method: string): string {
  return `/${method.replaceAll('.', '/')}`;
}

export function kuaishouShipResult(httpStatus: number, answer: { result?: unknown; error_msg?: unknown } | undefined): Result {
  if (isRetryableStatus(httpStatus)) return transient(`Kuaishou answered HTTP ${httpStatus}`);
  if (!answer) return transient(`Kuaishou answered HTTP ${httpStatus} without JSON`);
  if (answer.result === 1) return ok();
  const reason = `Kuaishou ${DELIVER_METHOD} failed: result ${String(answer.result)} ${typeof answer.error_msg === 'string' ? answer.error_msg : ''}`.trim();
  return typeof answer.result === 'number' && KUAISHOU_RETRYABLE_RESULTS.has(answer.result) ? transient(reason) : permanent(reason);
}

export interface KuaishouShipOptions {
  signMethod?: SignMethod;
  now?: () => number;
}

export async function shipKuaishouOrder(shop: ShopConfig, notice: ShipmentNotice, options: KuaishouShipOptions = {}): Promise<Result> {
  const { appKey, signSecret, accessToken } = shop.credentials ?? {};
  if (!appKey || !signSecret || !accessToken) {
    return permanent(`kuaishou shop ${shop.shopId}: credentials.appKey, signSecret and accessToken are required to ship`);
  }
  // Order ids are 16-digit integers; written as digits, so one beyond 2^53 is not rounded.
  if (!/^\d{1,20}$/.test(notice.channelOrderId)) return permanent(`not a Kuaishou order id: ${notice.channelOrderId}`);
  const expressCode = expressCodeOf(notice.carrier, shop);
  if (!expressCode.ok) return permanent(expressCode.reason);

  const signMethod = options.signMethod ?? 'MD5';
  const params: Record<string, string> = {
    appkey: appKey,
    access_token: accessToken,
    method: DELIVER_METHOD,
    param: `{"orderId":${notice.channelOrderId},"expressNo":${JSON.stringify(notice.waybillNo)},"expressCode":${expressCode.value}}`,
    signMethod,
    timestamp: String((options.now ?? Date.now)()),
    version: '1',
  };
  params.sign = signKuaishouRequest(params, signSecret, signMethod);
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  let response: Response;
  try {
    response = await fetch(`${endpoint}${apiPathOf(DELIVER_METHOD)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams(params).toString(),
    });
  } catch (err) {
    return transient(`Kuaishou unreachable: ${(err as Error).message}`);
  }
  let answer: { result?: unknown; error_msg?: unknown } | undefined;
  try {
    answer = (await response.json()) as typeof answer;
  } catch {
    answer = undefined;
  }
  return kuaishouShipResult(response.status, answer);
}
