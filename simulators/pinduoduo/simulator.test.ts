import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundPush, PushSink, ShopConfig, SourceLogger } from '../../connectors/contract.js';
import { makePinduoduoConnector } from '../../connectors/pinduoduo/index.js';
import { pullPinduoduo } from '../../connectors/pinduoduo/pull.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import { makePddOrder, type PddSimulator, SIM_PII, startPddSimulator, withPddStatus } from './index.js';

const CLIENT_ID = 'a1b2c3d4e5f6';
const SECRET = 'client-secret-1';
const TOKEN = 'pdd-access-token-1';
const MALL = 445_566_778;
let sim: PddSimulator;
let shop: ShopConfig;

beforeEach(async () => {
  sim = await startPddSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, accessToken: TOKEN, mallId: MALL, ackTimeoutMs: 300 });
  shop = {
    channel: 'pinduoduo',
    shopId: 'pdd-omni',
    brand: 'Omni',
    secret: SECRET,
    endpoint: sim.url,
    credentials: { clientId: CLIENT_ID, accessToken: TOKEN, mallId: String(MALL) },
  };
});
afterEach(async () => {
  await sim.close();
});

const t0 = Date.parse('2025-11-10T16:00:00Z');
function order(i: number, seconds: number, change = {}) {
  const o = makePddOrder({
    orderSn: `251111-${String(i).padStart(15, '0')}`,
    items: [{ outerId: `SKU-${i}`, count: 1, price: '9.90' }],
    createdAt: new Date(t0),
  });
  return withPddStatus(o, change, new Date(t0 + seconds * 1000));
}

async function collect(iter: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of iter) out.push(x);
  return out;
}

describe('pull() against the simulated PDD router', () => {
  it('pages last-to-first through pdd.order.number.list.increment.get in 30-minute windows, signed', async () => {
    for (let i = 0; i < 250; i++) sim.upsertOrder(order(i, i * 5)); // 0 … 1245 s
    sim.upsertOrder(order(900, 3 * 3600)); // outside
    const orders = (await collect(pullPinduoduo(shop, { from: new Date(t0), to: new Date(t0 + 3600_000) }))) as Array<{ order_sn: string }>;
    expect(new Set(orders.map((o) => o.order_sn)).size).toBe(250);
    const calls = sim.apiCalls.filter((c) => c.type === 'pdd.order.number.list.increment.get' && c.ok);
    // window 1 (0–1800 s): probe page 1, then pages 3, 2, 1; window 2 (1800–3600 s): empty probe.
    expect(calls).toHaveLength(5);
    const connector = makePinduoduoConnector();
    const [event] = connector.normalize(connector.payloadSchema.parse(orders[0]), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    expect(event).toMatchObject({ ok: true, value: { status: 'PAID', totalMinor: 990 } });
  });

  it("a wrong secret gets PDD's sign error", async () => {
    await expect(collect(pullPinduoduo({ ...shop, secret: 'wrong' }, { from: new Date(t0), to: new Date(t0 + 60_000) }))).rejects.toThrow(
      'PDD pdd.order.number.list.increment.get failed: 10003 sign校验失败',
    );
    expect(sim.apiCalls).toEqual([{ type: 'pdd.order.number.list.increment.get', ok: false, code: 10003 }]);
  });

  it('a stale timestamp is refused', async () => {
    await expect(collect(pullPinduoduo(shop, { from: new Date(t0), to: new Date(t0 + 60_000) }, { now: () => Date.now() - 3600_000 }))).rejects.toThrow(
      '10002',
    );
  });
});

function recordingSink(answers: number[] = []) {
  const connector = makePinduoduoConnector();
  const events: OrderEvent[] = [];
  const statuses: number[] = [];
  const pushes: InboundPush[] = [];
  const sink: PushSink = {
    async ingest(push) {
      pushes.push(push);
      const verified = connector.verify(push, shop);
      if (!verified.ok) {
        statuses.push(401);
        return { status: 401, outcome: 'rejected', reason: verified.reason };
      }
      const status = answers.shift() ?? 200;
      statuses.push(status);
      if (status >= 500) return { status, outcome: 'unavailable', reason: 'kafka down' };
      const payload = connector.payloadSchema.parse(JSON.parse(push.rawBody.toString('utf8')));
      for (const e of connector.normalize(payload, shop, push)) if (e.ok) events.push(e.value);
      return { status, outcome: 'accepted' };
    },
  };
  return { sink, events, statuses, pushes, connector };
}

const quietLog: SourceLogger = { info: () => {}, warn: () => {} };

async function until(check: () => boolean, ms = 5000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('createSource over the simulated PDD message channel', () => {
  it('stores each message with full order detail, then acknowledges it', async () => {
    const o = order(1, 10);
    sim.upsertOrder(o);
    const rec = recordingSink();
    const source = rec.connector.createSource!(shop, rec.sink, quietLog);
    await source.start();
    expect(sim.connections()).toBe(1);
    const id = sim.publish('pdd_trade_TradeConfirmed', o.order_sn);
    await until(() => sim.messages().every((m) => m.acked));
    await source.stop();
    expect(sim.messages()).toEqual([{ id, type: 'pdd_trade_TradeConfirmed', deliveries: 1, acked: true }]);
    expect(id).toBe('7300000000000000001');
    expect(rec.events).toHaveLength(1);
    expect(rec.events[0]).toMatchObject({ channelOrderId: o.order_sn, status: 'PAID', lines: [{ sku: 'SKU-1', quantity: 1, unitPriceMinor: 990 }] });
    expect(rec.pushes[0]!.headers).toMatchObject({ 'x-pdd-message-id': id, 'x-pdd-type': 'pdd_trade_TradeConfirmed', 'x-pdd-mall-id': String(MALL) });
    expect(JSON.stringify(rec.events)).not.toContain(SIM_PII.receiverName);
  });

  it('does not acknowledge when the sink answers 503: PDD redelivers, and it is then stored once', async () => {
    const o = order(2, 10, { order_status: 2 });
    sim.upsertOrder(o);
    const rec = recordingSink([503]);
    const source = rec.connector.createSource!(shop, rec.sink, quietLog);
    await source.start();
    sim.publish('pdd_trade_TradeSellerShip', o.order_sn);
    await until(() => rec.statuses.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.messages()[0]).toMatchObject({ acked: false, deliveries: 1 });
    await until(() => sim.messages().every((m) => m.acked));
    await source.stop();
    expect(rec.statuses).toEqual([503, 200]);
    expect(sim.messages()[0]).toMatchObject({ acked: true, deliveries: 2 });
    expect(rec.events.map((e) => e.status)).toEqual(['SHIPPED']);
  });

  it('is refused at the upgrade with a wrong secret', async () => {
    const rec = recordingSink();
    const source = rec.connector.createSource!({ ...shop, secret: 'wrong' }, rec.sink, quietLog);
    await source.start();
    await until(() => sim.refusedConnections() >= 1);
    await source.stop();
    expect(sim.connections()).toBe(0);
  });

  it('neither stores nor acknowledges a message for another mall; ignores unused types with an ack', async () => {
    const o = order(3, 10);
    sim.upsertOrder(o);
    const rec = recordingSink();
    const source = rec.connector.createSource!(shop, rec.sink, quietLog);
    await source.start();
    sim.publish('pdd_trade_TradeConfirmed', o.order_sn, 999_999);
    sim.publish('pdd_goods_GoodsUpdate', o.order_sn);
    await until(() => sim.messages()[1]!.acked);
    await new Promise((r) => setTimeout(r, 50));
    await source.stop();
    expect(sim.messages().map((m) => m.acked)).toEqual([false, true]);
    expect(rec.pushes).toHaveLength(0);
  });

  it('delivers messages published before the source connected', async () => {
    const a = order(4, 10);
    const b = order(5, 20, { refund_status: 4 });
    sim.upsertOrder(a);
    sim.upsertOrder(b);
    sim.publish('pdd_trade_TradeConfirmed', a.order_sn);
    sim.publish('pdd_refund_RefundAgreeAgreement', b.order_sn);
    const rec = recordingSink();
    const source = rec.connector.createSource!(shop, rec.sink, quietLog);
    await source.start();
    await until(() => sim.messages().every((m) => m.acked));
    await source.stop();
    expect(rec.events.map((e) => e.status)).toEqual(['PAID', 'REFUNDED']);
  });
});
