import { isRetryableStatus } from '../../lib/errors.js';
import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { rateLimited } from '../stock-api.js';
import { UNFILLABLE_FAILURES, type UnfillableAck, type UnfillableApi, type UnfillableNotice } from '../unfillable-api.js';
import { parseJsonExact } from './json-numbers.js';
import { MEITUAN_SHIP_CODES } from './ship.js';
import { meituanSig } from './signature.js';

/*
 * A paid order the hub cannot fill, on Meituan 闪购 / 外卖: the merchant's cancellation
 * (商家取消订单, open-shangou docDetail/114), which cancels the order and refunds the buyer:
 *
 *   GET {endpoint}/order/getOrderDetail   order_id, is_mt_logistics=1 → {"data":{status, logistics_status, …}}
 *   GET {endpoint}/order/cancel           order_id, reason, [reason_code] → {"data":"ok"} | {"data":"ng","error":{code,msg}}
 *
 * signed like every Meituan call (app_id, timestamp, sig = md5(url?sorted params + secret)). The
 * order is read first: 9 (cancelled) → already done; 8 (completed), 6 (delivered, legacy) or a
 * rider who picked up (logistics_status 20/40) → not_cancellable: Meituan would still take the
 * cancellation ("until the order completes"), but goods have left, so a person decides.
 * Meituan keeps no request id for order/cancel; a retry after a lost answer finds the order
 * cancelled (9) and answers alreadyDone. A refusal is classified by reading the order again.
 * reason_code is optional: credentials.cancelReasonCode sends one of Meituan's codes (appendix
 * 取消订单原因code列表); none is sent by default.
 */
export const ORDER_DETAIL_PATH = 'order/getOrderDetail';
export const ORDER_CANCEL_PATH = 'order/cancel';
/** Default wait for an answer; credentials.stockTimeoutMs overrides it (the same client settings as stock). */
export const UNFILLABLE_TIMEOUT_MS = 5_000;
/** Meituan's reason field: kept short (no documented limit found). */
const REASON_MAX = 100;

export const MEITUAN_CANCEL_CODES = {
  internal: MEITUAN_SHIP_CODES.internal,
  rateLimited: MEITUAN_SHIP_CODES.rateLimited,
  orderNotFound: MEITUAN_SHIP_CODES.orderNotFound,
  /** UNVERIFIED stand-in (shared with ship and the simulator): the order's state does not allow it. */
  statusForbids: MEITUAN_SHIP_CODES.statusForbids,
} as const;

/** The request itself was refused (parameters, app_id, signature): the order is not the matter. */
const REQUEST_REFUSED: ReadonlySet<number> = new Set([701, 702, 703]);
const CANCELLED = '9';
/** Completed, or delivered (legacy 6): too late. */
const DONE = new Set(['8', '6']);
/** Rider picked up / delivered: the goods have left. */
const GOODS_LEFT = new Set(['20', '40']);

interface Answer {
  data?: unknown;
  error?: { code?: unknown; msg?: unknown };
}

function timeoutOf(shop: ShopConfig): number {
  const raw = Number(shop.credentials?.stockTimeoutMs);
  return Number.isFinite(raw) && raw > 0 ? raw : UNFILLABLE_TIMEOUT_MS;
}

/** One signed GET: its data, or a failure; `refused` is Meituan's error code for an `ng` answer. */
async function call(shop: ShopConfig, path: string, appParams: Record<string, string>): Promise<Result<unknown> & { refused?: number }> {
  const base = shop.endpoint?.replace(/\/+$/, '');
  const appId = shop.credentials?.appId;
  if (!base) return permanent('meituan unfillable: shop.endpoint (e.g. https://waimaiopen.meituan.com/api/v1) is not set');
  if (!appId) return permanent('meituan unfillable: credentials.appId is not set');
  const url = `${base}/${path}`;
  const params = { ...appParams, app_id: appId, timestamp: String(Math.floor(Date.now() / 1000)) };
  const sig = meituanSig(url, params, shop.secret);
  let response: Response;
  let answer: Answer | undefined;
  try {
    response = await fetch(`${url}?${new URLSearchParams({ ...params, sig })}`, { method: 'GET', signal: AbortSignal.timeout(timeoutOf(shop)) });
    const text = await response.text();
    try {
      answer = parseJsonExact(text) as Answer;
    } catch {
      answer = undefined;
    }
  } catch (err) {
    return transient(`Meituan ${path} unreachable or too slow: ${(err as Error).message}`);
  }
  if (isRetryableStatus(response.status)) return transient(`Meituan ${path} answered HTTP ${response.status}`);
  if (answer === undefined) return transient(`Meituan ${path} answered HTTP ${response.status} without JSON`);
  if (answer.data !== 'ng' && !answer.error) return ok(answer.data);
  const code = Number(answer.error?.code);
  const reason = `Meituan ${path} failed: ${String(answer.error?.code ?? '?')} ${String(answer.error?.msg ?? '')}`.trim();
  if (code === MEITUAN_CANCEL_CODES.rateLimited) return { ...rateLimited(reason), refused: code };
  if (code === MEITUAN_CANCEL_CODES.internal) return { ...transient(reason), refused: code };
  if (code === MEITUAN_CANCEL_CODES.orderNotFound) return { ...fail(reason, { code: UNFILLABLE_FAILURES.notFound, retryable: false }), refused: code };
  // 701/702/703 (parameters, app_id, signature) and the rest: not retryable.
  return { ...permanent(reason), refused: code };
}

interface OrderState {
  status: string;
  logisticsStatus: string | null;
}

async function readOrder(shop: ShopConfig, orderId: string): Promise<Result<OrderState>> {
  const answer = await call(shop, ORDER_DETAIL_PATH, { order_id: orderId, is_mt_logistics: '1' });
  if (!answer.ok) {
    const { refused: _, ...failure } = answer;
    return failure;
  }
  const data = (answer.value ?? {}) as { status?: unknown; logistics_status?: unknown };
  if (data.status === undefined || data.status === null) return transient(`Meituan ${ORDER_DETAIL_PATH} answered without the order's status`);
  return ok({ status: String(data.status), logisticsStatus: data.logistics_status == null ? null : String(data.logistics_status) });
}

/** What the order's state says before (or instead of) a cancellation; null: go ahead. */
function decided(orderId: string, state: OrderState): Result<UnfillableAck> | null {
  if (state.status === CANCELLED) return ok({ platformRef: null, alreadyDone: true });
  if (DONE.has(state.status) || GOODS_LEFT.has(state.logisticsStatus ?? ''))
    return fail(`Meituan: order ${orderId} is ${state.status}/${state.logisticsStatus ?? '-'}, not cancelled from the hub`, {
      code: UNFILLABLE_FAILURES.notCancellable,
      retryable: false,
    });
  if (state.status === '1') return fail(`Meituan: order ${orderId} is not paid`, { code: UNFILLABLE_FAILURES.notCancellable, retryable: false });
  return null;
}

async function tell(shop: ShopConfig, notice: UnfillableNotice): Promise<Result<UnfillableAck>> {
  const orderId = notice.channelOrderId;
  if (!/^\d+$/.test(orderId)) return permanent(`Meituan: order id "${orderId}" is not numeric`);
  const before = await readOrder(shop, orderId);
  if (!before.ok) return before;
  const early = decided(orderId, before.value);
  if (early) return early;
  const reasonCode = shop.credentials?.cancelReasonCode;
  const params: Record<string, string> = { order_id: orderId, reason: notice.reason.slice(0, REASON_MAX) };
  if (reasonCode) params.reason_code = reasonCode;
  const answer = await call(shop, ORDER_CANCEL_PATH, params);
  if (answer.ok) return ok({ platformRef: null, alreadyDone: false });
  const { refused, ...failure } = answer;
  if (refused === undefined || failure.retryable || failure.code === UNFILLABLE_FAILURES.notFound || REQUEST_REFUSED.has(refused)) return failure;
  // Refused for the order: it may have changed since the first read (the buyer cancelled, a rider picked up). Read it again.
  const after = await readOrder(shop, orderId);
  if (!after.ok) return transient(`${failure.reason} (and the order could not be read back: ${after.reason})`);
  return decided(orderId, after.value) ?? failure;
}

export const meituanUnfillable: UnfillableApi = {
  action: 'CANCEL',
  source:
    'open-shangou.meituan.com docDetail/114 商家取消订单 GET order/cancel (order_id required; reason, reason_code optional; allowed from receipt until the order completes), as quoted by a public Go SDK (shangou OrderCancelRequest) and integrators calling https://waimaiopen.meituan.com/api/v1/order/cancel; order/getOrderDetail for the state; unverified: the refusal codes, the answer for a cancelled order, whether the cancellation is pushed back',
  tell,
};
