import { describe, expect, it } from 'vitest';
import { ingestOffline } from './offline.js';
import { buildLoad, planLoad } from './plan.js';
import { freshShops, WEBHOOK_CHANNELS } from './shops.js';

const shops = freshShops(WEBHOOK_CHANNELS, 2);
const NOW = Date.now();
const opts = { orders: 600, channels: WEBHOOK_CHANNELS, shops, seed: 42, duplicates: 0.1, reorder: 0.05, cancel: 0.1, now: NOW };

/** What the gateway does with a request, minus Kafka and Redis: verify → decode → parse → normalize. */
function ingestOk(push: Parameters<typeof ingestOffline>[0]) {
  const v = ingestOffline(push, shops, NOW + 1_000);
  if (v.stage !== 'normalized') return { ok: false as const, reason: `${v.stage}: ${v.reason}` };
  if (v.deadLetters.length) return { ok: false as const, reason: `dead letter: ${v.deadLetters[0]}` };
  return { ok: true as const, events: v.events };
}

describe('loadgen buildLoad', () => {
  it('is deterministic from the seed', () => {
    const strip = (p: ReturnType<typeof buildLoad>[number]) =>
      p.channel === 'wechat' ? { ...p, body: '', path: p.path.replace(/msg_signature=[^&]+/, '') } : p;
    const a = buildLoad(opts).map(strip);
    const b = buildLoad(opts).map(strip);
    expect(a).toEqual(b);
    const c = buildLoad({ ...opts, seed: 43 });
    expect(c.map((p) => p.orderId)).not.toEqual(buildLoad(opts).map((p) => p.orderId));
  });

  it('covers every webhook channel with signed pushes the real connectors accept and normalize', () => {
    expect(WEBHOOK_CHANNELS).toEqual(['douyin', 'kuaishou', 'meituan', 'shopify', 'wechat', 'youzan']);
    const pushes = buildLoad(opts);
    const failures = pushes.map((p) => ({ p, r: ingestOk(p) })).filter((x) => !x.r.ok);
    expect(failures.slice(0, 3).map((f) => `${f.p.channel} ${f.p.stage}: ${f.r.ok ? '' : f.r.reason}`)).toEqual([]);
    expect(new Set(pushes.map((p) => p.channel))).toEqual(new Set(WEBHOOK_CHANNELS));
  });

  it('gives each first delivery a new event id and each duplicate the id of its original', () => {
    const pushes = buildLoad(opts);
    const seen = new Set<string>();
    for (const p of pushes) {
      const r = ingestOk(p);
      if (!r.ok) throw new Error(r.reason);
      const ids = r.events.map((e) => e.eventId);
      expect(ids).toHaveLength(1);
      if (p.expect === 'accepted') expect(seen.has(ids[0]!)).toBe(false);
      else expect(seen.has(ids[0]!)).toBe(true);
      seen.add(ids[0]!);
    }
  });

  it('mixes create/pay/cancel, duplicates and reordering near the asked fractions', () => {
    const steps = planLoad({ ...opts, orders: 3000 });
    const firsts = steps.filter((s) => !s.duplicate);
    const dupShare = steps.filter((s) => s.duplicate).length / firsts.length;
    expect(dupShare).toBeGreaterThan(0.07);
    expect(dupShare).toBeLessThan(0.13);
    expect(firsts.filter((s) => s.stage === 'create')).toHaveLength(3000);
    const cancels = firsts.filter((s) => s.stage === 'cancel').length / 3000;
    expect(cancels).toBeGreaterThan(0.07);
    expect(cancels).toBeLessThan(0.13);
    // Reordered: the order's later stage comes before its earlier one in the stream.
    const position = new Map(firsts.map((s) => [`${s.order.orderId}|${s.stage}`, s.seq]));
    const early = firsts.filter((s) => s.reordered);
    expect(early.length / 3000).toBeGreaterThan(0.03);
    expect(early.length / 3000).toBeLessThan(0.07);
    for (const s of early) {
      const prev = s.stage === 'cancel' && s.order.paidBeforeCancel ? 'pay' : 'create';
      expect(s.seq).toBeLessThan(position.get(`${s.order.orderId}|${prev}`)!);
    }
    // Duplicates come later than their original, at least the gap apart.
    for (const d of steps.filter((s) => s.duplicate)) expect(d.seq).toBeGreaterThan(position.get(`${d.order.orderId}|${d.stage}`)!);
  });
});
