import type { Push } from './plan.js';
import { type Answer, type GatewayClient, percentile, TokenBucket } from './send.js';

export interface RunOptions<T> {
  client: GatewayClient;
  items: readonly T[];
  /** Turns an item into a signed request at send time (lazy signing keeps timestamps fresh). */
  toPush: (item: T) => Push;
  concurrency: number;
  /** Pushes per second; 0 or Infinity: as fast as the concurrency allows. */
  rate?: number;
  /** 503 means "not stored, retry" (Kafka down, or the same event in flight): retry like a platform. */
  retries503?: number;
  retryDelayMs?: number;
  onAnswer?: (done: number, answer: Answer) => void;
}

export interface RunResult {
  pushes: number;
  requests: number;
  retries: number;
  seconds: number;
  /** "200 accepted", "200 acked", "401 rejected"… → count, final answers only. */
  byAnswer: Map<string, number>;
  /** Every request's time to answer, ms, sorted. */
  latencies: Float64Array;
  p50: number;
  p99: number;
  /** Answers that contradict what the push should get (a valid push refused, a first delivery seen as a duplicate). */
  unexpected: { push: Pick<Push, 'seq' | 'channel' | 'stage' | 'expect'>; status: number; outcome: string; reason?: string }[];
  unexpectedCount: number;
}

/** Does the answer fit the push? Ack bodies hide the outcome, so "acked" fits both expectations. */
export function answerFits(push: Pick<Push, 'expect'>, a: Pick<Answer, 'status' | 'outcome'>): boolean {
  if (a.status !== 200) return false;
  return a.outcome === 'acked' || a.outcome === push.expect;
}

export async function runPushes<T>(o: RunOptions<T>): Promise<RunResult> {
  const bucket = new TokenBucket(o.rate ?? 0);
  const latencies: number[] = [];
  const byAnswer = new Map<string, number>();
  const unexpected: RunResult['unexpected'] = [];
  let unexpectedCount = 0;
  let next = 0;
  let done = 0;
  let retries = 0;
  const started = performance.now();

  await Promise.all(
    Array.from({ length: Math.max(1, o.concurrency) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= o.items.length) return;
        await bucket.take();
        let push = o.toPush(o.items[i]!);
        let answer = await o.client.post(push.path, push.headers, push.body);
        latencies.push(answer.ms);
        for (let attempt = 1; answer.status === 503 && attempt <= (o.retries503 ?? 3); attempt++) {
          retries++;
          await new Promise((r) => setTimeout(r, (o.retryDelayMs ?? 250) * attempt));
          push = o.toPush(o.items[i]!);
          answer = await o.client.post(push.path, push.headers, push.body);
          latencies.push(answer.ms);
        }
        const key = `${answer.status} ${answer.outcome}`;
        byAnswer.set(key, (byAnswer.get(key) ?? 0) + 1);
        if (!answerFits(push, answer)) {
          unexpectedCount++;
          if (unexpected.length < 20)
            unexpected.push({
              push: { seq: push.seq, channel: push.channel, stage: push.stage, expect: push.expect },
              status: answer.status,
              outcome: answer.outcome,
              reason: answer.reason,
            });
        }
        done++;
        o.onAnswer?.(done, answer);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    pushes: o.items.length,
    requests: latencies.length,
    retries,
    seconds,
    byAnswer,
    latencies: sorted,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    unexpected,
    unexpectedCount,
  };
}

export function formatCounts(m: ReadonlyMap<string, number>): string {
  return (
    [...m.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k} × ${n}`)
      .join(', ') || '(none)'
  );
}

/** Difference of two counter snapshots, zero entries dropped. */
export function counterDelta(before: ReadonlyMap<string, number> | undefined, after: ReadonlyMap<string, number> | undefined): Map<string, number> | undefined {
  if (!before || !after) return undefined;
  const out = new Map<string, number>();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d !== 0) out.set(k, d);
  }
  return out;
}
