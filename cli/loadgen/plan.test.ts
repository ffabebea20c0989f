import { describe, expect, it } from 'vitest';
import { withDetailMarked, type InboundPush } from '../../connectors/contract.js';
import { CONNECTORS } from '../../connectors/registry.js';
import { buildLoad, planLoad } from './plan.js';
import { freshShops, WEBHOOK_CHANNELS } from './shops.js';

const shops = freshShops(WEBHOOK_CHANNELS, 2);
const NOW = Date.now();
const opts = { orders: 600, channels: WEBHOOK_CHANNELS, shops, seed: 42, duplicates: 0.1, reorder: 0.05, cancel: 0.1, now: NOW };

/** What the gateway does with a request, minus Kafka and Redis: verify → decode → parse → normalize. */
function ingestOffline(push: { channel: string; shopId: string; path: string; headers: Record<string, string>; body: string }) {
  const connector = CONNECTORS[push.channel]!;
  const shop = shops.find((s) => s.channel === push.channel && s.shopId === push.shopId)!;
  const url = new URL(push.path, 'http://gateway');
  const headers: InboundPush['headers'] = {};
  for (const [k, v] of Object.entries(push.headers)) headers[k.toLowerCase()] = v;
  const inbound: InboundPush = { headers, query: Object.fromEntries(url.searchParams), rawBody: Buffer.from(push.body, 'utf8'), receivedAt: NOW + 1_000 };
  const verified = connector.verify(inbound, shop);
  if (!verified.ok) return { stage: 'verify', reason: verified.reason } as const;
  const text = connector.decode ? connector.decode(inbound, shop) : { ok: true as const, value: push.body };
  if (!text.ok) return { stage: 'decode', reason: text.reason } as const;
  const parsed = connector.payloadSchema.safeParse(JSON.parse(text.value));
  if (!parsed.success) return { stage: 'parse', reason: parsed.error.message } as const;
  const events = connector.normalize(parsed.data, shop, inbound);
  const bad = events.find((e) => !e.ok);
  if (bad && !bad.ok) return { stage: 'normalize', reason: bad.reason } as const;
  return { stage: 'ok', events: events.map((e) => (e.ok ? withDetailMarked(e.value) : null)!) } as const;
}

describe('loadgen buildLoad', () => {
  it('is deterministic from the seed', () => {
    const strip = (p: ReturnType<typeof buildLoad>[number]) => (p.channel === 'wechat' ? { ...p, body: '', path: p.path.replace(/msg_signature=[^&]+/, '') } : p);
    const a = buildLoad(opts).map(strip);
    const b = buildLoad(opts).map(strip);
    expect(a).toEqual(b);
    const c = buildLoad({ ...opts, seed: 43 });
    expect(c.map((p) => p.orderId)).not.toEqual(buildLoad(opts).map((p) => p.orderId));
  });

  it('covers every webhook channel with signed pushes the real connectors accept and normalize', () => {
    expect(WEBHOOK_CHANNELS).toEqual(['douyin', 'kuaishou', 'meituan', 'shopify', 'wechat', 'youzan']);
    const pushes = buildLoad(opts);
    const failures = pushes.map((p) => ({ p, r: ingestOffline(p) })).filter((x) => x.r.stage !== 'ok');
    expect(failures.slice(0, 3).map((f) => `${f.p.channel} ${f.p.stage}: ${f.r.stage} ${'reason' in f.r ? f.r.reason : ''}`)).toEqual([]);
    expect(new Set(pushes.map((p) => p.channel))).toEqual(new Set(WEBHOOK_CHANNELS));
  });

  it('gives each first delivery a new event id and each duplicate the id of its original', () => {
    const pushes = buildLoad(opts);
    const seen = new Set<string>();
    for (const p of pushes) {
      const r = ingestOffline(p);
      if (r.stage !== 'ok') throw new Error(r.reason);
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
