import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap', () => {
    const top = () => 1; // the largest jitter: the full exponential step
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelay(a, DEFAULT_RETRY, top))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('never waits less than half the step, nor more than the step', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
      const step = Math.min(DEFAULT_RETRY.maxMs, DEFAULT_RETRY.baseMs * 2 ** (attempt - 1));
      const d = backoffDelay(attempt, DEFAULT_RETRY, () => r);
      return d >= Math.floor(step / 2) && d <= step;
    }));
  });
});
