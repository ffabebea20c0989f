import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { type ListingRef, rateLimited, STOCK_FAILURES, type StockAck, type StockApi } from '../stock-api.js';
import { DEFAULT_ENDPOINT } from './pull.js';
import { apiPathOf, KUAISHOU_RETRYABLE_RESULTS } from './ship.js';
import { type SignMethod, signKuaishouRequest } from './signature.js';

/*
 * Listing stock on Kuaishou (快手小店), signed like every Kuaishou call (signature.ts):
 *   open.item.sku.stock.update (POST, form) param {kwaiItemId, skuId, skuChangeStock, changeType}: an
 *     INCREMENT only: changeType 1 adds skuChangeStock, 2 reduces by it; skuChangeStock must be > 0.
 *   open.item.get (GET) param {kwaiItemId}: the item with data.skuInfos[] {kwaiSkuId, skuStock}, read back.
 * Kuaishou keeps no idempotency key for stock changes, so a retried increment may apply twice.
 * Field names from the Kuaishou SDKs (OpenItemSkuStockUpdateRequest, OpenItemGetSku); result codes
 * other than 1 and the limit are UNVERIFIED (README "Stock").
 */
export const STOCK_UPDATE_METHOD = 'open.item.sku.stock.update';
export const ITEM_GET_METHOD = 'open.item.get';
/** Result of "too many calls" (UNVERIFIED stand-in, shared with ship.ts and the simulator). */
export const RATE_LIMIT_RESULT = 803_000;
/** How long a stock call may take before it counts as lost (credentials.stockTimeoutMs overrides). */
export const KUAISHOU_STOCK_TIMEOUT_MS = 5_000;

const NOT_FOUND = /不存在|not (be )?found|not exist|NOT_EXIST/i;
const DIGITS = /^[1-9]\d{0,19}$/;

interface KuaishouAnswer {
  result?: unknown;
  error_msg?: unknown;
  sub_code?: unknown;
  data?: unknown;
}

/** An answer → Result: result 1 is success; the call limit → rate_limited; unknown item/SKU → not_found. */
export function kuaishouStockResult(method: string, httpStatus: number, answer: KuaishouAnswer | undefined): Result<KuaishouAnswer> {
  if (httpStatus === 429) return rateLimited(`Kuaishou ${method}: HTTP 429`);
  if (httpStatus >= 500) return transient(`Kuaishou ${method}: HTTP ${httpStatus}`);
  if (!answer) return transient(`Kuaishou ${method}: HTTP ${httpStatus} without JSON`);
  if (answer.result === 1) return ok(answer);
  const text = `${typeof answer.error_msg === 'string' ? answer.error_msg : ''} ${typeof answer.sub_code === 'string' ? answer.sub_code : ''}`.trim();
  const reason = `Kuaishou ${method} failed: result ${String(answer.result)} ${text}`.trim();
  if (answer.result === RATE_LIMIT_RESULT) return rateLimited(reason);
  if (NOT_FOUND.test(text)) return fail(reason, { code: STOCK_FAILURES.notFound, retryable: false });
  return typeof answer.result === 'number' && KUAISHOU_RETRYABLE_RESULTS.has(answer.result) ? transient(reason) : permanent(reason);
}

function timeoutOf(shop: ShopConfig): number {
  const configured = Number(shop.credentials?.stockTimeoutMs);
  return Number.isFinite(configured) && configured > 0 ? configured : KUAISHOU_STOCK_TIMEOUT_MS;
}

/** One signed call; `param` is JSON text with the ids written as bare digits (Kuaishou types them long). */
async function call(shop: ShopConfig, method: string, httpMethod: 'GET' | 'POST', param: string): Promise<Result<KuaishouAnswer>> {
  const { appKey, signSecret, accessToken } = shop.credentials ?? {};
  if (!appKey || !signSecret || !accessToken) {
    return permanent(`kuaishou shop ${shop.shopId}: credentials.appKey, signSecret and accessToken are required for stock calls`);
  }
  const signMethod: SignMethod = 'MD5';
  const params: Record<string, string> = {
    appkey: appKey,
    access_token: accessToken,
    method,
    param,
    signMethod,
    timestamp: String(Date.now()),
    version: '1',
  };
  params.sign = signKuaishouRequest(params, signSecret, signMethod);
  const url = `${(shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '')}${apiPathOf(method)}`;
  const form = new URLSearchParams(params).toString();
  let response: Response;
  try {
    response =
      httpMethod === 'GET'
        ? await fetch(`${url}?${form}`, { signal: AbortSignal.timeout(timeoutOf(shop)) })
        : await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
            body: form,
            signal: AbortSignal.timeout(timeoutOf(shop)),
          });
  } catch (err) {
    // The network or a timeout: the change may or may not have landed.
    return transient(`Kuaishou ${method}: ${(err as Error).message}`);
  }
  let answer: KuaishouAnswer | undefined;
  try {
    answer = (await response.json()) as KuaishouAnswer;
  } catch {
    answer = undefined;
  }
  return kuaishouStockResult(method, response.status, answer);
}

function idsOf(listing: ListingRef): Result<ListingRef> {
  return DIGITS.test(listing.itemId) && DIGITS.test(listing.skuId)
    ? ok(listing)
    : permanent(`kuaishou: not a Kuaishou item/sku id: ${listing.itemId}/${listing.skuId}`);
}

async function changeStock(shop: ShopConfig, listing: ListingRef, delta: number): Promise<Result<StockAck>> {
  if (!Number.isSafeInteger(delta)) return permanent(`kuaishou: a stock change must be a whole number, got ${delta}`);
  // skuChangeStock must be positive: there is nothing to send for no change.
  if (delta === 0) return ok({ quantityAfter: null });
  const ids = idsOf(listing);
  if (!ids.ok) return ids;
  const param = `{"kwaiItemId":${ids.value.itemId},"skuId":${ids.value.skuId},"skuChangeStock":${Math.abs(delta)},"changeType":${delta > 0 ? 1 : 2}}`;
  const answer = await call(shop, STOCK_UPDATE_METHOD, 'POST', param);
  return answer.ok ? ok({ quantityAfter: null }) : answer;
}

async function readStock(shop: ShopConfig, listing: ListingRef): Promise<Result<number>> {
  const ids = idsOf(listing);
  if (!ids.ok) return ids;
  const answer = await call(shop, ITEM_GET_METHOD, 'GET', `{"kwaiItemId":${ids.value.itemId}}`);
  if (!answer.ok) return answer;
  const skus = (answer.value.data as { skuInfos?: Array<{ kwaiSkuId?: unknown; skuStock?: unknown }> } | undefined)?.skuInfos ?? [];
  const sku = skus.find((s) => String(s.kwaiSkuId) === ids.value.skuId);
  if (!sku)
    return fail(`Kuaishou ${ITEM_GET_METHOD}: sku ${ids.value.skuId} not found on item ${ids.value.itemId}`, {
      code: STOCK_FAILURES.notFound,
      retryable: false,
    });
  return typeof sku.skuStock === 'number' && Number.isSafeInteger(sku.skuStock)
    ? ok(sku.skuStock)
    : transient(`Kuaishou ${ITEM_GET_METHOD}: skuStock is not a whole number`);
}

export const kuaishouStock: StockApi = {
  writes: ['INCREMENT'],
  idempotentIncrements: false,
  rateLimit: { perSecond: 10, source: 'unverified: Kuaishou grants API flow limits per app; 10/s assumed' },
  increment: (shop, listing, delta) => changeStock(shop, listing, delta),
  read: (shop, listing) => readStock(shop, listing),
};
