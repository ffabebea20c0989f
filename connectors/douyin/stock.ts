import { isRetryableStatus } from '../../lib/errors.js';
import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { type ListingRef, rateLimited, STOCK_FAILURES, type StockAck, type StockApi } from '../stock-api.js';
import { quoteIdFields } from './payload.js';
import { DEFAULT_ENDPOINT, douyinRetryable, SUCCESS_CODE } from './pull.js';
import { canonicalParamJson, signDouyinApiRequest } from './signature.js';

/*
 * Listing stock on Douyin (抖店), signed like order.searchList (pull.ts):
 *   sku.syncStock {product_id, sku_id, stock_num, incremental, idempotent_id}: incremental false sets
 *     stock_num, true adds it (negative: reduces); idempotent_id makes a retried increment apply once.
 *   sku.stockNum {sku_id}: reads the SKU's stock back (data.stock_num).
 * Fields from the doudian SDKs (SkuSyncStockParam, SkuStockNumParam); answers, error codes and
 * the limit are UNVERIFIED (README "Stock"). Regional stock (out_warehouse_id) is not used.
 */
export const DOUYIN_STOCK_SYNC_METHOD = 'sku.syncStock';
export const DOUYIN_STOCK_READ_METHOD = 'sku.stockNum';
/** How long a stock call may take before it counts as lost (credentials.stockTimeoutMs overrides). */
export const DOUYIN_STOCK_TIMEOUT_MS = 5_000;

const ID_KEYS = ['sku_id', 'product_id'] as const;
const NOT_FOUND = /不存在|not.?exist|not found/i;
const FLOW_LIMIT = /flow-limit|频繁|frequen/i;

interface DouyinAnswer {
  code?: number;
  msg?: string;
  sub_code?: string;
  sub_msg?: string;
  data?: Record<string, unknown> | null;
}

/** param_json with the int64 ids as bare digits, as the SDKs send them (a digit string stays exact). */
export function stockParamJson(params: Record<string, unknown>): string {
  let text = canonicalParamJson(params);
  for (const key of ID_KEYS) text = text.replace(new RegExp(`("${key}":)"(\\d+)"`), '$1$2');
  return text;
}

/** A non-success answer → Result: flow control → rate_limited, unknown SKU → not_found, else as douyinRetryable says. */
export function douyinStockFailure(method: string, body: DouyinAnswer): Result<never> {
  const text = `${body.code ?? 'no code'} ${body.msg ?? ''} ${body.sub_code ?? ''} ${body.sub_msg ?? ''}`.trim();
  const reason = `douyin ${method}: ${text}`;
  if (FLOW_LIMIT.test(`${body.sub_code ?? ''} ${body.sub_msg ?? ''}`)) return rateLimited(reason);
  if (NOT_FOUND.test(`${body.sub_code ?? ''} ${body.sub_msg ?? ''}`)) return fail(reason, { code: STOCK_FAILURES.notFound, retryable: false });
  return fail(reason, { retryable: douyinRetryable(body.sub_code) });
}

function timeoutOf(shop: ShopConfig): number {
  const configured = Number(shop.credentials?.stockTimeoutMs);
  return Number.isFinite(configured) && configured > 0 ? configured : DOUYIN_STOCK_TIMEOUT_MS;
}

async function call(shop: ShopConfig, method: string, params: Record<string, unknown>): Promise<Result<Record<string, unknown>>> {
  const appKey = shop.credentials?.appKey;
  const accessToken = shop.credentials?.accessToken;
  if (!appKey || !accessToken) return permanent(`douyin shop ${shop.shopId}: credentials.appKey and accessToken are required`);
  const endpoint = (shop.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const paramJson = stockParamJson(params);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const sign = signDouyinApiRequest({ appKey, appSecret: shop.secret, method, paramJson, timestamp });
  const query = new URLSearchParams({ app_key: appKey, method, access_token: accessToken, timestamp, v: '2', sign_method: 'hmac-sha256', sign });
  try {
    const response = await fetch(`${endpoint}/${method.replace('.', '/')}?${query.toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-open-no-old-err-code': '1' },
      body: paramJson,
      signal: AbortSignal.timeout(timeoutOf(shop)),
    });
    const text = await response.text();
    if (!response.ok) return fail(`douyin ${method}: HTTP ${response.status}`, { retryable: isRetryableStatus(response.status) });
    const body = JSON.parse(quoteIdFields(text, ID_KEYS)) as DouyinAnswer;
    return body.code === SUCCESS_CODE ? ok(body.data ?? {}) : douyinStockFailure(method, body);
  } catch (err) {
    // The network, a timeout, an unreadable answer: the write may or may not have landed.
    return transient(`douyin ${method}: ${(err as Error).message}`);
  }
}

function idsOf(listing: ListingRef): Result<{ product_id: string; sku_id: string }> {
  if (!/^\d{1,20}$/.test(listing.itemId) || !/^\d{1,20}$/.test(listing.skuId)) {
    return permanent(`douyin: not a Douyin product/sku id: ${listing.itemId}/${listing.skuId}`);
  }
  return ok({ product_id: listing.itemId, sku_id: listing.skuId });
}

async function syncStock(shop: ShopConfig, listing: ListingRef, stockNum: number, incremental: boolean, idempotencyKey: string): Promise<Result<StockAck>> {
  if (!Number.isSafeInteger(stockNum) || (!incremental && stockNum < 0)) return permanent(`douyin: stock_num must be a whole number, got ${stockNum}`);
  const ids = idsOf(listing);
  if (!ids.ok) return ids;
  const params = { ...ids.value, stock_num: stockNum, incremental, ...(incremental ? { idempotent_id: idempotencyKey } : {}) };
  const answer = await call(shop, DOUYIN_STOCK_SYNC_METHOD, params);
  return answer.ok ? ok({ quantityAfter: null }) : answer;
}

async function readStock(shop: ShopConfig, listing: ListingRef): Promise<Result<number>> {
  const ids = idsOf(listing);
  if (!ids.ok) return ids;
  const answer = await call(shop, DOUYIN_STOCK_READ_METHOD, { sku_id: ids.value.sku_id });
  if (!answer.ok) return answer;
  const quantity = Number(answer.value.stock_num);
  return Number.isSafeInteger(quantity) ? ok(quantity) : transient(`douyin ${DOUYIN_STOCK_READ_METHOD}: no whole stock_num in the answer`);
}

export const douyinStock: StockApi = {
  writes: ['SET', 'INCREMENT'],
  idempotentIncrements: true,
  rateLimit: { perSecond: 10, source: 'unverified: doudian grants API flow limits per app in the console; 10/s assumed' },
  set: (shop, listing, quantity, opts) => syncStock(shop, listing, quantity, false, opts.idempotencyKey),
  increment: (shop, listing, delta, opts) => syncStock(shop, listing, delta, true, opts.idempotencyKey),
  read: (shop, listing) => readStock(shop, listing),
};
