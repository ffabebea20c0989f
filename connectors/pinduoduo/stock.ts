import { ApiError } from '../../lib/errors.js';
import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { type ListingRef, rateLimited, STOCK_FAILURES, type StockAck, type StockApi } from '../stock-api.js';
import { callPdd, type PddCallOptions, pddCredentials } from './api.js';

/*
 * Listing stock over the PDD router: pdd.goods.quantity.update (goods_id, sku_id, quantity,
 * update_type 1 = set, default; 2 = increment, which may not take the stock below 0) and
 * pdd.goods.skus.get (goods_id, sku_id → quantity) to read back. Goods on a promotion slot
 * (资源位) cannot have their stock reduced: that refusal is promotion_locked. PDD keeps no
 * idempotency key for this call, and its answer is only is_success (no quantity after).
 *
 * ListingRef: itemId = goods_id, skuId = sku_id (every PDD goods has at least one SKU).
 */
export const PDD_STOCK_TYPE = 'pdd.goods.quantity.update';
export const PDD_SKU_GET_TYPE = 'pdd.goods.skus.get';
/** How long a stock call may take before it counts as lost (credentials.stockTimeoutMs overrides). */
export const PDD_STOCK_TIMEOUT_MS = 5_000;

/** Flow control (UNVERIFIED codes, as in api.ts). */
const RATE_LIMIT_CODES = new Set(['70031', '70032']);
const PROMOTION_LOCKED = /资源位|活动中|promotion/i;
const NOT_FOUND = /不存在|not exist|not found/i;

function timed(shop: ShopConfig): PddCallOptions {
  const ms = Number(shop.credentials?.stockTimeoutMs ?? PDD_STOCK_TIMEOUT_MS);
  return { fetchImpl: (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(ms) }) };
}

/** A failed PDD call → a stock Result. */
export function pddStockError(err: unknown): Result<never> {
  if (!(err instanceof ApiError)) return transient(`pinduoduo: ${(err as Error).message}`);
  if (RATE_LIMIT_CODES.has(err.platformCode ?? '')) return rateLimited(err.message);
  if (PROMOTION_LOCKED.test(err.message)) return fail(err.message, { code: STOCK_FAILURES.promotionLocked, retryable: false });
  if (NOT_FOUND.test(err.message)) return fail(err.message, { code: STOCK_FAILURES.notFound, retryable: false });
  return err.retryable ? transient(err.message) : permanent(err.message);
}

/** A misconfigured shop: no call is made, and no retry helps. */
function missingCredentials(shop: ShopConfig): Result<never> | undefined {
  try {
    pddCredentials(shop);
    return undefined;
  } catch (err) {
    return permanent((err as Error).message);
  }
}

async function updateQuantity(shop: ShopConfig, listing: ListingRef, quantity: number, updateType: '1' | '2'): Promise<Result<StockAck>> {
  const missing = missingCredentials(shop);
  if (missing) return missing;
  try {
    const json = await callPdd(
      shop,
      PDD_STOCK_TYPE,
      { goods_id: listing.itemId, sku_id: listing.skuId, quantity: String(quantity), update_type: updateType },
      timed(shop),
    );
    const body = json.goods_quantity_update_response as { is_success?: unknown } | undefined;
    if (body?.is_success !== true) return transient(`PDD ${PDD_STOCK_TYPE}: is_success is not true`);
    return ok({ quantityAfter: null });
  } catch (err) {
    return pddStockError(err);
  }
}

async function readQuantity(shop: ShopConfig, listing: ListingRef): Promise<Result<number>> {
  const missing = missingCredentials(shop);
  if (missing) return missing;
  try {
    const json = await callPdd(shop, PDD_SKU_GET_TYPE, { goods_id: listing.itemId, sku_id: listing.skuId }, timed(shop));
    const quantity = Number((json.goods_sku_get_response as { quantity?: unknown } | undefined)?.quantity);
    return Number.isSafeInteger(quantity) ? ok(quantity) : transient(`PDD ${PDD_SKU_GET_TYPE}: no quantity in the response`);
  } catch (err) {
    return pddStockError(err);
  }
}

export const pinduoduoStock: StockApi = {
  writes: ['SET', 'INCREMENT'],
  idempotentIncrements: false,
  rateLimit: {
    perSecond: 20,
    source:
      'unverified: no documented figure for pdd.goods.quantity.update found (flow control answers 70031); pdd.goods.skus.get is listed at 1000 calls/s per app',
  },
  set: (shop, listing, quantity) => updateQuantity(shop, listing, quantity, '1'),
  increment: (shop, listing, delta) => updateQuantity(shop, listing, delta, '2'),
  read: readQuantity,
};
