import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShopConfig } from '../../connectors/contract.js';
import { kuaishou } from '../../connectors/kuaishou/index.js';
import { pullKuaishouOrders } from '../../connectors/kuaishou/pull.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import {
  deliverKuaishouPush,
  type KuaishouSimulator,
  kuaishouPush,
  makeKuaishouOrder,
  SIM_ERRORS,
  SIM_PII,
  startKuaishouSimulator,
  statusMessageFor,
  toInboundPush,
} from './index.js';

const MESSAGE_SECRET = Buffer.alloc(32, 0x5a).toString('base64'); // an AES-256 message secret
const creds = { appKey: 'ks699183844582124027', signSecret: 'sim-sign-secret', accessToken: 'sim-access-token', sellerId: '2161524184' };
const T0 = Date.parse('2025-11-11T00:00:05+08:00');

let sim: KuaishouSimulator;
let shop: ShopConfig;

beforeAll(async () => {
  sim = await startKuaishouSimulator({ appKey: creds.appKey, signSecret: creds.signSecret, accessToken: creds.accessToken });
  shop = { channel: 'kuaishou', shopId: 'ks-flagship', brand: 'Omni', secret: MESSAGE_SECRET, credentials: creds, endpoint: sim.url };
  for (let i = 0; i < 7; i++) {
    sim.upsertOrder(
      makeKuaishouOrder({
        oid: 2607602240240300 + i,
        status: 30,
        skuId: 888390671925,
        skuNick: `SKU-${i}`,
        num: 1 + i,
        price: 1990,
        createTime: T0 + i * 1000,
        updateTime: T0 + i * 60_000,
      }),
    );
  }
  // Outside the window: must not be returned.
  sim.upsertOrder(makeKuaishouOrder({ oid: 2607602240249999, status: 40, skuId: 1, num: 1, price: 1, createTime: T0 - 86_400_000 }));
});
afterAll(() => sim.close());

async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('pull() against the Kuaishou simulator', () => {
  it('pages through open.order.cursor.list by update time, signed, and yields parseable orders', async () => {
    const before = sim.calls.length;
    const orders = await collect(pullKuaishouOrders(shop, { from: new Date(T0), to: new Date(T0 + 7 * 60_000) }, { pageSize: 3 }));
    expect(orders).toHaveLength(7);
    expect(sim.calls.slice(before).map((c) => [c.result, c.returned])).toEqual([
      [1, 3],
      [1, 3],
      [1, 1],
    ]);
    const events = orders.flatMap((o) => kuaishou.normalize(kuaishou.payloadSchema.parse(o), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 }));
    expect(events.every((e) => e.ok)).toBe(true);
    expect(events.map((e) => (e.ok ? e.value.lines[0]?.sku : null))).toEqual(['SKU-0', 'SKU-1', 'SKU-2', 'SKU-3', 'SKU-4', 'SKU-5', 'SKU-6']);
    expect(JSON.stringify(events)).not.toContain(SIM_PII.mobile);
  });

  it('treats the window as half-open [from, to)', async () => {
    const orders = await collect(kuaishou.pull!(shop, { from: new Date(T0 + 60_000), to: new Date(T0 + 3 * 60_000) }));
    expect(orders.map((o) => (o as { orderBaseInfo: { oid: number } }).orderBaseInfo.oid)).toEqual([2607602240240301, 2607602240240302]);
  });

  it('HMAC_SHA256 signing is accepted too', async () => {
    const orders = await collect(pullKuaishouOrders(shop, { from: new Date(T0), to: new Date(T0 + 60_000) }, { signMethod: 'HMAC_SHA256' }));
    expect(orders).toHaveLength(1);
  });

  it("a wrong signSecret gets the platform's sign error", async () => {
    const wrong = { ...shop, credentials: { ...creds, signSecret: 'not-the-secret' } };
    const failure = collect(pullKuaishouOrders(wrong, { from: new Date(T0), to: new Date(T0 + 60_000) }));
    await expect(failure).rejects.toMatchObject({ name: 'ApiError', api: 'kuaishou', platformCode: String(SIM_ERRORS.sign.result) });
    await expect(collect(pullKuaishouOrders(wrong, { from: new Date(T0), to: new Date(T0 + 60_000) }))).rejects.toThrow(
      `result ${SIM_ERRORS.sign.result} ${SIM_ERRORS.sign.error_msg}`,
    );
  });

  it('a wrong access token or a stale request timestamp is refused', async () => {
    const badToken = { ...shop, credentials: { ...creds, accessToken: 'expired' } };
    await expect(collect(pullKuaishouOrders(badToken, { from: new Date(T0), to: new Date(T0 + 60_000) }))).rejects.toThrow(`result ${SIM_ERRORS.token.result}`);
    await expect(collect(pullKuaishouOrders(shop, { from: new Date(T0), to: new Date(T0 + 60_000) }, { now: () => Date.now() - 3_600_000 }))).rejects.toThrow(
      `result ${SIM_ERRORS.timestamp.result}`,
    );
  });

  it('says which credential is missing, without printing secrets', async () => {
    const { signSecret: _omitted, ...rest } = creds;
    await expect(collect(pullKuaishouOrders({ ...shop, credentials: rest }, { from: new Date(T0), to: new Date(T0 + 1) }))).rejects.toThrow(
      'kuaishou shop ks-flagship: credentials.signSecret is required to pull orders',
    );
  });
});

describe('Kuaishou push delivery, end to end over HTTP', () => {
  it('retries until the receiver answers {"result":1}, and the order is stored once', async () => {
    const stored = new Map<string, OrderEvent>();
    let requests = 0;
    // A minimal receiver doing the gateway's job: verify → decode → schema → normalize → store once.
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests++;
        const push = { headers: req.headers, rawBody: Buffer.concat(chunks), receivedAt: Date.now() };
        if (requests === 1) {
          res.writeHead(503).end('{"ok":false}');
          return;
        } // Kafka down: no ack
        const verified = kuaishou.verify(push, shop);
        const text = kuaishou.decode!(push, shop);
        if (!verified.ok || !text.ok) {
          res.writeHead(401).end();
          return;
        }
        for (const outcome of kuaishou.normalize(kuaishou.payloadSchema.parse(JSON.parse(text.value)), shop, push)) {
          if (outcome.ok && !stored.has(outcome.value.eventId)) stored.set(outcome.value.eventId, outcome.value);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(kuaishou.ackBody!()));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/kuaishou/ks-flagship`;
    try {
      const order = makeKuaishouOrder({
        oid: 2607602240240400,
        status: 30,
        skuId: 5,
        num: 1,
        price: 1,
        createTime: Date.now() - 60_000,
        updateTime: Date.now() - 2_000,
      });
      const push = kuaishouPush(statusMessageFor(order, 'kwaishop_order_paySuccess', creds.appKey, Number(creds.sellerId)), MESSAGE_SECRET);
      const result = await deliverKuaishouPush(url, push, { retryDelaysMs: [10, 10, 10, 10, 10] });
      expect(result).toEqual({ acked: true, attempts: 2 });
      // A duplicate delivery of the same message is acknowledged and not stored again.
      expect(await deliverKuaishouPush(url, push, { retryDelaysMs: [] })).toEqual({ acked: true, attempts: 1 });
      expect([...stored.values()].map((e) => [e.channelOrderId, e.status])).toEqual([['2607602240240400', 'PAID']]);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it("the connector's decode() hands the gateway the exact decrypted JSON", () => {
    const order = makeKuaishouOrder({ oid: 2607602240240401, status: 80, skuId: 5, num: 1, price: 1, createTime: Date.now() - 1000 });
    const message = statusMessageFor(order, 'kwaishop_order_orderFail', creds.appKey, Number(creds.sellerId));
    const push = toInboundPush(kuaishouPush(message, MESSAGE_SECRET), Date.now());
    expect(kuaishou.decode!(push, shop)).toEqual({ ok: true, value: JSON.stringify(message) });
    expect(kuaishou.transport).toBe('webhook');
    expect(kuaishou.ackBody!()).toEqual({ result: 1 });
  });
});
