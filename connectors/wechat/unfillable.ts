import { ApiError, isRetryableStatus } from '../../lib/errors.js';
import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { rateLimited } from '../stock-api.js';
import { UNFILLABLE_FAILURES, type UnfillableAck, type UnfillableApi, type UnfillableNotice } from '../unfillable-api.js';
import { quoteLongIntegers } from './json-ids.js';
import type { WechatOrder, WechatProduct } from './payload.js';
import { DEFAULT_ENDPOINT } from './pull.js';
import { WECHAT_ERRCODES } from './ship.js';
import { cachedToken, forgetToken } from './token-cache.js';

/*
 * A paid order the hub cannot fill, on the Channels shop (微信小店). The shop has no seller
 * cancellation of a paid order (the order API has none; status 190 "超卖商家取消" is set by
 * WeChat, not by an API). What it has is 代用户发起售后: the merchant opens a refund-only
 * after-sale for the buyer, with the documented reason 10000001 缺货; WeChat then refunds through
 * its after-sale flow, and once every item is refunded the order is cancelled (status 200).
 * README "Paid orders the hub cannot fill" has the sources and what is unverified.
 *
 *   POST /channels/ec/order/get?access_token=…  {order_id} → {errcode:0, order:{status, order_detail.product_infos, …}}
 *   POST /channels/ec/aftersale/genaftersaleorder?access_token=…
 *        {request_id, order_id, product_id, sku_id, count, amount (fen), reason: "10000001", type: "REFUND", desc}
 *     → {errcode:0, aftersale_id}
 *
 * One after-sale per order line (the API takes one product/SKU). request_id is WeChat's retry key
 * ("a failed call retried with the same id does not open a second after-sale"): the hub's
 * idempotencyKey plus the line's index. The order is read first: 190/200/250 (cancelled) → done;
 * every line already under after-sale → done (the platform's refund flow runs); a line partly
 * under after-sale, a shipped (21/30) or completed (100) order, an unpaid one → not_cancellable.
 */
export const ORDER_GET_PATH = '/channels/ec/order/get';
export const GEN_AFTERSALE_PATH = '/channels/ec/aftersale/genaftersaleorder';
/** 售后原因 10000001 缺货 (out of stock), from the genaftersaleorder reason list. */
export const OUT_OF_STOCK_REASON = '10000001';
/** Default wait for an answer; credentials.stockTimeoutMs overrides it (the same client settings as stock). */
export const UNFILLABLE_TIMEOUT_MS = 5_000;
const DESC_MAX = 200;

const CANCELLED = new Set([190, 200, 250]);
/** genaftersaleorder's error table: 10021089 request_id对应的售后单已经发起 — this line's after-sale exists (an earlier try of ours). */
export const REQUEST_ALREADY_USED = 10021089;
const PAID_NOT_SHIPPED = 20;
const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([WECHAT_ERRCODES.minuteQuota, WECHAT_ERRCODES.dailyQuota]);
const TOKEN_CODES: ReadonlySet<number> = new Set([WECHAT_ERRCODES.invalidToken, WECHAT_ERRCODES.expiredToken]);

interface Answer {
  errcode?: unknown;
  errmsg?: string;
  order?: WechatOrder;
  aftersale_id?: unknown;
  after_sale_order_id?: unknown;
}

function timeoutOf(shop: ShopConfig): number {
  const raw = Number(shop.credentials?.stockTimeoutMs);
  return Number.isFinite(raw) && raw > 0 ? raw : UNFILLABLE_TIMEOUT_MS;
}

/** One call: the answer, or a failure; `refused` is the errcode of a business refusal. */
async function call(shop: ShopConfig, path: string, payload: Record<string, unknown>): Promise<Result<Answer> & { refused?: number }> {
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const tokenWasFetched = !shop.credentials?.accessToken;
  let token: string;
  try {
    token = await cachedToken(shop, endpoint);
  } catch (err) {
    if (err instanceof ApiError) return permanent(`WeChat /cgi-bin/token refused: ${err.message}`);
    if (err instanceof TypeError) return transient(`WeChat unreachable: ${err.message}`);
    return permanent(err instanceof Error ? err.message : String(err));
  }
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${endpoint}${path}?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutOf(shop)),
    });
    text = await response.text();
  } catch (err) {
    return transient(`WeChat ${path} unreachable or too slow: ${(err as Error).message}`);
  }
  if (isRetryableStatus(response.status)) return transient(`WeChat ${path} answered HTTP ${response.status}`);
  let body: Answer;
  try {
    body = JSON.parse(quoteLongIntegers(text)) as Answer;
  } catch {
    return transient(`WeChat ${path} answered HTTP ${response.status} without JSON`);
  }
  if (body.errcode === undefined || body.errcode === 0) return ok(body);
  const code = Number(body.errcode);
  const reason = `WeChat ${path} failed: errcode ${String(body.errcode)} ${body.errmsg ?? ''}`.trim();
  if (TOKEN_CODES.has(code)) {
    forgetToken(shop, endpoint);
    // A token we fetched may have been retired meanwhile: the next attempt fetches a new one.
    return tokenWasFetched ? transient(reason) : permanent(reason);
  }
  if (RATE_LIMIT_CODES.has(code)) return { ...rateLimited(reason), refused: code };
  if (code === WECHAT_ERRCODES.busy) return { ...transient(reason), refused: code };
  if (code === WECHAT_ERRCODES.orderNotFound) return { ...fail(reason, { code: UNFILLABLE_FAILURES.notFound, retryable: false }), refused: code };
  return { ...fail(reason, { code: String(body.errcode), retryable: false }), refused: code };
}

async function readOrder(shop: ShopConfig, orderId: string): Promise<Result<WechatOrder>> {
  const answer = await call(shop, ORDER_GET_PATH, { order_id: orderId });
  if (!answer.ok) {
    const { refused: _, ...failure } = answer;
    return failure;
  }
  const order = answer.value.order;
  if (!order || typeof order.status !== 'number' || !Array.isArray(order.order_detail?.product_infos))
    return transient(`WeChat ${ORDER_GET_PATH} answered without the order`);
  return ok(order);
}

const underAftersale = (line: WechatProduct) => (line.on_aftersale_sku_cnt ?? 0) + (line.finish_aftersale_sku_cnt ?? 0);

/** What the order says: an answer already (done, or not the hub's to refund), or the lines to open an after-sale for. */
function plan(orderId: string, order: WechatOrder): Result<UnfillableAck> | { lines: Array<{ index: number; line: WechatProduct }> } {
  const notCancellable = (why: string) =>
    fail(`WeChat: order ${orderId} ${why}, not refunded from the hub`, { code: UNFILLABLE_FAILURES.notCancellable, retryable: false });
  if (CANCELLED.has(order.status)) return ok({ platformRef: null, alreadyDone: true });
  const lines = order.order_detail.product_infos;
  if (order.status !== PAID_NOT_SHIPPED) return notCancellable(`is in status ${order.status}`);
  if (lines.some((line) => underAftersale(line) > 0 && underAftersale(line) < line.sku_cnt)) return notCancellable('has a line partly in after-sales');
  const open = lines.map((line, index) => ({ index, line })).filter(({ line }) => underAftersale(line) === 0);
  if (open.length === 0) return ok({ platformRef: null, alreadyDone: true });
  return { lines: open };
}

async function tell(shop: ShopConfig, notice: UnfillableNotice): Promise<Result<UnfillableAck>> {
  const orderId = notice.channelOrderId;
  if (!/^\d+$/.test(orderId)) return permanent(`WeChat: order id "${orderId}" is not numeric`);
  const before = await readOrder(shop, orderId);
  if (!before.ok) return before;
  const todo = plan(orderId, before.value);
  if ('ok' in todo) return todo;
  const refs: string[] = [];
  for (const { index, line } of todo.lines) {
    if (line.product_id === undefined) return permanent(`WeChat: order ${orderId} line ${index} has no product_id`);
    const amount = line.real_price ?? line.sale_price * line.sku_cnt;
    const answer = await call(shop, GEN_AFTERSALE_PATH, {
      request_id: `${notice.idempotencyKey}:${index}`,
      order_id: orderId,
      product_id: String(line.product_id),
      sku_id: String(line.sku_id),
      count: line.sku_cnt,
      amount,
      reason: OUT_OF_STOCK_REASON,
      type: 'REFUND',
      desc: notice.reason.slice(0, DESC_MAX),
    });
    if (!answer.ok) {
      const { refused, ...failure } = answer;
      // A retry after a lost answer: the line is refunding already; go on with the others.
      if (refused === REQUEST_ALREADY_USED) continue;
      if (refused === undefined || failure.retryable || failure.code === UNFILLABLE_FAILURES.notFound) return failure;
      // Refused for the order or line: it may have changed (the buyer's own after-sale, a shipment). Read it again.
      const after = await readOrder(shop, orderId);
      if (!after.ok) return transient(`${failure.reason} (and the order could not be read back: ${after.reason})`);
      const now = plan(orderId, after.value);
      if ('ok' in now) return now;
      return failure;
    }
    // The current page names it aftersale_id (number), the older one after_sale_order_id (string).
    const ref = answer.value.aftersale_id ?? answer.value.after_sale_order_id;
    if (ref !== undefined && ref !== null) refs.push(String(ref));
  }
  return ok({ platformRef: refs.length > 0 ? refs.join(',') : null, alreadyDone: false });
}

export const wechatUnfillable: UnfillableApi = {
  action: 'REFUND',
  source:
    'developers.weixin.qq.com/doc/store/shop/API/aftersale/genaftersaleorder.html 代用户发起售后 (request_id, order_id, product_id, sku_id, count, amount 分, reason 10000001 缺货, type REFUND; → aftersale_id), /channels/ec/order/get; no seller cancellation of a paid order exists in the /channels/ec/order API; unverified: the flow after the after-sale is opened, the refusal errcodes',
  tell,
};
