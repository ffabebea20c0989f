import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundPush, PushSink, ShopConfig, SourceLogger } from '../../connectors/contract.js';
import { makeTaobaoConnector } from '../../connectors/taobao/index.js';
import { pullTaobao } from '../../connectors/taobao/pull.js';
import { tidFromContent } from '../../connectors/taobao/source.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import { makeTaobaoTrade, SIM_PII, startTaobaoSimulator, type TaobaoSimulator, withStatus } from './index.js';

const APP_KEY = '12345678';
const SECRET = 'app-secret-123';
const SESSION = '6100e24c3fa0b1sessionkey';
let sim: TaobaoSimulator;
let shop: ShopConfig;

beforeEach(async () => {
  sim = await startTaobaoSimulator({ appKey: APP_KEY, appSecret: SECRET, sessionKey: SESSION, ackTimeoutMs: 300 });
  shop = { channel: 'taobao', shopId: 'tb-omni', brand: 'Omni', secret: SECRET, endpoint: sim.url, credentials: { appKey: APP_KEY, sessionKey: SESSION } };
});
afterEach(async () => {
  await sim.close();
});

const t0 = Date.parse('2025-11-10T16:00:00Z');
function trade(i: number, minutes: number, status = 'WAIT_SELLER_SEND_GOODS') {
  const created = makeTaobaoTrade({
    tid: String(4123456789012345000n + BigInt(i)),
    lines: [{ outerSkuId: `SKU-${i}`, num: 1, price: '9.90' }],
    createdAt: new Date(t0),
  });
  return withStatus(created, status, new Date(t0 + minutes * 60_000));
}

async function collect(iter: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of iter) out.push(x);
  return out;
}

describe('pull() against the simulated TOP router', () => {
  it('pages through taobao.trades.sold.increment.get by modified time, signed', async () => {
    for (let i = 0; i < 230; i++) sim.upsertOrder(trade(i, i % 60));
    sim.upsertOrder(trade(999, 24 * 60 + 5)); // outside the window
    const trades = (await collect(pullTaobao(shop, { from: new Date(t0), to: new Date(t0 + 3600_000) }))) as Array<{ tid_str: string }>;
    expect(trades).toHaveLength(230);
    expect(new Set(trades.map((t) => t.tid_str)).size).toBe(230);
    expect(sim.apiCalls.filter((c) => c.method === 'taobao.trades.sold.increment.get' && c.ok)).toHaveLength(3);
    // Pulled trades are the payload shape the push path parses and normalizes.
    const connector = makeTaobaoConnector();
    const parsed = connector.payloadSchema.parse(trades[0]);
    const [event] = connector.normalize(parsed, shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    expect(event).toMatchObject({ ok: true, value: { status: 'PAID', totalMinor: 990 } });
  });

  it('splits windows longer than a day (the API limit)', async () => {
    sim.upsertOrder(trade(1, 10));
    sim.upsertOrder(trade(2, 36 * 60));
    const trades = await collect(pullTaobao(shop, { from: new Date(t0), to: new Date(t0 + 48 * 3600_000) }));
    expect(trades).toHaveLength(2);
    expect(sim.apiCalls.filter((c) => c.ok)).toHaveLength(2);
  });

  it("a wrong secret gets TOP's Invalid Signature error", async () => {
    sim.upsertOrder(trade(1, 10));
    const bad = { ...shop, secret: 'not-the-secret' };
    await expect(collect(pullTaobao(bad, { from: new Date(t0), to: new Date(t0 + 3600_000) }))).rejects.toThrow(
      'TOP taobao.trades.sold.increment.get failed: 25 Invalid Signature',
    );
    expect(sim.apiCalls).toEqual([{ method: 'taobao.trades.sold.increment.get', ok: false, code: 25 }]);
  });

  it('a stale timestamp gets Invalid Timestamp', async () => {
    await expect(collect(pullTaobao(shop, { from: new Date(t0), to: new Date(t0 + 3600_000) }, { now: () => Date.now() - 20 * 60_000 }))).rejects.toThrow(
      '31 Invalid Timestamp',
    );
  });
});

/** The gateway's path for a source push: verify, parse, validate, normalize; answers like the gateway. */
function recordingSink(answers: number[] = []) {
  const connector = makeTaobaoConnector();
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

describe('createSource over the simulated TMC channel', () => {
  it('stores each message with full trade detail, then confirms it', async () => {
    const paid = trade(7, 3);
    sim.upsertOrder(paid);
    const rec = recordingSink();
    const source = rec.connector.createSource!(shop, rec.sink, quietLog);
    await source.start();
    expect(sim.connections()).toBe(1);
    const id = sim.publish('taobao_trade_TradeBuyerPay', paid.tid_str!);
    await until(() => sim.messages().every((m) => m.confirmed));
    await source.stop();
    expect(sim.messages()).toEqual([{ id, topic: 'taobao_trade_TradeBuyerPay', deliveries: 1, confirmed: true }]);
    expect(rec.events).toHaveLength(1);
    expect(rec.events[0]).toMatchObject({ channelOrderId: '4123456789012345007', status: 'PAID', lines: [{ sku: 'SKU-7', quantity: 1, unitPriceMinor: 990 }] });
    expect(rec.pushes[0]!.headers).toMatchObject({ 'x-tmc-topic': 'taobao_trade_TradeBuyerPay', 'x-tmc-message-id': id, 'x-tmc-tid': '4123456789012345007' });
    expect(JSON.stringify(rec.events)).not.toContain(SIM_PII.receiverName);
    expect(JSON.stringify(rec.pushes[0]!.headers)).not.toContain(SIM_PII.buyerNick);
  });

  it('does not confirm when the sink answers 503: TMC redelivers, and it is then stored once', async () => {
    const paid = trade(8, 3);
    sim.upsertOrder(paid);
    const rec = recordingSink([503]);
    const source = rec.connector.createSource!(shop, rec.sink, quietLog);
    await source.start();
    sim.publish('taobao_trade_TradeBuyerPay', paid.tid_str!);
    await until(() => rec.statuses.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.messages()[0]).toMatchObject({ confirmed: false, deliveries: 1 });
    await until(() => sim.messages().every((m) => m.confirmed));
    await source.stop();
    expect(rec.statuses).toEqual([503, 200]);
    expect(sim.messages()[0]).toMatchObject({ confirmed: true, deliveries: 2 });
    expect(rec.events).toHaveLength(1);
  });

  it('delivers messages published while disconnected once the source connects', async () => {
    const a = trade(1, 1);
    const b = withStatus(trade(2, 1), 'WAIT_BUYER_CONFIRM_GOODS', new Date(t0 + 3_600_000));
    sim.upsertOrder(a);
    sim.upsertOrder(b);
    sim.publish('taobao_trade_TradeBuyerPay', a.tid_str!);
    sim.publish('taobao_trade_TradeSellerShip', b.tid_str!);
    sim.publish('taobao_item_ItemUpdate', a.tid_str!); // a topic the hub does not use: confirmed, not stored
    const rec = recordingSink();
    const source = rec.connector.createSource!(shop, rec.sink, quietLog);
    await source.start();
    await until(() => sim.messages().every((m) => m.confirmed));
    await source.stop();
    expect(rec.events.map((e) => e.status)).toEqual(['PAID', 'SHIPPED']);
  });

  it('is refused by TMC with a wrong secret, and never stores anything', async () => {
    const rec = recordingSink();
    const source = rec.connector.createSource!({ ...shop, secret: 'wrong-secret' }, rec.sink, quietLog);
    await source.start();
    expect(sim.connections()).toBe(0);
    await source.stop();
    expect(rec.pushes).toHaveLength(0);
  });

  it('leaves a message unconfirmed when the trade detail cannot be fetched', async () => {
    const paid = trade(9, 3);
    sim.upsertOrder(paid);
    const rec = recordingSink();
    const broken = { ...shop, credentials: { ...shop.credentials, sessionKey: 'expired-session' } };
    const source = rec.connector.createSource!(broken, rec.sink, quietLog);
    await source.start();
    sim.publish('taobao_trade_TradeBuyerPay', paid.tid_str!);
    await until(() => sim.apiCalls.length >= 2);
    await source.stop();
    expect(sim.apiCalls[0]).toEqual({ method: 'taobao.trade.fullinfo.get', ok: false, code: 27 });
    expect(sim.messages()[0]!.confirmed).toBe(false);
    expect(rec.pushes).toHaveLength(0);
  });

  it('reads a 19-digit tid from the raw content text', () => {
    expect(tidFromContent('{"buyer_nick":"x","tid":4123456789012345678,"oid":4123456789012345679}')).toBe('4123456789012345678');
    expect(tidFromContent('{"tid":"4123456789012345678"}')).toBe('4123456789012345678');
    expect(tidFromContent('{"refund_id":1}')).toBeUndefined();
  });
});
