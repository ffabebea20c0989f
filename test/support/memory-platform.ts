import type { ListingRef, StockApi, StockRateLimit, StockWrite } from '../../connectors/stock-api.js';
import { rateLimited, STOCK_FAILURES } from '../../connectors/stock-api.js';
import { fail, ok, transient } from '../../lib/result.js';
import { ListingStore, type WriteOutcome, withStockFault } from '../../simulators/kit/listings.js';

/*
 * A platform's stock API in-process, over the simulators' ListingStore: for the pipeline tests of
 * stock sync, which are about the hub's side (coalescing, ordering, read-back, restarts), not about
 * one platform's wire format (each channel's own stock test covers that against its simulator).
 * Faults and rate limits behave as the store injects them.
 */
export interface MemoryPlatform {
  store: ListingStore;
  api: StockApi;
  calls: { write: StockWrite | 'READ'; listing: string; value: number }[];
}

export function memoryPlatform(opts: { writes: StockWrite[]; idempotentIncrements: boolean; read: boolean; rateLimit?: StockRateLimit }): MemoryPlatform {
  const store = new ListingStore({ ratePerSecond: opts.rateLimit?.perSecond, burst: opts.rateLimit?.burst });
  const calls: MemoryPlatform['calls'] = [];
  const key = (l: ListingRef) => `${l.itemId}/${l.skuId}`;
  const answer = async (listing: ListingRef, write: () => WriteOutcome) => {
    if (!store.admitCall(key(listing))) return rateLimited('memory platform: rate limited', 50);
    const done = await withStockFault(store, write, (): WriteOutcome => ({ ok: true, quantityAfter: store.get(listing.itemId, listing.skuId)?.quantity ?? 0 }));
    if ('fault' in done) return done.fault === 'rate-limit' ? rateLimited('memory platform: rate limited', 50) : transient('memory platform: 503');
    const outcome = done.value;
    if (outcome.ok) return ok({ quantityAfter: outcome.quantityAfter });
    if (outcome.code === 'cas_mismatch')
      return { ok: false as const, reason: 'quantity changed', code: STOCK_FAILURES.casMismatch, retryable: false, actual: outcome.actual };
    return fail(`memory platform: ${outcome.code}`, { code: outcome.code, retryable: false });
  };
  const api: StockApi = {
    writes: opts.writes,
    idempotentIncrements: opts.idempotentIncrements,
    rateLimit: opts.rateLimit ?? { perSecond: 1000, source: 'test' },
    ...(opts.writes.includes('SET')
      ? {
          set: (_shop, listing, quantity) => {
            calls.push({ write: 'SET', listing: key(listing), value: quantity });
            return answer(listing, () => store.set(listing.itemId, listing.skuId, quantity));
          },
        }
      : {}),
    ...(opts.writes.includes('INCREMENT')
      ? {
          increment: (_shop, listing, delta, { idempotencyKey }) => {
            calls.push({ write: 'INCREMENT', listing: key(listing), value: delta });
            return answer(listing, () => store.increment(listing.itemId, listing.skuId, delta, opts.idempotentIncrements ? idempotencyKey : undefined));
          },
        }
      : {}),
    ...(opts.writes.includes('CAS')
      ? {
          compareAndSet: (_shop, listing, expected, quantity) => {
            calls.push({ write: 'CAS', listing: key(listing), value: quantity });
            return answer(listing, () => store.compareAndSet(listing.itemId, listing.skuId, expected, quantity));
          },
        }
      : {}),
    ...(opts.read
      ? {
          read: async (_shop, listing) => {
            calls.push({ write: 'READ', listing: key(listing), value: 0 });
            const state = store.get(listing.itemId, listing.skuId);
            return state ? ok(state.quantity) : fail('not found', { code: STOCK_FAILURES.notFound, retryable: false });
          },
        }
      : {}),
  };
  return { store, api, calls };
}
