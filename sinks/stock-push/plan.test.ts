import { describe, expect, it } from 'vitest';
import type { StockApi } from '../../connectors/stock-api.js';
import { RateBudget } from './budget.js';
import { mayResend, planWrite, reassertWrite } from './plan.js';

const api = (writes: StockApi['writes'], idempotentIncrements: boolean): StockApi => ({
  writes,
  idempotentIncrements,
  rateLimit: { perSecond: 10, source: 'test' },
});
const setOnly = api(['SET'], false);
const shopify = api(['SET', 'INCREMENT', 'CAS'], true);
const kuaishou = api(['INCREMENT'], false);
const wechat = api(['SET', 'INCREMENT'], false);

describe('which write brings a listing to its target', () => {
  it('a set where increments are not deduplicated', () => {
    expect(planWrite(setOnly, { seq: 3, target: 5, hubSold: 2 }, { seq: 2, target: 7, hubSold: 0, baselined: true })).toEqual({ write: 'SET', quantity: 5 });
    expect(planWrite(wechat, { seq: 1, target: 5, hubSold: 0 }, null)).toEqual({ write: 'SET', quantity: 5 });
  });

  it('idempotent increments: first a set, then the change of target plus the change of what the channel took itself', () => {
    expect(planWrite(shopify, { seq: 1, target: 10, hubSold: 0 }, null)).toEqual({ write: 'SET', quantity: 10 });
    // The channel sold 1 (hubSold +1) and the hub's target fell by 1 for it: nothing to write.
    expect(planWrite(shopify, { seq: 2, target: 9, hubSold: 1 }, { seq: 1, target: 10, hubSold: 0, baselined: true })).toEqual({ write: 'NONE' });
    // Another channel sold 3: −3.
    expect(planWrite(shopify, { seq: 3, target: 6, hubSold: 1 }, { seq: 2, target: 9, hubSold: 1, baselined: true })).toEqual({
      write: 'INCREMENT',
      delta: -3,
    });
  });

  it('increments only: read the listing first when there is no baseline', () => {
    expect(planWrite(kuaishou, { seq: 1, target: 10, hubSold: 0 }, null)).toEqual({ write: 'READ_THEN_INCREMENT' });
    expect(planWrite(kuaishou, { seq: 2, target: 4, hubSold: 0 }, { seq: 1, target: 10, hubSold: 0, baselined: true })).toEqual({
      write: 'INCREMENT',
      delta: -6,
    });
  });

  it('after a lost answer: resend sets and deduplicated increments, and non-deduplicated reductions only', () => {
    expect(mayResend(setOnly, { write: 'SET', quantity: 3 })).toBe(true);
    expect(mayResend(shopify, { write: 'INCREMENT', delta: 5 })).toBe(true);
    expect(mayResend(kuaishou, { write: 'INCREMENT', delta: -5 })).toBe(true);
    expect(mayResend(kuaishou, { write: 'INCREMENT', delta: 5 })).toBe(false);
  });

  it('re-asserting after a read-back: compare-and-set where offered, else a set, else the difference', () => {
    expect(reassertWrite(shopify, 4, 7)).toEqual({ write: 'CAS', expected: 7, quantity: 4 });
    expect(reassertWrite(setOnly, 4, 7)).toEqual({ write: 'SET', quantity: 4 });
    expect(reassertWrite(kuaishou, 4, 7)).toEqual({ write: 'INCREMENT', delta: -3 });
  });
});

describe('rate budget', () => {
  it('lets a burst through, then one call per 1/rate seconds; a platform pause holds every call', () => {
    let now = 0;
    const budget = new RateBudget({ perSecond: 10, burst: 3, source: 'test' }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(budget.wait('x')).toBe(0);
      budget.take('x');
    }
    expect(budget.wait('x')).toBe(100);
    now += 100;
    expect(budget.wait('x')).toBe(0);
    budget.take('x');
    budget.pause(1_000);
    now += 500;
    expect(budget.wait('x')).toBe(500);
  });

  it('keeps a per-listing limit apart from the shop budget', () => {
    let now = 0;
    const budget = new RateBudget({ perSecond: 100, perListingPerSecond: 2, source: 'test' }, () => now);
    budget.take('a');
    budget.take('a');
    expect(budget.wait('a')).toBe(1000);
    expect(budget.wait('b')).toBe(0);
    now += 1000;
    expect(budget.wait('a')).toBe(0);
  });
});
