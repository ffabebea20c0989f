import type { StockRateLimit } from '../../connectors/stock-api.js';

/**
 * A platform's call budget for one app in one shop (a token bucket at the documented rate), plus a
 * per-listing limit where the platform has one. `wait()` is how long until a call may go.
 */
export class RateBudget {
  private tokens: number;
  private refilledAt: number;
  private readonly perListing = new Map<string, number[]>();
  /** The platform said to wait until then (a rate-limit answer with Retry-After). */
  private pausedUntil = 0;

  constructor(
    private readonly limit: StockRateLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limit.burst ?? limit.perSecond;
    this.refilledAt = now();
  }

  private refill(): void {
    const at = this.now();
    this.tokens = Math.min(this.limit.burst ?? this.limit.perSecond, this.tokens + ((at - this.refilledAt) / 1000) * this.limit.perSecond);
    this.refilledAt = at;
  }

  /** Milliseconds until a call for `listingKey` fits the budget (0: now). */
  wait(listingKey: string): number {
    this.refill();
    const at = this.now();
    let wait = Math.max(0, this.pausedUntil - at);
    if (this.tokens < 1) wait = Math.max(wait, Math.ceil(((1 - this.tokens) / this.limit.perSecond) * 1000));
    const max = this.limit.perListingPerSecond;
    if (max !== undefined) {
      const recent = (this.perListing.get(listingKey) ?? []).filter((t) => at - t < 1000);
      this.perListing.set(listingKey, recent);
      if (recent.length >= max) wait = Math.max(wait, 1000 - (at - recent[0]!));
    }
    return wait;
  }

  /** Spends one call (after wait() said 0). */
  take(listingKey: string): void {
    this.refill();
    this.tokens -= 1;
    if (this.limit.perListingPerSecond !== undefined) this.perListing.set(listingKey, [...(this.perListing.get(listingKey) ?? []), this.now()]);
  }

  /** The platform refused for rate: no call until `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.tokens = Math.min(this.tokens, 0);
  }
}
