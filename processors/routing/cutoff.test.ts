import { Cron } from 'croner';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutoffPattern, nextCutoff } from './cutoff.js';

/** The answer without any reuse: a fresh schedule per question. */
function uncached(cutoff: string, at: number, timezone: string): number {
  const job = new Cron(cutoffPattern(cutoff), { timezone, paused: true });
  const next = job.nextRun(new Date(at))!.getTime();
  job.stop();
  return next;
}

const DAY = 24 * 3600_000;
const START = Date.parse('2026-11-20T00:00:00+08:00');

describe('nextCutoff reuse', () => {
  it('answers like a fresh schedule for any sequence of times, cut-offs and zones (back and forth, on the boundary)', () => {
    const at = fc.oneof(
      fc.integer({ min: START, max: START + 10 * DAY }),
      // Right around a 16:00 Shanghai cut-off, to hit the [from, next) edges.
      fc.integer({ min: -2000, max: 2000 }).map((d) => Date.parse('2026-11-25T16:00:00+08:00') + d),
    );
    const question = fc.record({
      cutoff: fc.constantFrom('16:00', '17:30', '0 0 15 * * 1-6', '00:00'),
      timezone: fc.constantFrom('Asia/Shanghai', 'UTC'),
      at,
    });
    fc.assert(
      fc.property(fc.array(question, { minLength: 1, maxLength: 30 }), (qs) => {
        for (const q of qs) expect(nextCutoff(q.cutoff, q.at, q.timezone)).toBe(uncached(q.cutoff, q.at, q.timezone));
      }),
      { numRuns: 200 },
    );
  });
});
