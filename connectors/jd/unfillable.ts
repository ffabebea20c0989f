import { ApiError } from '../../lib/errors.js';
import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { UNFILLABLE_FAILURES, type UnfillableAck, type UnfillableApi, type UnfillableNotice } from '../unfillable-api.js';
import { callJos, josConfig } from './api.js';
import { JD_CALL_LIMIT_CODE } from './stock.js';

/*
 * A paid JD POP order the hub cannot fill: jingdong.order.orderDelete.apply (删单申请), signed like
 * every JOS call (api.ts). Business parameters (JOS SDKs' OrderOrderDeleteApplyRequest):
 *   order_id (long), del_apply_type (1–9), del_apply_reason (optional text).
 * Type 1 is "商品无货/有瑕疵，请京东联系客户取消订单": the vendor reports the goods out of stock and JD
 * contacts the buyer and cancels the order (refunding it). The call files an application that JD
 * reviews; the order becomes TRADE_CANCELED once it is approved, which pull() then reads.
 * Answer: jingdong_order_orderDelete_apply_responce.result {success, resultCode, resultDescribe}
 * (ApiJosResult). JOS keeps no idempotency key here: a retry after a lost answer finds the order
 * cancelled (or the application already filed), which is answered as alreadyDone.
 */
export const JD_UNFILLABLE_METHOD = 'jingdong.order.orderDelete.apply';
/** 删单类型 1: 商品无货/有瑕疵，请京东联系客户取消订单 (we have not contacted the buyer ourselves, so not type 2). */
export const JD_DELETE_TYPE_OUT_OF_STOCK = 1;
/** How long the call may take before it counts as lost (credentials.unfillableTimeoutMs overrides). */
export const JD_UNFILLABLE_TIMEOUT_MS = 5_000;

const RESPONSE_KEY = `${JD_UNFILLABLE_METHOD.replaceAll('.', '_')}_responce`;
/** Cancelled already, or the application was filed before (a retry): the goal holds. UNVERIFIED wording. */
const ALREADY_DONE = /已取消|已删除|已删单|重复申请|已(提交|存在|有)(过)?删单申请|already (been )?(cancel|delet|appl)/i;
const NOT_FOUND = /不存在|not (be )?found|not exist/i;
/** Out of the warehouse, locked by the buyer's own cancellation, or a state that forbids it. UNVERIFIED wording. */
const NOT_CANCELLABLE = /出库|发货|配送|锁定|状态|不能|不允许|shipped|locked|not allowed/i;

function timeoutOf(shop: ShopConfig): number {
  const configured = Number(shop.credentials?.unfillableTimeoutMs);
  return Number.isFinite(configured) && configured > 0 ? configured : JD_UNFILLABLE_TIMEOUT_MS;
}

/** A failed JOS call → Result: the call limit is rate_limited; HTTP, network errors and timeouts are retried. */
export function jdUnfillableError(err: unknown): Result<never> {
  if (!(err instanceof ApiError)) return transient(`jd ${JD_UNFILLABLE_METHOD}: ${(err as Error).message}`);
  if (err.platformCode === JD_CALL_LIMIT_CODE)
    return fail(`jd ${JD_UNFILLABLE_METHOD}: ${err.message}`, { code: UNFILLABLE_FAILURES.rateLimited, retryable: true });
  return fail(`jd ${JD_UNFILLABLE_METHOD}: ${err.message}`, { retryable: err.retryable });
}

/** The business answer → Result. */
export function jdUnfillableResult(body: Record<string, unknown>): Result<UnfillableAck> {
  const wrapper = body[RESPONSE_KEY] as Record<string, unknown> | undefined;
  const result = wrapper?.result as { success?: unknown; resultCode?: unknown; resultDescribe?: unknown } | undefined;
  if (!result) return transient(`jd ${JD_UNFILLABLE_METHOD}: no ${RESPONSE_KEY}.result in the answer`);
  if (result.success === true || result.success === 'true') return ok({ platformRef: null, alreadyDone: false });
  const text = `${String(result.resultDescribe ?? '')}`.trim() || 'success is false';
  const reason = `jd ${JD_UNFILLABLE_METHOD}: ${text} (resultCode ${String(result.resultCode ?? '')})`;
  if (ALREADY_DONE.test(text)) return ok({ platformRef: null, alreadyDone: true });
  if (NOT_FOUND.test(text)) return fail(reason, { code: UNFILLABLE_FAILURES.notFound, retryable: false });
  if (NOT_CANCELLABLE.test(text)) return fail(reason, { code: UNFILLABLE_FAILURES.notCancellable, retryable: false });
  return permanent(reason);
}

async function tellJd(shop: ShopConfig, notice: UnfillableNotice): Promise<Result<UnfillableAck>> {
  try {
    josConfig(shop);
  } catch (err) {
    return permanent((err as Error).message);
  }
  // JOS types order_id as a long, sent as a JSON number: refuse what a number cannot carry exactly.
  if (!/^[1-9]\d{0,15}$/.test(notice.channelOrderId) || !Number.isSafeInteger(Number(notice.channelOrderId)))
    return fail(`jd: not a JD order id: ${notice.channelOrderId}`, { code: UNFILLABLE_FAILURES.notFound, retryable: false });
  const business = {
    order_id: Number(notice.channelOrderId),
    del_apply_type: JD_DELETE_TYPE_OUT_OF_STOCK,
    del_apply_reason: notice.reason,
  };
  try {
    return jdUnfillableResult(await callJos(shop, JD_UNFILLABLE_METHOD, business, { timeoutMs: timeoutOf(shop) }));
  } catch (err) {
    return jdUnfillableError(err);
  }
}

export const jdUnfillable: UnfillableApi = {
  action: 'OUT_OF_STOCK',
  source:
    'jingdong.order.orderDelete.apply (删单申请; order_id, del_apply_type 1 = 商品无货，请京东联系客户取消订单, del_apply_reason): JOS SDKs OrderOrderDeleteApplyRequest / ApiJosResult; result codes and texts unverified',
  tell: tellJd,
};
