import { afterEach, describe, expect, it } from 'vitest';
import { type JdSimulator, makeJdOrder, startJdSimulator, withState } from '../../simulators/jd/index.js';
import type { InboundPush, PushSink, ShopConfig } from '../contract.js';
import { jd } from './index.js';

const creds = { appKey: 'AK', accessToken: 'TK' };
const SECRET = 'jd-source-secret';

/** Plays the gateway: verify → schema → normalize, stores each eventId once, answers like ingest(). */
class RecordingSink implements PushSink {
  readonly stored = new Map<string, string>();
  readonly answers: number[] = [];
  failNext = 0;
  /** Answer 503 to everything until this instant (epoch ms). */
  failUntil = 0;
  constructor(private readonly shop: ShopConfig) {}
  async ingest(push: InboundPush) {
    if (this.failNext > 0 || Date.now() < this.failUntil) {
      this.failNext = Math.max(0, this.failNext - 1);
      this.answers.push(503);
      return { status: 503, outcome: 'unavailable', reason: 'kafka down' };
    }
    const verified = jd.verify(push, this.shop);
    if (!verified.ok) {
      this.answers.push(401);
      return { status: 401, outcome: 'rejected', reason: verified.reason };
    }
    const parsed = jd.payloadSchema.safeParse(JSON.parse(push.rawBody.toString('utf8')));
    if (!parsed.success) {
      this.answers.push(400);
      return { status: 400, outcome: 'rejected' };
    }
    const [event] = jd.normalize(parsed.data, this.shop, push);
    if (!event?.ok) {
      this.answers.push(202);
      return { status: 202, outcome: 'dead_lettered' };
    }
    const duplicate = this.stored.has(event.value.eventId);
    this.stored.set(event.value.eventId, `${event.value.channelOrderId}:${event.value.status}`);
    this.answers.push(200);
    return { status: 200, outcome: duplicate ? 'duplicate' : 'accepted' };
  }
}

const log = { info: () => {}, warn: () => {} };
const until = async (cond: () => boolean, ms = 3_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

let sim: JdSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(extra: Record<string, string> = {}) {
  sim = await startJdSimulator({ ...creds, secret: SECRET });
  const shop: ShopConfig = {
    channel: 'jd',
    shopId: 'jd-src',
    brand: 'B',
    secret: SECRET,
    endpoint: sim.url,
    credentials: { ...creds, pollIntervalMs: '40', lookbackMs: '600000', ...extra },
  };
  return { shop, sink: new RecordingSink(shop) };
}

const order = (id: string, state: string, minutesAgo: number) =>
  withState(
    makeJdOrder({ orderId: id, createdAt: new Date(Date.now() - 3_600_000), lines: [{ skuId: '9', outerSkuId: 'SKU-9', quantity: 1, price: '5.00' }] }),
    state,
    new Date(Date.now() - minutesAgo * 60_000),
  );

describe('JD polling source', () => {
  it('polls, hands sealed records to the sink, and picks up later changes', async () => {
    const { shop, sink } = await setup();
    sim!.upsertOrder(order('310000000001', 'WAIT_SELLER_STOCK_OUT', 2));
    const source = jd.createSource!(shop, sink, log);
    await source.start();
    await until(() => sink.stored.size === 1);
    sim!.upsertOrder(order('310000000001', 'WAIT_GOODS_RECEIVE_CONFIRM', 0));
    await until(() => sink.stored.size === 2);
    await source.stop();
    expect([...sink.stored.values()].sort()).toEqual(['310000000001:PAID', '310000000001:SHIPPED']);
    expect(sink.answers.every((s) => s === 200)).toBe(true); // every record verified (sealed) and parsed
  });

  it('does not count a record refused with 503 as done: it comes again and is stored once', async () => {
    const { shop, sink } = await setup();
    sim!.upsertOrder(order('310000000002', 'WAIT_SELLER_STOCK_OUT', 1));
    sink.failNext = 2;
    const source = jd.createSource!(shop, sink, log);
    await source.start();
    await until(() => sink.stored.size === 1 && sink.answers.length >= 4);
    await source.stop();
    expect(sink.answers.slice(0, 3)).toEqual([503, 503, 200]);
    expect(sink.stored.size).toBe(1);
  });

  it('retries from the failed window even after it slid out of the lookback', async () => {
    // lookback 1.5 s; the sink fails for 2.6 s, after which the normal window [now − 1.5 s, now)
    // no longer reaches the order: only the remembered failed window brings it back.
    const { shop, sink } = await setup({ lookbackMs: '1500' });
    sim!.upsertOrder(order('310000000003', 'FINISHED_L', 0));
    sink.failUntil = Date.now() + 2_600;
    const source = jd.createSource!(shop, sink, log);
    await source.start();
    await until(() => sink.stored.size === 1, 5_000);
    await source.stop();
    expect(sink.answers).toContain(503);
    expect([...sink.stored.values()]).toEqual(['310000000003:COMPLETED']);
  }, 10_000);

  it('stops cleanly: no requests after stop()', async () => {
    const { shop, sink } = await setup();
    const source = jd.createSource!(shop, sink, log);
    await source.start();
    await until(() => sim!.requestCount() >= 2);
    await source.stop();
    const count = sim!.requestCount();
    await new Promise((r) => setTimeout(r, 150));
    expect(sim!.requestCount()).toBe(count);
  });
});
