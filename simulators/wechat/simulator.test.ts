import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShopConfig } from '../../connectors/contract.js';
import { wechat } from '../../connectors/wechat/index.js';
import { pullWechatOrders } from '../../connectors/wechat/pull.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import { deliverWechatPush, makeWechatOrder, SIM_ERRORS, SIM_PII, startWechatSimulator, type WechatSimulator, wechatEventJson, wechatPush } from './index.js';

const secrets = { token: 'simToken2025', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', appId: 'wxsimappid000001' };
const T0 = Math.floor(Date.parse('2025-11-11T00:00:05+08:00') / 1000);

let sim: WechatSimulator;
let shop: ShopConfig;

beforeAll(async () => {
  sim = await startWechatSimulator({ appId: secrets.appId, appSecret: 'sim-app-secret' });
  shop = {
    channel: 'wechat',
    shopId: 'wx-flagship',
    brand: 'Omni',
    secret: secrets.token,
    endpoint: sim.url,
    credentials: { appId: secrets.appId, encodingAESKey: secrets.encodingAESKey, appSecret: 'sim-app-secret' },
  };
  for (let i = 0; i < 5; i++) {
    sim.upsertOrder(
      makeWechatOrder({
        orderId: `370461235455974323${i}`,
        status: 20,
        createTime: T0 + i,
        updateTime: T0 + i * 60,
        lines: [{ skuId: `42342${i}`, skuCode: `SKU-${i}`, count: 1, salePrice: 1990 }],
      }),
    );
  }
  // Updated 10 days later: only a window longer than 7 days reaches it (split into 7-day ranges).
  sim.upsertOrder(
    makeWechatOrder({
      orderId: '3704612354559749999',
      status: 30,
      createTime: T0,
      updateTime: T0 + 10 * 86_400,
      lines: [{ skuId: '1', count: 1, salePrice: 1 }],
    }),
  );
});
afterAll(() => sim.close());

async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('pull() against the WeChat simulator', () => {
  it('fetches a token, pages order ids by update time, fetches each order, and yields parseable orders', async () => {
    const before = sim.calls.length;
    const orders = await collect(pullWechatOrders(shop, { from: new Date(T0 * 1000), to: new Date((T0 + 300) * 1000) }, { pageSize: 2 }));
    expect(orders.map((o) => (o as { order_id: string }).order_id)).toEqual([
      '3704612354559743230',
      '3704612354559743231',
      '3704612354559743232',
      '3704612354559743233',
      '3704612354559743234',
    ]);
    expect(sim.calls.slice(before).map((c) => c.path)).toEqual([
      '/cgi-bin/token',
      '/channels/ec/order/list/get',
      '/channels/ec/order/get',
      '/channels/ec/order/get',
      '/channels/ec/order/list/get',
      '/channels/ec/order/get',
      '/channels/ec/order/get',
      '/channels/ec/order/list/get',
      '/channels/ec/order/get',
    ]);
    const events = orders.flatMap((o) => wechat.normalize(wechat.payloadSchema.parse(o), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 }));
    expect(events.map((e) => (e.ok ? [e.value.status, e.value.lines[0]?.sku] : e.reason))).toEqual([
      ['PAID', 'SKU-0'],
      ['PAID', 'SKU-1'],
      ['PAID', 'SKU-2'],
      ['PAID', 'SKU-3'],
      ['PAID', 'SKU-4'],
    ]);
    expect(JSON.stringify(events)).not.toContain(SIM_PII.telNumber);
  });

  it('splits windows longer than 7 days into ranges WeChat accepts', async () => {
    const orders = await collect(wechat.pull!(shop, { from: new Date(T0 * 1000), to: new Date((T0 + 11 * 86_400) * 1000) }));
    expect(orders).toHaveLength(6);
    expect(sim.calls.filter((c) => c.errcode !== 0)).toEqual([]);
  });

  it("a wrong appSecret gets WeChat's errcode 40125", async () => {
    const wrong = { ...shop, credentials: { ...shop.credentials, appSecret: 'not-the-secret' } };
    const failure = collect(pullWechatOrders(wrong, { from: new Date(T0 * 1000), to: new Date((T0 + 60) * 1000) }));
    await expect(failure).rejects.toMatchObject({ name: 'ApiError', api: 'wechat', platformCode: String(SIM_ERRORS.appsecret.errcode) });
    await expect(collect(pullWechatOrders(wrong, { from: new Date(T0 * 1000), to: new Date((T0 + 60) * 1000) }))).rejects.toThrow(
      `errcode ${SIM_ERRORS.appsecret.errcode} ${SIM_ERRORS.appsecret.errmsg}`,
    );
  });

  it('an invalid access token gets errcode 40001', async () => {
    const stale = { ...shop, credentials: { accessToken: 'SIM_ACCESS_TOKEN_revoked' } };
    await expect(collect(pullWechatOrders(stale, { from: new Date(T0 * 1000), to: new Date((T0 + 60) * 1000) }))).rejects.toThrow(
      `errcode ${SIM_ERRORS.token.errcode}`,
    );
  });
});

describe('WeChat push delivery, end to end over HTTP', () => {
  it('retries until the receiver answers "success", and the order is stored once', async () => {
    const stored = new Map<string, OrderEvent>();
    let requests = 0;
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests++;
        const url = new URL(req.url ?? '/', 'http://receiver');
        const push = { headers: req.headers, query: Object.fromEntries(url.searchParams), rawBody: Buffer.concat(chunks), receivedAt: Date.now() };
        if (requests === 1) {
          res.writeHead(503).end();
          return;
        } // Kafka down: no ack, WeChat retries
        const verified = wechat.verify(push, shop);
        const text = wechat.decode!(push, shop);
        if (!verified.ok || !text.ok) {
          res.writeHead(401).end(verified.ok ? '' : verified.reason);
          return;
        }
        for (const outcome of wechat.normalize(wechat.payloadSchema.parse(JSON.parse(text.value)), shop, push)) {
          if (outcome.ok && !stored.has(outcome.value.eventId)) stored.set(outcome.value.eventId, outcome.value);
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end(String(wechat.ackBody!()));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/wechat/wx-flagship`;
    try {
      const now = Math.floor(Date.now() / 1000);
      const json = wechatEventJson({ event: 'channels_ec_order_pay', orderId: '3737552192816962560', createTime: now, info: { pay_time: now } });
      const push = wechatPush(json, secrets, { timestamp: now });
      expect(await deliverWechatPush(url, push, { retryDelayMs: 10 })).toEqual({ acked: true, attempts: 2 });
      expect(await deliverWechatPush(url, push, { retryDelayMs: 10 })).toEqual({ acked: true, attempts: 1 });
      expect([...stored.values()].map((e) => [e.channelOrderId, e.status])).toEqual([['3737552192816962560', 'PAID']]);
      // A push signed with another Token is refused and never acknowledged.
      const forged = wechatPush(json, { ...secrets, token: 'attacker' }, { timestamp: now });
      expect(await deliverWechatPush(url, forged, { attempts: 1 })).toEqual({ acked: false, attempts: 1 });
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('is a webhook connector answering "success"', () => {
    expect(wechat.transport).toBe('webhook');
    expect(wechat.ackBody!()).toBe('success');
  });
});
