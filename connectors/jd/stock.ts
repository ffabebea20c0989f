import { ApiError } from '../../lib/errors.js';
import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { type ListingRef, rateLimited, STOCK_FAILURES, type StockAck, type StockApi } from '../stock-api.js';
import { callJos, josConfig } from './api.js';

/*
 * Listing stock on JD POP, through the JOS router (api.ts signs every call):
 *   jingdong.stock.write.updateSkuStock {skuId, stockNum}: sets the SKU's sellable stock (absolute)
 *   jingdong.stock.read.findSkuStock {skuId}: reads it back (skuStocks[] {skuId, stockNum})
 * Request fields from the JOS SDKs (StockWriteUpdateSkuStockRequest, StockReadFindSkuStockRequest);
 * the answers' shapes and the error codes are UNVERIFIED (README "Stock"). JD keys stock by skuId
 * alone: ListingRef.itemId is the wareId, carried for the hub's bookkeeping only.
 */
export const JD_STOCK_SET_METHOD = 'jingdong.stock.write.updateSkuStock';
export const JD_STOCK_READ_METHOD = 'jingdong.stock.read.findSkuStock';
/** Router code for "call limit exceeded" (UNVERIFIED, shared with the simulator). */
export const JD_CALL_LIMIT_CODE = '67';
/** How long a stock call may take before it counts as lost (credentials.stockTimeoutMs overrides). */
export const JD_STOCK_TIMEOUT_MS = 5_000;

const NOT_FOUND = /不存在|not (be )?found|not exist/i;

const responseKey = (method: string) => `${method.replaceAll('.', '_')}_responce`;

function timeoutOf(shop: ShopConfig): number {
  const configured = Number(shop.credentials?.stockTimeoutMs);
  return Number.isFinite(configured) && configured > 0 ? configured : JD_STOCK_TIMEOUT_MS;
}

/** A failed call → Result: the call limit, not-found refusals, and retryable/permanent as api.ts decided. */
export function jdStockError(err: unknown, method: string): Result<never> {
  if (err instanceof ApiError) {
    if (err.platformCode === JD_CALL_LIMIT_CODE) return rateLimited(`jd ${method}: ${err.message}`);
    if (NOT_FOUND.test(err.message)) return fail(`jd ${method}: ${err.message}`, { code: STOCK_FAILURES.notFound, retryable: false });
    return fail(`jd ${method}: ${err.message}`, { retryable: err.retryable });
  }
  // The network, a timeout (AbortSignal), an unreadable answer: the call may or may not have landed.
  return transient(`jd ${method}: ${(err as Error).message}`);
}

/** The method's answer body (…_responce), or a failure when it is missing or refuses. */
function answerOf(body: Record<string, unknown>, method: string): Result<Record<string, unknown>> {
  const answer = body[responseKey(method)] as Record<string, unknown> | undefined;
  if (!answer) return transient(`jd ${method}: no ${responseKey(method)} in the answer`);
  const refused = answer.success === false || answer.success === 'false';
  if (!refused) return ok(answer);
  const text = `${String(answer.chineseErr ?? '')} ${String(answer.englishErr ?? '')}`.trim() || 'success is false';
  if (NOT_FOUND.test(text)) return fail(`jd ${method}: ${text}`, { code: STOCK_FAILURES.notFound, retryable: false });
  return permanent(`jd ${method}: ${text}`);
}

/** JOS types skuId as a long, sent as a JSON number; JD SKU ids are 11–12 digits, so one beyond 2^53 is refused rather than rounded. */
function skuIdOf(listing: ListingRef): Result<string> {
  const exact = /^[1-9]\d{0,15}$/.test(listing.skuId) && Number.isSafeInteger(Number(listing.skuId));
  return exact ? ok(listing.skuId) : permanent(`jd: not a JD skuId: ${listing.skuId}`);
}

function withSkuId(skuId: string, rest: Record<string, unknown>): Record<string, unknown> {
  return { skuId: Number(skuId), ...rest };
}

async function call(shop: ShopConfig, method: string, business: Record<string, unknown>): Promise<Result<Record<string, unknown>>> {
  try {
    josConfig(shop);
  } catch (err) {
    return permanent((err as Error).message);
  }
  try {
    return answerOf(await callJos(shop, method, business, { timeoutMs: timeoutOf(shop) }), method);
  } catch (err) {
    return jdStockError(err, method);
  }
}

async function setJdStock(shop: ShopConfig, listing: ListingRef, quantity: number): Promise<Result<StockAck>> {
  if (!Number.isSafeInteger(quantity) || quantity < 0) return permanent(`jd: stockNum must be a whole number ≥ 0, got ${quantity}`);
  const skuId = skuIdOf(listing);
  if (!skuId.ok) return skuId;
  const answer = await call(shop, JD_STOCK_SET_METHOD, withSkuId(skuId.value, { stockNum: quantity }));
  return answer.ok ? ok({ quantityAfter: null }) : answer;
}

async function readJdStock(shop: ShopConfig, listing: ListingRef): Promise<Result<number>> {
  const skuId = skuIdOf(listing);
  if (!skuId.ok) return skuId;
  const answer = await call(shop, JD_STOCK_READ_METHOD, withSkuId(skuId.value, {}));
  if (!answer.ok) return answer;
  const stocks = Array.isArray(answer.value.skuStocks) ? (answer.value.skuStocks as Array<Record<string, unknown>>) : [];
  const mine = stocks.find((s) => String(s.skuId) === skuId.value);
  if (!mine) return fail(`jd ${JD_STOCK_READ_METHOD}: sku ${skuId.value} not found`, { code: STOCK_FAILURES.notFound, retryable: false });
  const quantity = Number(mine.stockNum);
  return Number.isSafeInteger(quantity) ? ok(quantity) : transient(`jd ${JD_STOCK_READ_METHOD}: stockNum is not a whole number: ${String(mine.stockNum)}`);
}

export const jdStock: StockApi = {
  writes: ['SET'],
  // updateSkuStock is an absolute set: repeating it is harmless, and there is no increment to key.
  idempotentIncrements: false,
  rateLimit: { perSecond: 10, source: 'unverified: JOS flow control is granted per app and API in the console; 10/s assumed' },
  set: (shop, listing, quantity) => setJdStock(shop, listing, quantity),
  read: (shop, listing) => readJdStock(shop, listing),
};
