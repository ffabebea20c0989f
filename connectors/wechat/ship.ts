import { ApiError, isRetryableStatus } from '../../lib/errors.js';
import { type Failure, fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShipmentNotice, ShopConfig } from '../contract.js';
import { wechatDeliveryIds } from './carriers.js';
import { quoteLongIntegers } from './json-ids.js';
import { DEFAULT_ENDPOINT, tokenFor } from './pull.js';

/*
 * Sync-back: 订单发货 POST /channels/ec/order/delivery/send?access_token=…
 *   {order_id, delivery_list:[{delivery_id, waybill_id, deliver_type:1 (自寄快递),
 *                              product_infos:[{product_id, sku_id, product_cnt}]}]}  → {errcode:0}
 * product_infos are required (errcode 40097 names a missing product_id), so the order is read first
 * with /channels/ec/order/get, which also answers idempotency honestly: an order already at 30 (待收货)
 * or 100 (完成) is reported shipped without sending again. Auth is the access_token, as for pull().
 *
 * Outcomes: HTTP 429/5xx, network errors, -1 (system busy), 45009/45011 (quota) and an invalid
 * token that we fetched ourselves (40001/42001: a fresh one is fetched next attempt) → retryable;
 * "already shipped" → ok; everything else → not retryable. ALREADY_SHIPPED is an UNVERIFIED stand-in.
 */
export const DELIVERY_SEND_PATH = '/channels/ec/order/delivery/send';
export const ORDER_GET_PATH = '/channels/ec/order/get';

export const WECHAT_ERRCODES = {
  busy: -1,
  dailyQuota: 45009,
  minuteQuota: 45011,
  invalidToken: 40001,
  expiredToken: 42001,
  invalidArgs: 40097,
  orderNotFound: 100002,
  /** UNVERIFIED stand-in: the order's status no longer allows shipping because it was shipped. */
  alreadyShipped: 10020011,
} as const;

/** order.status after which the order counts as shipped (30 待收货, 100 完成). */
const SHIPPED_STATUSES: ReadonlySet<number> = new Set([30, 100]);
/** Statuses from which the merchant may ship (20 待发货, 21 部分发货). */
const SHIPPABLE_STATUSES: ReadonlySet<number> = new Set([20, 21]);

interface Answer {
  errcode?: unknown;
  errmsg?: string;
  [key: string]: unknown;
}

/** An errcode answer → a Failure with the errcode as its code, retryable as the outcomes above say. */
export function wechatErrorResult(reason: string, errcode: unknown, tokenWasFetched: boolean): Failure {
  const code = Number(errcode);
  const retryable =
    code === WECHAT_ERRCODES.busy ||
    code === WECHAT_ERRCODES.dailyQuota ||
    code === WECHAT_ERRCODES.minuteQuota ||
    ((code === WECHAT_ERRCODES.invalidToken || code === WECHAT_ERRCODES.expiredToken) && tokenWasFetched);
  return fail(reason, { code: String(errcode), retryable });
}

/** "Already shipped" (by an earlier attempt whose answer was lost) means the goal holds. */
const settled = (f: Failure): Result => (f.code === String(WECHAT_ERRCODES.alreadyShipped) ? ok() : f);

async function call(endpoint: string, path: string, token: string, payload: unknown, tokenWasFetched: boolean): Promise<Result<Answer>> {
  let response: Response;
  try {
    response = await fetch(`${endpoint}${path}?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
  } catch (err) {
    return transient(`WeChat unreachable: ${(err as Error).message}`);
  }
  if (isRetryableStatus(response.status)) return transient(`WeChat ${path} answered HTTP ${response.status}`);
  let body: Answer;
  try {
    body = JSON.parse(quoteLongIntegers(await response.text())) as Answer;
  } catch {
    return transient(`WeChat ${path} answered HTTP ${response.status} without JSON`);
  }
  if (body.errcode !== undefined && body.errcode !== 0) {
    return wechatErrorResult(`WeChat ${path} failed: errcode ${String(body.errcode)} ${body.errmsg ?? ''}`.trim(), body.errcode, tokenWasFetched);
  }
  return ok(body);
}

interface OrderForShipping {
  status?: unknown;
  order_detail?: { product_infos?: Array<{ product_id?: unknown; sku_id?: unknown; sku_cnt?: unknown }> };
}

export async function shipWechatOrder(shop: ShopConfig, notice: ShipmentNotice): Promise<Result> {
  const deliveryId = wechatDeliveryIds[notice.carrier];
  if (deliveryId === undefined) return permanent(`no WeChat delivery_id for carrier ${String(notice.carrier)}`);
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const tokenWasFetched = !shop.credentials?.accessToken;
  let token: string;
  try {
    token = await tokenFor(shop, endpoint);
  } catch (err) {
    if (err instanceof ApiError) return settled(wechatErrorResult(err.message, err.platformCode, false));
    if (err instanceof TypeError) return transient(`WeChat unreachable: ${err.message}`);
    return permanent(err instanceof Error ? err.message : String(err));
  }

  const read = await call(endpoint, ORDER_GET_PATH, token, { order_id: notice.channelOrderId }, tokenWasFetched);
  if (!read.ok) return settled(read);
  const order = read.value.order as OrderForShipping | undefined;
  const status = Number(order?.status);
  if (SHIPPED_STATUSES.has(status)) return ok();
  if (!SHIPPABLE_STATUSES.has(status)) return permanent(`WeChat order ${notice.channelOrderId} has status ${String(order?.status)}, which cannot be shipped`);
  const products = order?.order_detail?.product_infos ?? [];
  if (products.length === 0 || products.some((p) => p.product_id === undefined || p.product_id === null)) {
    return permanent(`WeChat order ${notice.channelOrderId} lacks the product ids delivery/send requires`);
  }

  const sent = await call(
    endpoint,
    DELIVERY_SEND_PATH,
    token,
    {
      order_id: notice.channelOrderId,
      delivery_list: [
        {
          delivery_id: deliveryId,
          waybill_id: notice.waybillNo,
          deliver_type: 1,
          product_infos: products.map((p) => ({ product_id: String(p.product_id), sku_id: String(p.sku_id), product_cnt: Number(p.sku_cnt) })),
        },
      ],
    },
    tokenWasFetched,
  );
  return sent.ok ? ok() : settled(sent);
}
