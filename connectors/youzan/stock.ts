import { ApiError, isRetryableStatus } from '../../lib/errors.js';
import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { type ListingRef, rateLimited, STOCK_FAILURES, type StockAck, type StockApi } from '../stock-api.js';
import { DEFAULT_ENDPOINT } from './pull.js';
import { GW_RATE_LIMITED, GW_TOKEN_EXPIRED } from './ship.js';
import { cachedYouzanToken, forgetYouzanToken } from './token-cache.js';

/*
 * Listing stock on Youzan (有赞云), authenticated by access_token like pull and ship:
 *   POST /api/youzan.item.quantity.update/3.0.0?access_token=…  {item_id, sku_id?, quantity, type}
 *        type 0 = full (set), 1 = incremental (quantity may be negative) → {success:true, code:200}
 *   POST /api/youzan.item.get/3.0.0?access_token=…  {item_id} → {success:true, data:{item:{quantity, skus:[{sku_id, quantity}]}}}
 * No idempotency key: a retried increment whose answer was lost may apply twice.
 * ListingRef: itemId = item_id; skuId = sku_id, or the item id again for an item without SKUs
 * (then sku_id is left out and the item's own stock is written).
 */
export const QUANTITY_UPDATE_PATH = '/api/youzan.item.quantity.update/3.0.0';
export const ITEM_GET_PATH = '/api/youzan.item.get/3.0.0';
/** Default wait for an answer; credentials.stockTimeoutMs overrides it. */
export const STOCK_TIMEOUT_MS = 5_000;

export const QUANTITY_TYPE = { set: 0, increment: 1 } as const;

/** Business codes (success:false). UNVERIFIED stand-ins shared with the simulator. */
export const YOUZAN_STOCK_CODES = {
  itemNotFound: 141_500_101,
  skuNotFound: 141_500_102,
  stockShort: 141_500_103,
} as const;
const NOT_FOUND: ReadonlySet<number> = new Set([YOUZAN_STOCK_CODES.itemNotFound, YOUZAN_STOCK_CODES.skuNotFound]);

interface Envelope {
  success?: boolean;
  code?: number;
  message?: string | null;
  data?: unknown;
  gw_err_resp?: { err_code?: number; err_msg?: string };
}

function timeoutOf(shop: ShopConfig): number {
  const raw = Number(shop.credentials?.stockTimeoutMs);
  return Number.isFinite(raw) && raw > 0 ? raw : STOCK_TIMEOUT_MS;
}

/** A Youzan answer → the envelope's data, or a failure with the stock codes the sink understands. */
export function youzanStockResult(path: string, httpStatus: number, answer: Envelope | undefined, tokenWasFetched: boolean): Result<unknown> {
  if (isRetryableStatus(httpStatus)) return transient(`Youzan ${path} answered HTTP ${httpStatus}`);
  if (!answer) return transient(`Youzan ${path} answered HTTP ${httpStatus} without JSON`);
  const gw = answer.gw_err_resp;
  if (gw) {
    const reason = `Youzan gateway error ${gw.err_code ?? '?'} ${gw.err_msg ?? ''}`.trim();
    if (gw.err_code === GW_RATE_LIMITED) return rateLimited(reason);
    if (gw.err_code === GW_TOKEN_EXPIRED && tokenWasFetched) return transient(reason);
    return permanent(reason);
  }
  if (answer.success === true) return ok(answer.data);
  const reason = `Youzan ${path} refused: ${answer.code ?? '?'} ${answer.message ?? ''}`.trim();
  if (NOT_FOUND.has(Number(answer.code))) return fail(reason, { code: STOCK_FAILURES.notFound, retryable: false });
  return permanent(reason);
}

async function call(shop: ShopConfig, path: string, body: Record<string, unknown>): Promise<Result<unknown>> {
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
  if (answer?.gw_err_resp?.err_code === GW_TOKEN_EXPIRED) forgetYouzanToken(shop);
  return youzanStockResult(path, response.status, answer, !shop.credentials?.accessToken);
}

/** item_id, and sku_id unless the listing is the item itself (no SKUs). */
function target(listing: ListingRef): Record<string, string> {
  return listing.skuId === listing.itemId ? { item_id: listing.itemId } : { item_id: listing.itemId, sku_id: listing.skuId };
}

async function update(shop: ShopConfig, listing: ListingRef, type: number, quantity: number): Promise<Result<StockAck>> {
  const answer = await call(shop, QUANTITY_UPDATE_PATH, { ...target(listing), quantity, type });
  return answer.ok ? ok({ quantityAfter: null }) : answer;
}

interface ItemData {
  item?: { quantity?: unknown; skus?: Array<{ sku_id?: unknown; quantity?: unknown }> };
}

export const youzanStock: StockApi = {
  writes: ['INCREMENT', 'SET'],
  idempotentIncrements: false,
  rateLimit: { perSecond: 10, source: 'unverified: no documented per-app QPS for youzan.item.quantity.update found; a conservative guess' },
  set: (shop, listing, quantity) => {
    if (!Number.isSafeInteger(quantity) || quantity < 0) return Promise.resolve(permanent(`stock quantity must be a whole number ≥ 0: ${quantity}`));
    return update(shop, listing, QUANTITY_TYPE.set, quantity);
  },
  increment: (shop, listing, delta) => {
    if (!Number.isSafeInteger(delta)) return Promise.resolve(permanent(`stock delta must be a whole number: ${delta}`));
    if (delta === 0) return Promise.resolve(ok({ quantityAfter: null }));
    return update(shop, listing, QUANTITY_TYPE.increment, delta);
  },
  read: async (shop, listing) => {
    const answer = await call(shop, ITEM_GET_PATH, { item_id: listing.itemId });
    if (!answer.ok) return answer;
    const item = (answer.value as ItemData | undefined)?.item;
    const quantity = listing.skuId === listing.itemId ? item?.quantity : item?.skus?.find((sku) => String(sku.sku_id) === listing.skuId)?.quantity;
    if (item && quantity === undefined)
      return fail(`Youzan item ${listing.itemId} has no SKU ${listing.skuId}`, { code: STOCK_FAILURES.notFound, retryable: false });
    const value = Number(quantity);
    if (!Number.isSafeInteger(value)) return permanent(`Youzan ${ITEM_GET_PATH} answered without the stock quantity`);
    return ok(value);
  },
};
