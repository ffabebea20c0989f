/*
 * A platform's listing stock, as every channel simulator keeps it: a sellable quantity per
 * (item id, SKU id) that the seller's stock calls set, increment or compare-and-set, and that
 * simulated buyers decrement when they buy (only while it shows stock, as a storefront does).
 * Faults are injected per call; rate limits are the platform's, per app and shop (token bucket).
 */

/** What an injected fault does to the next stock call. */
export type StockFault =
  /** Answered 5xx, nothing applied. */
  | 'server-error'
  /** The platform's rate-limit answer, nothing applied. */
  | 'rate-limit'
  /** Answered success, but the write is never applied (a known cause of overselling). */
  | 'not-applied'
  /** Applied, but the answer never arrives (the caller times out). */
  | 'timeout'
  /** Applied, answered after `slowMs`. */
  | 'slow';

export interface ListingState {
  itemId: string;
  skuId: string;
  quantity: number;
  /** Pinduoduo: goods in a promotion slot cannot have their stock reduced. */
  promotionLocked: boolean;
  /** Units buyers bought from this listing. */
  sold: number;
  /** Stock writes applied. */
  writes: number;
}

/** One change of a listing's quantity, for time-to-zero and audits. */
export interface ListingChange {
  key: string;
  at: number;
  quantity: number;
  cause: 'set' | 'increment' | 'cas' | 'sale' | 'restock';
}

export type WriteOutcome =
  | { ok: true; quantityAfter: number }
  | { ok: false; code: 'not_found' | 'promotion_locked' | 'cas_mismatch' | 'negative'; actual?: number };

const keyOf = (itemId: string, skuId: string) => `${itemId}/${skuId}`;

export class ListingStore {
  private readonly listings = new Map<string, ListingState>();
  private readonly appliedKeys = new Map<string, number>();
  private readonly faults: StockFault[] = [];
  readonly changes: ListingChange[] = [];
  /** When each listing last reached 0 (ms), removed when it shows stock again. */
  readonly zeroedAt = new Map<string, number>();
  /** Wait for 'slow' and 'timeout' faults. */
  slowMs = 2_000;
  private tokens: number;
  private refilledAt: number;
  private readonly perListingCalls = new Map<string, number[]>();

  constructor(
    private readonly opts: {
      /** Calls per second per app and shop (token bucket); Infinity: no limit. */
      ratePerSecond?: number;
      burst?: number;
      /** Writes per second per listing (WeChat's 10020112). */
      perListingPerSecond?: number;
      now?: () => number;
    } = {},
  ) {
    this.tokens = opts.burst ?? opts.ratePerSecond ?? Number.POSITIVE_INFINITY;
    this.refilledAt = this.now();
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** Adds a listing (or resets it) with `quantity` units showing. */
  put(itemId: string, skuId: string, quantity: number, extra: { promotionLocked?: boolean } = {}): ListingState {
    const state: ListingState = { itemId, skuId, quantity, promotionLocked: extra.promotionLocked ?? false, sold: 0, writes: 0 };
    this.listings.set(keyOf(itemId, skuId), state);
    this.record(state, 'restock');
    return state;
  }

  get(itemId: string, skuId: string): ListingState | undefined {
    return this.listings.get(keyOf(itemId, skuId));
  }

  all(): ListingState[] {
    return [...this.listings.values()];
  }

  /** The next `times` stock calls answer `fault`. */
  injectFaults(fault: StockFault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  /** The fault due for this call, if any (used up). */
  takeFault(): StockFault | undefined {
    return this.faults.shift();
  }

  /**
   * Whether the platform admits one more call from this app and shop now (token bucket at the
   * documented rate), and for this listing (per-listing limit). A refused call costs nothing.
   */
  admitCall(listingKey?: string): boolean {
    const now = this.now();
    const rate = this.opts.ratePerSecond ?? Number.POSITIVE_INFINITY;
    if (Number.isFinite(rate)) {
      const burst = this.opts.burst ?? rate;
      this.tokens = Math.min(burst, this.tokens + ((now - this.refilledAt) / 1000) * rate);
      this.refilledAt = now;
      if (this.tokens < 1) return false;
    }
    const perListing = this.opts.perListingPerSecond;
    if (perListing !== undefined && listingKey !== undefined) {
      const recent = (this.perListingCalls.get(listingKey) ?? []).filter((t) => now - t < 1000);
      if (recent.length >= perListing) return false;
      recent.push(now);
      this.perListingCalls.set(listingKey, recent);
    }
    if (Number.isFinite(rate)) this.tokens -= 1;
    return true;
  }

  set(itemId: string, skuId: string, quantity: number): WriteOutcome {
    const state = this.get(itemId, skuId);
    if (!state) return { ok: false, code: 'not_found' };
    if (quantity < 0) return { ok: false, code: 'negative' };
    if (state.promotionLocked && quantity < state.quantity) return { ok: false, code: 'promotion_locked' };
    state.quantity = quantity;
    state.writes += 1;
    this.record(state, 'set');
    return { ok: true, quantityAfter: state.quantity };
  }

  /**
   * Adds `delta`. With an idempotency key already applied, nothing changes and the first answer's
   * quantity is returned, as platforms that keep keys do. A result below 0 is refused.
   */
  increment(itemId: string, skuId: string, delta: number, idempotencyKey?: string): WriteOutcome {
    const state = this.get(itemId, skuId);
    if (!state) return { ok: false, code: 'not_found' };
    const scoped = idempotencyKey === undefined ? undefined : `${keyOf(itemId, skuId)}#${idempotencyKey}`;
    if (scoped !== undefined && this.appliedKeys.has(scoped)) return { ok: true, quantityAfter: this.appliedKeys.get(scoped) ?? state.quantity };
    if (state.promotionLocked && delta < 0) return { ok: false, code: 'promotion_locked' };
    if (state.quantity + delta < 0) return { ok: false, code: 'negative', actual: state.quantity };
    state.quantity += delta;
    state.writes += 1;
    if (scoped !== undefined) this.appliedKeys.set(scoped, state.quantity);
    this.record(state, 'increment');
    return { ok: true, quantityAfter: state.quantity };
  }

  compareAndSet(itemId: string, skuId: string, expected: number, quantity: number): WriteOutcome {
    const state = this.get(itemId, skuId);
    if (!state) return { ok: false, code: 'not_found' };
    if (state.quantity !== expected) return { ok: false, code: 'cas_mismatch', actual: state.quantity };
    return this.set(itemId, skuId, quantity);
  }

  /** A buyer buys `quantity` units: only while the listing shows that many. */
  sell(itemId: string, skuId: string, quantity = 1): boolean {
    const state = this.get(itemId, skuId);
    if (!state || state.quantity < quantity) return false;
    state.quantity -= quantity;
    state.sold += quantity;
    this.record(state, 'sale');
    return true;
  }

  /** Units sold across every listing. */
  totalSold(): number {
    let sum = 0;
    for (const state of this.listings.values()) sum += state.sold;
    return sum;
  }

  private record(state: ListingState, cause: ListingChange['cause']): void {
    const key = keyOf(state.itemId, state.skuId);
    const at = this.now();
    this.changes.push({ key, at, quantity: state.quantity, cause });
    if (this.changes.length > 100_000) this.changes.splice(0, 50_000);
    if (state.quantity === 0) {
      if (!this.zeroedAt.has(key)) this.zeroedAt.set(key, at);
    } else this.zeroedAt.delete(key);
  }
}

/**
 * Applies an injected fault around a write: 'not-applied' answers success without doing it,
 * 'slow' and 'timeout' wait (a timeout longer than any client waits), 'server-error' and
 * 'rate-limit' are the simulator's own answers (returned as the fault for it to render).
 */
export async function withStockFault<T>(
  store: ListingStore,
  write: () => T,
  notApplied: () => T,
): Promise<{ fault: 'server-error' | 'rate-limit' } | { value: T }> {
  const fault = store.takeFault();
  if (fault === 'server-error' || fault === 'rate-limit') return { fault };
  if (fault === 'not-applied') return { value: notApplied() };
  const value = write();
  if (fault === 'slow') await new Promise((r) => setTimeout(r, store.slowMs));
  if (fault === 'timeout') await new Promise((r) => setTimeout(r, store.slowMs * 10));
  return { value };
}
