import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { backoffDelay, mayRetry, type RetryPolicy, withRetry } from './retry.js';

const policy: RetryPolicy = { attempts: 4, baseMs: 200, maxMs: 5_000, budgetMs: 8_000 };

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap', () => {
    const top = () => 1; // the largest jitter: the full exponential step
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelay(a, policy, top))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
    expect([1, 2, 3, 20].map((a) => backoffDelay(a, { baseMs: 100, maxMs: 1000 }, top))).toEqual([100, 200, 400, 1000]);
  });

  it('never waits less than half the step, nor more than the step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const step = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
        const d = backoffDelay(attempt, policy, () => r);
        return d >= Math.floor(step / 2) && d <= step;
      }),
    );
  });
});

describe('mayRetry', () => {
  it('allows another attempt while attempts and budget last', () => {
    expect(mayRetry(policy, 1, 0, 250)).toBe(true);
    expect(mayRetry(policy, 4, 0, 250)).toBe(false);
    expect(mayRetry(policy, 2, 7_900, 250)).toBe(false);
    expect(mayRetry({ attempts: 3, baseMs: 1, maxMs: 1 }, 2, 1e9, 1e9)).toBe(true); // no budget: attempts only
  });
});

describe('withRetry', () => {
  /** A clock that moves only when the retry loop sleeps. */
  const clock = () => {
    let t = 0;
    const sleeps: number[] = [];
    return {
      sleeps,
      now: () => t,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        t += ms;
      },
      random: () => 1,
    };
  };

  it('retries what retryOn says until a value passes, waiting the backoff between attempts', async () => {
    const c = clock();
    const answers = ['busy', 'busy', 'done'];
    const seen: number[] = [];
    const out = await withRetry(
      policy,
      async (n) => {
        seen.push(n);
        return answers[n - 1]!;
      },
      { ...c, retryOn: (v) => v === 'busy' },
    );
    expect(out).toEqual({ value: 'done', attempts: 3 });
    expect(seen).toEqual([1, 2, 3]);
    expect(c.sleeps).toEqual([200, 400]);
  });

  it('returns the last failed value once the attempts are spent', async () => {
    const c = clock();
    const retried: number[] = [];
    const out = await withRetry(policy, async () => 'busy', {
      ...c,
      retryOn: () => true,
      onRetry: (n) => {
        retried.push(n);
      },
    });
    expect(out).toEqual({ value: 'busy', attempts: 4 });
    expect(retried).toEqual([1, 2, 3]);
  });

  it('stops before a wait that would overrun the budget', async () => {
    const c = clock();
    const out = await withRetry({ attempts: 10, baseMs: 1_000, maxMs: 1_000, budgetMs: 2_500 }, async () => 'busy', { ...c, retryOn: () => true });
    expect(out.attempts).toBe(3);
    expect(c.sleeps).toEqual([1_000, 1_000]);
  });

  it('retries errors that are retryable and rethrows the others at once', async () => {
    const c = clock();
    let calls = 0;
    const out = await withRetry(
      policy,
      async () => {
        if (++calls < 3) throw new ApiError('sim', 'HTTP 503', { status: 503 });
        return 'ok';
      },
      c,
    );
    expect(out).toEqual({ value: 'ok', attempts: 3 });
    calls = 0;
    const refused = withRetry(
      policy,
      async () => {
        calls++;
        throw new ApiError('sim', 'HTTP 400', { status: 400 });
      },
      c,
    );
    await expect(refused).rejects.toMatchObject({ api: 'sim', status: 400, retryable: false });
    expect(calls).toBe(1);
  });
});
