import { ApiError } from '../../lib/errors.js';
import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { type ListingRef, rateLimited, STOCK_FAILURES, type StockAck, type StockApi } from '../stock-api.js';
import { callTop, type TopCallOptions, taobaoCredentials } from './api.js';

/*
 * Listing stock over TOP: taobao.item.quantity.update (num_iid, sku_id, quantity, type 1 = set,
 * 2 = increment; a negative increment may not take the stock below 0) and taobao.item.sku.get
 * (a SKU's quantity) / taobao.item.seller.get (an item's num) to read back. TOP keeps no
 * idempotency key for this call, so a retried increment may apply twice: the sink should prefer SET.
 *
 * ListingRef: itemId = num_iid; skuId = sku_id, or num_iid again for an item without SKUs (then
 * sku_id is left out and the item's own stock is written).
 */
export const TAOBAO_STOCK_METHOD = 'taobao.item.quantity.update';
export const TAOBAO_SKU_GET_METHOD = 'taobao.item.sku.get';
export const TAOBAO_ITEM_GET_METHOD = 'taobao.item.seller.get';
/** How long a stock call may take before it counts as lost (credentials.stockTimeoutMs overrides). */
export const TAOBAO_STOCK_TIMEOUT_MS = 5_000;

const NOT_FOUND = /not-exist|not-found|不存在/i;
const BAN_SECONDS = /(\d+)\s*more seconds/i;

function timed(shop: ShopConfig): TopCallOptions {
  const ms = Number(shop.credentials?.stockTimeoutMs ?? TAOBAO_STOCK_TIMEOUT_MS);
  return { fetchImpl: (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(ms) }) };
}

const hasSku = (listing: ListingRef) => listing.skuId !== listing.itemId;

/** A failed TOP call → a stock Result: code 7 / accesscontrol.* → rate_limited; unknown item or SKU → not_found. */
export function taobaoStockError(err: unknown): Result<never> {
  if (!(err instanceof ApiError)) return transient(`taobao: ${(err as Error).message}`);
  const code = err.platformCode ?? '';
  if (code === '7' || code.startsWith('accesscontrol.')) {
    const seconds = BAN_SECONDS.exec(err.message)?.[1];
    return rateLimited(err.message, seconds === undefined ? undefined : Number(seconds) * 1000);
  }
  if (NOT_FOUND.test(`${code} ${err.message}`)) return fail(err.message, { code: STOCK_FAILURES.notFound, retryable: false });
  return err.retryable ? transient(err.message) : permanent(err.message);
}

interface UpdatedItem {
  num?: unknown;
  skus?: { sku?: Array<{ sku_id?: unknown; quantity?: unknown }> };
}

function quantityAfter(item: UpdatedItem | undefined, listing: ListingRef): number | null {
  const value = hasSku(listing) ? item?.skus?.sku?.find((s) => String(s.sku_id) === listing.skuId)?.quantity : item?.num;
  return typeof value === 'number' ? value : null;
}

/** A misconfigured shop: no call is made, and no retry helps. */
function missingCredentials(shop: ShopConfig): Result<never> | undefined {
  try {
    taobaoCredentials(shop);
    return undefined;
  } catch (err) {
    return permanent((err as Error).message);
  }
}

async function updateQuantity(shop: ShopConfig, listing: ListingRef, quantity: number, type: '1' | '2'): Promise<Result<StockAck>> {
  const missing = missingCredentials(shop);
  if (missing) return missing;
  const params: Record<string, string> = { num_iid: listing.itemId, quantity: String(quantity), type };
  if (hasSku(listing)) params.sku_id = listing.skuId;
  try {
    const json = await callTop(shop, TAOBAO_STOCK_METHOD, params, timed(shop));
    const item = (json.item_quantity_update_response as { item?: UpdatedItem } | undefined)?.item;
    if (!item) return transient(`TOP ${TAOBAO_STOCK_METHOD}: no item in the response`);
    return ok({ quantityAfter: quantityAfter(item, listing) });
  } catch (err) {
    return taobaoStockError(err);
  }
}

async function readQuantity(shop: ShopConfig, listing: ListingRef): Promise<Result<number>> {
  const missing = missingCredentials(shop);
  if (missing) return missing;
  try {
    if (hasSku(listing)) {
      const json = await callTop(
        shop,
        TAOBAO_SKU_GET_METHOD,
        { fields: 'sku_id,num_iid,quantity', num_iid: listing.itemId, sku_id: listing.skuId },
        timed(shop),
      );
      const quantity = (json.item_sku_get_response as { sku?: { quantity?: unknown } } | undefined)?.sku?.quantity;
      return typeof quantity === 'number' ? ok(quantity) : transient(`TOP ${TAOBAO_SKU_GET_METHOD}: no sku.quantity in the response`);
    }
    const json = await callTop(shop, TAOBAO_ITEM_GET_METHOD, { fields: 'num_iid,num', num_iid: listing.itemId }, timed(shop));
    const num = (json.item_seller_get_response as { item?: { num?: unknown } } | undefined)?.item?.num;
    return typeof num === 'number' ? ok(num) : transient(`TOP ${TAOBAO_ITEM_GET_METHOD}: no item.num in the response`);
  } catch (err) {
    return taobaoStockError(err);
  }
}

export const taobaoStock: StockApi = {
  writes: ['SET', 'INCREMENT'],
  idempotentIncrements: false,
  rateLimit: {
    perSecond: 20,
    source: 'unverified: TOP meters calls per app per day and throttles per API (code 7, accesscontrol.*); 20/s is our conservative guess',
  },
  set: (shop, listing, quantity) => updateQuantity(shop, listing, quantity, '1'),
  increment: (shop, listing, delta) => updateQuantity(shop, listing, delta, '2'),
  read: readQuantity,
};
