import { ApiError, isRetryableStatus } from '../../lib/errors.js';
import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { rateLimited } from '../stock-api.js';
import { UNFILLABLE_FAILURES, type UnfillableAck, type UnfillableApi, type UnfillableNotice } from '../unfillable-api.js';
import { yuanToFen } from './money.js';
import type { YouzanFullOrderInfo } from './payload.js';
import { DEFAULT_ENDPOINT } from './pull.js';
import { GW_RATE_LIMITED, GW_TOKEN_EXPIRED } from './ship.js';
import { cachedYouzanToken, forgetYouzanToken } from './token-cache.js';

/*
 * A paid trade the hub cannot fill: the seller's own full refund (商家主动退款), which closes the
 * trade once done (README "Paid orders the hub cannot fill"). Authenticated by access_token like
 * stock (one cached token per app and shop):
 *
 *   POST /api/youzan.trade.get/4.0.2?access_token=…  {tid}
 *     → {success:true, data:{full_order_info:{order_info:{status, refund_state}, pay_info:{payment}, orders:[{oid, payment}]}}}
 *   POST /api/youzan.trade.refund.seller.active/3.0.1?access_token=…
 *        {tid, biz_value (idempotencyKey), refund_fee (yuan, whole trade), desc, coupons: [],
 *         oid (one line) | items: [{oid, refund_fee}] (several)}
 *     → {success:true, code:200, data:{refund_id, is_success:true}}
 *
 * The trade is read first: the refund needs its lines and amounts, and its state decides —
 * closed or fully refunded (refund_state 11/12) → already done; shipped, completed, unpaid or in a
 * partial after-sale (refund_state 1/2) → not_cancellable (a person decides). biz_value is
 * Youzan's request id against double refunds: a retry with the same key is the same refund.
 * A refusal of the refund call is classified by reading the trade again.
 */
export const TRADE_GET_PATH = '/api/youzan.trade.get/4.0.2';
export const SELLER_REFUND_PATH = '/api/youzan.trade.refund.seller.active/3.0.1';
/** Default wait for an answer; credentials.stockTimeoutMs overrides it (same client as stock). */
export const UNFILLABLE_TIMEOUT_MS = 5_000;

/** Business codes (success:false). tradeNotFound is documented for youzan.trade.get; the others are UNVERIFIED stand-ins shared with the simulator. */
export const YOUZAN_REFUND_CODES = {
  /** youzan.trade.get: "trade not found" (wrong tid, or another shop's token). */
  tradeNotFound: 5000,
  /** 操作太快 (documented for youzan.trade.refund.agree). */
  tooFast: 102_010_003,
  /** 店铺余额不足: refunds are paid from the shop's balance (documented for refund.agree). */
  balanceShort: 102_090_108,
  /** Stand-in: the trade's state does not allow a seller refund (shipped, closed, in after-sales). */
  statusForbids: 103_100_001,
  /** Stand-in: the amount exceeds what is left to refund (refunded already). */
  amountExceeded: 103_100_002,
  /** 操作异常，可重试 (documented for logistics.online.confirm). */
  retry: -100,
} as const;

const PAID_NOT_SHIPPED = new Set(['TRADE_PAID', 'WAIT_CONFIRM', 'WAIT_SELLER_SEND_GOODS']);
/** refund_state: 11 full refunding, 12 full refunded; 1/2 a partial after-sale. */
const FULLY_REFUNDING = new Set([11, 12]);
const DESC_MAX = 200;

interface Envelope {
  success?: boolean;
  code?: number | string;
  message?: string | null;
  data?: unknown;
  gw_err_resp?: { err_code?: number; err_msg?: string };
}

function timeoutOf(shop: ShopConfig): number {
  const raw = Number(shop.credentials?.stockTimeoutMs);
  return Number.isFinite(raw) && raw > 0 ? raw : UNFILLABLE_TIMEOUT_MS;
}

/** One call: the envelope's data, or a failure (gateway, HTTP, business); `refused` carries the business code. */
async function call(shop: ShopConfig, path: string, body: Record<string, unknown>): Promise<Result<unknown> & { refused?: number }> {
  let token: string;
  try {
    token = await cachedYouzanToken(shop);
  } catch (err) {
    if (err instanceof TypeError) return transient(`Youzan unreachable: ${err.message}`);
    if (err instanceof ApiError) return err.retryable ? transient(err.message) : permanent(err.message);
    return permanent(err instanceof Error ? err.message : String(err));
  }
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  let response: Response;
  let answer: Envelope | undefined;
  try {
    response = await fetch(`${endpoint}${path}?${new URLSearchParams({ access_token: token })}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutOf(shop)),
    });
    const text = await response.text();
    try {
      answer = JSON.parse(text) as Envelope;
    } catch {
      answer = undefined;
    }
  } catch (err) {
    return transient(`Youzan ${path} unreachable or too slow: ${(err as Error).message}`);
  }
  if (isRetryableStatus(response.status)) return transient(`Youzan ${path} answered HTTP ${response.status}`);
  if (!answer) return transient(`Youzan ${path} answered HTTP ${response.status} without JSON`);
  const gw = answer.gw_err_resp;
  if (gw) {
    const reason = `Youzan gateway error ${gw.err_code ?? '?'} ${gw.err_msg ?? ''}`.trim();
    if (gw.err_code === GW_TOKEN_EXPIRED) forgetYouzanToken(shop);
    if (gw.err_code === GW_RATE_LIMITED) return rateLimited(reason);
    // A fetched token may have been revoked meanwhile; the next attempt fetches a new one.
    if (gw.err_code === GW_TOKEN_EXPIRED && !shop.credentials?.accessToken) return transient(reason);
    return permanent(reason);
  }
  if (answer.success === true) return ok(answer.data);
  // refund.seller.active documents `code` as a string; the others as a number.
  const code = Number(answer.code);
  const reason = `Youzan ${path} refused: ${answer.code ?? '?'} ${answer.message ?? ''}`.trim();
  if (code === YOUZAN_REFUND_CODES.tooFast) return { ...rateLimited(reason), refused: code };
  if (code === YOUZAN_REFUND_CODES.retry) return { ...transient(reason), refused: code };
  return { ...permanent(reason), refused: code };
}

async function readTrade(shop: ShopConfig, tid: string): Promise<Result<YouzanFullOrderInfo | null>> {
  const answer = await call(shop, TRADE_GET_PATH, { tid });
  if (!answer.ok) return answer.refused === YOUZAN_REFUND_CODES.tradeNotFound ? ok(null) : answer;
  const info = (answer.value as { full_order_info?: YouzanFullOrderInfo } | undefined)?.full_order_info;
  if (!info?.order_info?.status) return transient(`Youzan ${TRADE_GET_PATH} answered without the trade`);
  return ok(info);
}

/** What the trade's state says before (or instead of) a refund; null: go ahead. */
function decided(tid: string, info: YouzanFullOrderInfo | null): Result<UnfillableAck> | null {
  if (info === null) return fail(`Youzan: no trade ${tid}`, { code: UNFILLABLE_FAILURES.notFound, retryable: false });
  const { status, refund_state: refundState = 0 } = info.order_info;
  if (status === 'TRADE_CLOSED' || FULLY_REFUNDING.has(refundState)) return ok({ platformRef: null, alreadyDone: true });
  if (!PAID_NOT_SHIPPED.has(status) || refundState !== 0)
    return fail(`Youzan: trade ${tid} is ${status}${refundState ? ` (refund_state ${refundState})` : ''}, not refunded from the hub`, {
      code: UNFILLABLE_FAILURES.notCancellable,
      retryable: false,
    });
  return null;
}

/** The refund request for the whole trade: one line by oid, several by items (their refund_fee add up to the payment). */
function refundBody(info: YouzanFullOrderInfo, notice: UnfillableNotice): Result<Record<string, unknown>> {
  const lines = info.orders ?? [];
  const payment = info.pay_info.payment;
  if (lines.length === 0) return permanent(`Youzan trade ${notice.channelOrderId}: no lines to refund`);
  if (lines.some((line) => typeof line.payment !== 'string')) return permanent(`Youzan trade ${notice.channelOrderId}: a line has no payment`);
  const body: Record<string, unknown> = {
    tid: notice.channelOrderId,
    biz_value: notice.idempotencyKey,
    refund_fee: payment,
    desc: notice.reason.slice(0, DESC_MAX),
    coupons: [],
  };
  if (lines.length === 1) body.oid = Number(lines[0]!.oid);
  else {
    // Each line refunds its share of the payment (postage and discounts allocated); the shares add up to the payment.
    const shares = lines.map((line) => yuanToFen('orders[].payment', line.payment));
    const total = yuanToFen('pay_info.payment', payment);
    const sum = shares.reduce((s, share) => s + (share.ok ? share.value : Number.NaN), 0);
    if (!total.ok || sum !== total.value)
      return permanent(`Youzan trade ${notice.channelOrderId}: the lines' payments do not add up to the trade's payment; a person refunds it`);
    body.items = lines.map((line) => ({ oid: Number(line.oid), refund_fee: line.payment }));
  }
  return ok(body);
}

async function tell(shop: ShopConfig, notice: UnfillableNotice): Promise<Result<UnfillableAck>> {
  const tid = notice.channelOrderId;
  const before = await readTrade(shop, tid);
  if (!before.ok) return before;
  const early = decided(tid, before.value);
  if (early) return early;
  const body = refundBody(before.value!, notice);
  if (!body.ok) return body;
  const answer = await call(shop, SELLER_REFUND_PATH, body.value);
  if (answer.ok) {
    const refundId = (answer.value as { refund_id?: unknown } | undefined)?.refund_id;
    return ok({ platformRef: refundId === undefined || refundId === null ? null : String(refundId), alreadyDone: false });
  }
  if (answer.refused === undefined || answer.retryable) {
    const { refused: _, ...failure } = answer;
    return failure;
  }
  // Refused for the trade: it may have changed since the first read (the buyer's refund, a shipment).
  const after = await readTrade(shop, tid);
  if (!after.ok) return transient(`${answer.reason} (and the trade could not be read back: ${after.reason})`);
  return decided(tid, after.value) ?? permanent(answer.reason);
}

export const youzanUnfillable: UnfillableApi = {
  action: 'REFUND',
  source:
    'doc.youzanyun.com youzan.trade.refund.seller.active 3.0.1 (商家主动退款: tid, biz_value, refund_fee, desc, coupons, oid|items) and youzan.trade.get 4.0.2, as transcribed in a public Youzan API notes file (refunds.md / orders-shipping.md, 2026-09-11); SDK class com.youzan.open.sdk.gen.v3_0_0.api.YouzanTradeRefundSellerActive (3.0.0: tid, oid, refund_fee, desc); unverified: the refusal codes and the answer to a repeated biz_value',
  tell,
};
