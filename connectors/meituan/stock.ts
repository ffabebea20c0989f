import { isRetryableStatus } from '../../lib/errors.js';
import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { type ListingRef, rateLimited, STOCK_FAILURES, type StockAck, type StockApi } from '../stock-api.js';
import { formEncode } from './form.js';
import { parseJsonExact } from './json-numbers.js';
import { MEITUAN_SHIP_CODES } from './ship.js';
import { meituanSig } from './signature.js';

/*
 * Listing stock on Meituan 闪购 (retail), signed like every Meituan call (signature.ts):
 *   POST {endpoint}/retail/sku/stock   app_poi_code, food_data = JSON [{app_food_code, skus:[{sku_id, stock}]}]
 *        → {"data":"ok"} | {"data":"ng","error":{code,msg}}
 *   GET  {endpoint}/retail/get         app_poi_code, app_spu_code → {"data":{…, skus:[{sku_id, stock}]}}
 * The stock is absolute: only SET, no increment, no compare-and-set, no idempotency key (a set
 * repeated is harmless). The API is a batch; one listing is sent per call so its answer is its own.
 * ListingRef: itemId = app_food_code (the merchant's SPU code), skuId = sku_id (its SKU code).
 * Those codes are what Meituan's order lines carry, so they are the listing's ids here.
 */
export const SKU_STOCK_PATH = 'retail/sku/stock';
export const RETAIL_GET_PATH = 'retail/get';
/** Default wait for an answer; credentials.stockTimeoutMs overrides it. */
export const STOCK_TIMEOUT_MS = 5_000;

export const MEITUAN_STOCK_CODES = {
  internal: MEITUAN_SHIP_CODES.internal,
  rateLimited: MEITUAN_SHIP_CODES.rateLimited,
  /** UNVERIFIED stand-in: no such item (app_food_code) or SKU in this store. */
  notFound: 805,
} as const;

interface Answer {
  data?: unknown;
  error?: { code?: unknown; msg?: unknown };
}

function timeoutOf(shop: ShopConfig): number {
  const raw = Number(shop.credentials?.stockTimeoutMs);
  return Number.isFinite(raw) && raw > 0 ? raw : STOCK_TIMEOUT_MS;
}

/** An answer → its data, or a failure with the stock codes the sink understands. */
export function meituanStockResult(path: string, httpStatus: number, answer: Answer | undefined): Result<unknown> {
  if (isRetryableStatus(httpStatus)) return transient(`Meituan ${path} answered HTTP ${httpStatus}`);
  if (answer === undefined) return transient(`Meituan ${path} answered HTTP ${httpStatus} without JSON`);
  if (answer.data !== 'ng' && !answer.error) return ok(answer.data);
  const code = Number(answer.error?.code);
  const reason = `Meituan ${path} failed: ${String(answer.error?.code ?? '?')} ${String(answer.error?.msg ?? '')}`.trim();
  if (code === MEITUAN_STOCK_CODES.rateLimited) return rateLimited(reason);
  if (code === MEITUAN_STOCK_CODES.internal) return transient(reason);
  if (code === MEITUAN_STOCK_CODES.notFound) return fail(reason, { code: STOCK_FAILURES.notFound, retryable: false });
  return permanent(reason);
}

async function call(shop: ShopConfig, method: 'GET' | 'POST', path: string, appParams: Record<string, string>): Promise<Result<unknown>> {
  const base = shop.endpoint?.replace(/\/+$/, '');
  const appId = shop.credentials?.appId;
  if (!base) return permanent('meituan stock: shop.endpoint (e.g. https://waimaiopen.meituan.com/api/v1) is not set');
  if (!appId) return permanent('meituan stock: credentials.appId is not set');
  const url = `${base}/${path}`;
  const system = { app_id: appId, timestamp: String(Math.floor(Date.now() / 1000)) };
  const sig = meituanSig(url, { ...appParams, ...system }, shop.secret);
  const form = Object.entries(appParams)
    .map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`)
    .join('&');
  const query = new URLSearchParams(method === 'GET' ? { ...appParams, ...system, sig } : { ...system, sig });
  let response: Response;
  let answer: Answer | undefined;
  try {
    response = await fetch(`${url}?${query}`, {
      method,
      ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body: form } : {}),
      signal: AbortSignal.timeout(timeoutOf(shop)),
    });
    const text = await response.text();
    try {
      answer = parseJsonExact(text) as Answer;
    } catch {
      answer = undefined;
    }
  } catch (err) {
    return transient(`Meituan ${path} unreachable or too slow: ${(err as Error).message}`);
  }
  return meituanStockResult(path, response.status, answer);
}

function poiOf(shop: ShopConfig): string | undefined {
  return shop.credentials?.appPoiCode;
}

/** skus as retail/get writes them: a list, or (older answers) the same list as JSON text. */
function skusOf(data: unknown): Array<{ sku_id?: unknown; stock?: unknown }> {
  const skus = (data as { skus?: unknown } | undefined)?.skus;
  if (typeof skus === 'string') {
    try {
      return skusOf({ skus: parseJsonExact(skus) });
    } catch {
      return [];
    }
  }
  return Array.isArray(skus) ? (skus as Array<{ sku_id?: unknown; stock?: unknown }>) : [];
}

export const meituanStock: StockApi = {
  writes: ['SET'],
  idempotentIncrements: false,
  rateLimit: { perSecond: 20, source: 'unverified: no documented per-app limit for retail/sku/stock found; a conservative guess' },
  set: async (shop: ShopConfig, listing: ListingRef, quantity: number): Promise<Result<StockAck>> => {
    if (!Number.isSafeInteger(quantity) || quantity < 0) return permanent(`stock quantity must be a whole number ≥ 0: ${quantity}`);
    const poi = poiOf(shop);
    if (!poi) return permanent('meituan stock: credentials.appPoiCode is not set');
    const foodData = [{ app_food_code: listing.itemId, skus: [{ sku_id: listing.skuId, stock: String(quantity) }] }];
    const answer = await call(shop, 'POST', SKU_STOCK_PATH, { app_poi_code: poi, food_data: JSON.stringify(foodData) });
    return answer.ok ? ok({ quantityAfter: null }) : answer;
  },
  read: async (shop, listing) => {
    const poi = poiOf(shop);
    if (!poi) return permanent('meituan stock: credentials.appPoiCode is not set');
    const answer = await call(shop, 'GET', RETAIL_GET_PATH, { app_poi_code: poi, app_spu_code: listing.itemId });
    if (!answer.ok) return answer;
    const sku = skusOf(answer.value).find((s) => String(s.sku_id) === listing.skuId);
    if (!sku) return fail(`Meituan item ${listing.itemId} has no SKU ${listing.skuId}`, { code: STOCK_FAILURES.notFound, retryable: false });
    const quantity = Number(sku.stock);
    if (!Number.isSafeInteger(quantity) || quantity < 0)
      return permanent(`Meituan ${RETAIL_GET_PATH} answered a stock that is not a count: ${String(sku.stock)}`);
    return ok(quantity);
  },
};
