import { ApiError, isRetryableStatus } from '../../lib/errors.js';
import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { type ListingRef, rateLimited, STOCK_FAILURES, type StockAck, type StockApi } from '../stock-api.js';
import { quoteLongIntegers } from './json-ids.js';
import { DEFAULT_ENDPOINT } from './pull.js';
import { WECHAT_ERRCODES } from './ship.js';
import { cachedToken, forgetToken } from './token-cache.js';

/*
 * Listing stock on the Channels shop (微信小店), authenticated by access_token like pull and ship:
 *   POST /channels/ec/product/stock/update  {product_id, sku_id, diff_type, num}  → {errcode:0}
 *        diff_type 1 add, 2 reduce, 3 set. WeChat advises against 3 under concurrency, so the sink
 *        should prefer increments; set stays for full reconciliations.
 *   POST /channels/ec/product/stock/get     {product_id, sku_id} → {errcode:0, data:{normal_stock_num, …}}
 * There is no idempotency key: a retried increment whose answer was lost may apply twice, which is
 * why `idempotentIncrements` is false and a read-back is offered.
 * ListingRef: itemId = product_id, skuId = sku_id (both uint64 as decimal strings).
 */
export const STOCK_UPDATE_PATH = '/channels/ec/product/stock/update';
export const STOCK_GET_PATH = '/channels/ec/product/stock/get';
/** Default wait for an answer; credentials.stockTimeoutMs overrides it. */
export const STOCK_TIMEOUT_MS = 5_000;

export const WECHAT_STOCK_ERRCODES = {
  /** Too many stock writes for one SKU (per-SKU frequency limit). */
  skuFrequency: 10020112,
  /** UNVERIFIED for Channels (documented for the older 小商店 stock API). */
  productNotFound: 100002,
  /** UNVERIFIED for Channels (documented for the older 小商店 stock API). */
  skuNotFound: 100004,
} as const;

const DIFF = { add: 1, reduce: 2, set: 3 } as const;
const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([WECHAT_STOCK_ERRCODES.skuFrequency, WECHAT_ERRCODES.minuteQuota, WECHAT_ERRCODES.dailyQuota]);
const NOT_FOUND_CODES: ReadonlySet<number> = new Set([WECHAT_STOCK_ERRCODES.productNotFound, WECHAT_STOCK_ERRCODES.skuNotFound]);
const TOKEN_CODES: ReadonlySet<number> = new Set([WECHAT_ERRCODES.invalidToken, WECHAT_ERRCODES.expiredToken]);

interface Answer {
  errcode?: unknown;
  errmsg?: string;
  data?: { normal_stock_num?: unknown };
}

function timeoutOf(shop: ShopConfig): number {
  const raw = Number(shop.credentials?.stockTimeoutMs);
  return Number.isFinite(raw) && raw > 0 ? raw : STOCK_TIMEOUT_MS;
}

/** An errcode answer → a Result failure with the stock codes the sink understands. */
export function wechatStockFailure(path: string, errcode: unknown, errmsg: string, tokenWasFetched: boolean): Result<never> {
  const code = Number(errcode);
  const reason = `WeChat ${path} failed: errcode ${String(errcode)} ${errmsg}`.trim();
  if (RATE_LIMIT_CODES.has(code)) return rateLimited(reason);
  if (NOT_FOUND_CODES.has(code)) return fail(reason, { code: STOCK_FAILURES.notFound, retryable: false });
  if (code === WECHAT_ERRCODES.busy) return transient(reason);
  // A token we fetched may have been retired meanwhile: the next attempt fetches a new one.
  if (TOKEN_CODES.has(code) && tokenWasFetched) return transient(reason);
  return fail(reason, { code: String(errcode), retryable: false });
}

async function call(shop: ShopConfig, path: string, payload: Record<string, unknown>): Promise<Result<Answer>> {
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const tokenWasFetched = !shop.credentials?.accessToken;
  let token: string;
  try {
    token = await cachedToken(shop, endpoint);
  } catch (err) {
    if (err instanceof ApiError) return wechatStockFailure('/cgi-bin/token', err.platformCode, '', false);
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
  if (body.errcode !== undefined && body.errcode !== 0) {
    if (TOKEN_CODES.has(Number(body.errcode))) forgetToken(shop, endpoint);
    return wechatStockFailure(path, body.errcode, body.errmsg ?? '', tokenWasFetched);
  }
  return ok(body);
}

async function update(shop: ShopConfig, listing: ListingRef, diffType: number, num: number): Promise<Result<StockAck>> {
  const answer = await call(shop, STOCK_UPDATE_PATH, { product_id: listing.itemId, sku_id: listing.skuId, diff_type: diffType, num });
  return answer.ok ? ok({ quantityAfter: null }) : answer;
}

export const wechatStock: StockApi = {
  writes: ['INCREMENT', 'SET'],
  idempotentIncrements: false,
  rateLimit: {
    perSecond: 20,
    perListingPerSecond: 2,
    source: 'unverified: WeChat documents errcode 10020112 (per-SKU frequency) but no numbers; conservative guesses',
  },
  set: (shop, listing, quantity) => {
    if (!Number.isSafeInteger(quantity) || quantity < 0) return Promise.resolve(permanent(`stock quantity must be a whole number ≥ 0: ${quantity}`));
    return update(shop, listing, DIFF.set, quantity);
  },
  increment: (shop, listing, delta) => {
    if (!Number.isSafeInteger(delta)) return Promise.resolve(permanent(`stock delta must be a whole number: ${delta}`));
    // num must be positive: the direction is diff_type's. A zero change needs no call.
    if (delta === 0) return Promise.resolve(ok({ quantityAfter: null }));
    return update(shop, listing, delta > 0 ? DIFF.add : DIFF.reduce, Math.abs(delta));
  },
  read: async (shop, listing) => {
    const answer = await call(shop, STOCK_GET_PATH, { product_id: listing.itemId, sku_id: listing.skuId });
    if (!answer.ok) return answer;
    const quantity = Number(answer.value.data?.normal_stock_num);
    if (!Number.isSafeInteger(quantity)) return permanent(`WeChat ${STOCK_GET_PATH} answered without data.normal_stock_num`);
    return ok(quantity);
  },
};
