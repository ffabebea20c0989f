import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../app/pipeline.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { signShopifyBody } from '../connectors/shopify/signature.js';
import { createDurableProducer } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import { publish } from '../lib/publish.js';
import { RedisInventoryStore } from '../processors/inventory/store.js';
import { makeShopifyOrder, SIM_PII, shopifyPush, withCancellation, withStatus } from '../simulators/shopify/index.js';
import { createTestContext, type TestContext } from './support/context.js';
import { readTopic } from './support/read-topic.js';

/**
 * The hub's end-to-end path on the real stack: signed Shopify webhooks → gateway → Kafka (Avro,
 * registry) → inventory processor (Redis Lua) → Postgres projection. Duplicates change nothing,
 * forgeries and junk are refused with reasons, and no buyer PII reaches the logs.
 */
const SHOP = 'brand-a.myshopify.com';
const SECRET = randomBytes(16).toString('hex');
// Recent enough that no unpaid lock expires during the test (default: 30 minutes).
const T0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;

describe('walking skeleton: one channel end to end', () => {
  let ctx: TestContext;
  let pipeline: Pipeline;
  const logLines: string[] = [];

  const post = async (push: { headers: Record<string, string>; body: string }, shop = SHOP) => {
    const res = await fetch(`${pipeline.url}/webhooks/shopify/${shop}`, { method: 'POST', headers: push.headers, body: push.body });
    return { status: res.status, body: (await res.json()) as { ok: boolean; outcome?: string; error?: string } };
  };
  const order = (id: number, sku: string, quantity: number) =>
    makeShopifyOrder({
      id,
      lines: [{ sku, quantity, price: '99.00' }],
      createdAt: new Date(T0 + id),
      province: { name: 'Zhejiang', code: 'ZJ' },
      city: 'Hangzhou',
      countryCode: 'CN',
      currency: 'CNY',
    });
  const rows = async <T>(sql: string, params: unknown[] = []) => (await ctx.pool.query(sql, params)).rows as T[];

  beforeAll(async () => {
    ctx = await createTestContext('e2e');
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    const log = createLogger('e2e', 'debug', sink);
    pipeline = await startPipeline({ ...ctx.config, OMNISTREAM_HTTP_PORT: 0 }, log, {
      shops: new ShopDirectory([{ channel: 'shopify', shopId: SHOP, brand: 'Brand A', secret: SECRET }]),
      // The order-to-stock path only; fulfilment has its own end-to-end test (fulfilment-e2e.spec.ts).
      parts: { gateway: true, inventory: true, sink: true },
    });
    const producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    await publish(producer, ctx.serde, ctx.namespace, 'stockMovements', [
      { key: 'HOT', value: { movementId: 'count-hot-1', kind: 'COUNT', sku: 'HOT', warehouse: 'WH-EAST', quantity: 5, occurredAt: T0 } },
      { key: 'COLD', value: { movementId: 'count-cold-1', kind: 'COUNT', sku: 'COLD', warehouse: 'WH-EAST', quantity: 100, occurredAt: T0 } },
    ]);
    await producer.disconnect();
    await pipeline.drain();
  });
  afterAll(async () => {
    await pipeline?.stop();
    await ctx?.close();
  });

  it('accepts signed pushes, locks, reserves, releases and rejects stock, and projects it all', async () => {
    const o1 = order(1001, 'HOT', 2);
    const o2 = withStatus(order(1002, 'HOT', 2), 'paid', null, new Date(T0 + 60_000));
    const o3 = order(1003, 'HOT', 2);
    expect((await post(shopifyPush(o1, 'orders/create', SECRET, SHOP))).body.outcome).toBe('accepted');
    expect((await post(shopifyPush(o2, 'orders/paid', SECRET, SHOP))).body.outcome).toBe('accepted');
    await pipeline.drain(); // o1 and o2 hold 4 of 5 before o3 asks for 2
    expect((await post(shopifyPush(o3, 'orders/create', SECRET, SHOP))).body.outcome).toBe('accepted');
    const o2cancel = withCancellation(o2, new Date(T0 + 120_000), 'refunded');
    expect((await post(shopifyPush(o2cancel, 'orders/cancelled', SECRET, SHOP))).status).toBe(200);
    await pipeline.drain();

    const orders = await rows<{ channel_order_id: string; status: string; brand: string; buyer_province: string }>(
      `select channel_order_id, status, brand, buyer_province from ${ctx.namespace}.orders order by channel_order_id`,
    );
    expect(orders).toEqual([
      { channel_order_id: '1001', status: 'CREATED', brand: 'Brand A', buyer_province: 'ZJ' },
      { channel_order_id: '1002', status: 'REFUNDED', brand: 'Brand A', buyer_province: 'ZJ' },
      { channel_order_id: '1003', status: 'CREATED', brand: 'Brand A', buyer_province: 'ZJ' },
    ]);
    const [stock] = await rows(`select physical, locked, reserved, safety, available from ${ctx.namespace}.stock_levels where sku = 'HOT'`);
    expect(stock).toEqual({ physical: '5', locked: '2', reserved: '0', safety: '0', available: '3' });
    const redisStock = await new RedisInventoryStore(pipeline.redis, ctx.namespace).levels('HOT', 'WH-EAST');
    expect(redisStock).toMatchObject({ physical: 5, locked: 2, reserved: 0 });

    const rejected = await rows<{ kind: string; reason: string }>(`select kind, reason from ${ctx.namespace}.inventory_decisions where order_key = $1`, [
      `shopify:${SHOP}:1003`,
    ]);
    expect(rejected).toEqual([{ kind: 'REJECTED', reason: 'insufficient stock at WH-EAST: HOT wants 2, 1 available' }]);
    const timeline = await rows<{ source: string; status: string }>(
      `select source, status from ${ctx.namespace}.order_timeline where order_key = $1 order by occurred_at, source`,
      [`shopify:${SHOP}:1002`],
    );
    expect(timeline.map((t) => `${t.source}:${t.status}`)).toEqual([
      'channel:shopify:PAID',
      'processor:inventory:LOCKED',
      'processor:inventory:RESERVED',
      'channel:shopify:REFUNDED',
      'processor:inventory:RELEASED',
    ]);
  });

  it('a redelivered webhook changes nothing', async () => {
    const before = await rows(`select * from ${ctx.namespace}.stock_levels order by sku`);
    const o1 = order(1001, 'HOT', 2);
    const again = await post(shopifyPush(o1, 'orders/create', SECRET, SHOP));
    expect(again).toEqual({ status: 200, body: { ok: true, outcome: 'duplicate', eventIds: [expect.any(String)] } });
    await pipeline.drain();
    expect(await rows(`select * from ${ctx.namespace}.stock_levels order by sku`)).toEqual(before);
    expect(await rows(`select count(*)::int as n from ${ctx.namespace}.orders`)).toEqual([{ n: 3 }]);
  });

  it('refuses forged, junk and unknown input with a reason, and dead-letters what it cannot map', async () => {
    const push = shopifyPush(order(2001, 'COLD', 1), 'orders/create', SECRET, SHOP);
    const forged = { ...push, body: push.body.replace('"quantity":1', '"quantity":9') };
    expect(await post(forged)).toEqual({ status: 401, body: { ok: false, outcome: 'rejected', error: 'X-Shopify-Hmac-SHA256 does not match the body' } });
    expect((await post(shopifyPush(order(2002, 'COLD', 1), 'orders/create', 'wrong-secret', SHOP))).status).toBe(401);

    const truncated = push.body.slice(0, 40);
    const bad = await post({
      headers: { ...shopifyPush(order(1, 'X', 1), 'orders/create', SECRET, SHOP).headers, 'X-Shopify-Hmac-SHA256': signed(truncated) },
      body: truncated,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^invalid JSON/);

    const wrongType = JSON.stringify({ ...JSON.parse(push.body), line_items: 'many' });
    const schema = await post({ headers: { ...push.headers, 'X-Shopify-Hmac-SHA256': signed(wrongType) }, body: wrongType });
    expect(schema.status).toBe(400);
    expect(schema.body.error).toContain('line_items');

    const unknown = JSON.stringify({ ...JSON.parse(push.body), financial_status: 'teleported' });
    const dlq = await post({ headers: { ...push.headers, 'X-Shopify-Hmac-SHA256': signed(unknown) }, body: unknown });
    expect(dlq).toEqual({ status: 202, body: { ok: true, outcome: 'dead_lettered' } });
    const [letter] = await readTopic(ctx, 'deadLetter', 1);
    expect(letter?.value).toMatchObject({
      source: 'gateway:shopify',
      channel: 'shopify',
      shopId: SHOP,
      reason: 'unknown Shopify status "teleported/unfulfilled"',
    });
    expect(letter?.headers['x-omnistream-reason']).toBe('unknown Shopify status "teleported/unfulfilled"');

    expect((await post(push, 'no-such-shop.myshopify.com')).status).toBe(404);
    const huge = 'x'.repeat(2 * 1024 * 1024);
    expect((await post({ headers: { ...push.headers, 'X-Shopify-Hmac-SHA256': signed(huge) }, body: huge })).status).toBe(413);
    // Still serving after all of that.
    expect((await fetch(`${pipeline.url}/healthz`)).status).toBe(200);
  });

  it('writes no buyer PII to the logs', () => {
    const all = logLines.join('\n');
    expect(all.length).toBeGreaterThan(0);
    for (const value of Object.values(SIM_PII)) expect(all).not.toContain(value);
  });
});

const signed = (body: string) => signShopifyBody(body, SECRET);
