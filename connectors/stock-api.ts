import type { Result } from '../lib/result.js';
import type { ShopConfig } from './contract.js';

/*
 * Stock sync's side of a connector: how the hub tells a platform how many units a listing may
 * sell. Platforms differ (a full set, an increment, a compare-and-set; idempotency keys or not;
 * reading back or not), so each connector says what its platform offers and sinks/stock-push
 * picks the safest write it has. Failures use these codes, so the sink can react without parsing
 * platform text.
 */

/** A listing: the platform's item (product) id and its SKU id (the SKU id is the item id for single-SKU items). */
export interface ListingRef {
  itemId: string;
  skuId: string;
}

/** The write a platform offers. CAS: "set to N if it is still M" (Shopify's compareQuantity). */
export type StockWrite = 'SET' | 'INCREMENT' | 'CAS';

/** Failure codes of stock calls (Failure.code). */
export const STOCK_FAILURES = {
  /** Too many calls: wait `retryAfterMs` if the platform said, else back off. Retryable. */
  rateLimited: 'rate_limited',
  /** CAS only: the listing no longer holds the expected quantity; `actual` carries what it holds. */
  casMismatch: 'cas_mismatch',
  /** Pinduoduo: stock of goods in a promotion slot cannot be reduced. Not retryable. */
  promotionLocked: 'promotion_locked',
  /** The platform does not know the item or SKU. Not retryable. */
  notFound: 'not_found',
} as const;

/** What a platform answered to a write: the quantity after it, when the answer says. */
export interface StockAck {
  /** The listing's quantity after the write as the platform reported it, null when it reports none. */
  quantityAfter: number | null;
}

export interface StockWriteOptions {
  /** Stable per intended change: a retried increment with the same key is applied once (where the platform keeps keys). */
  idempotencyKey: string;
}

/** A documented call budget, per app and shop. */
export interface StockRateLimit {
  /** Sustained calls per second for one app in one shop. */
  perSecond: number;
  /** Calls that may go at once after a quiet period. Default: perSecond. */
  burst?: number;
  /** Some platforms also limit writes per SKU (WeChat 10020112): at most this many per second per listing. */
  perListingPerSecond?: number;
  /** Where the number comes from, or "unverified: …". */
  source: string;
}

export interface StockApi {
  /** The writes this platform offers. */
  writes: readonly StockWrite[];
  /** Whether increments with the same idempotency key are applied once by the platform. */
  idempotentIncrements: boolean;
  rateLimit: StockRateLimit;
  /** Sets the sellable quantity. */
  set?(shop: ShopConfig, listing: ListingRef, quantity: number, opts: StockWriteOptions): Promise<Result<StockAck>>;
  /** Adds `delta` (negative: reduces). */
  increment?(shop: ShopConfig, listing: ListingRef, delta: number, opts: StockWriteOptions): Promise<Result<StockAck>>;
  /** Sets `quantity` only if the listing holds `expected`; otherwise fails with casMismatch. */
  compareAndSet?(shop: ShopConfig, listing: ListingRef, expected: number, quantity: number, opts: StockWriteOptions): Promise<Result<StockAck>>;
  /** Reads the listing's current sellable quantity back. */
  read?(shop: ShopConfig, listing: ListingRef): Promise<Result<number>>;
}

/** A casMismatch failure with what the listing holds now. */
export interface CasMismatch {
  ok: false;
  reason: string;
  code: typeof STOCK_FAILURES.casMismatch;
  retryable: false;
  actual: number;
}

/** A rate-limit failure, with the platform's wait when it gave one. */
export function rateLimited(reason: string, retryAfterMs?: number): Result<never> & { retryAfterMs?: number } {
  return { ok: false, reason, code: STOCK_FAILURES.rateLimited, retryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}
