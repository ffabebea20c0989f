import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../app/pipeline.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { createDurableProducer } from '../lib/kafka.js';
import { publish } from '../lib/publish.js';
import { RedisInventoryStore } from '../processors/inventory/store.js';
import { makeShopifyOrder, shopifyPush, withStatus } from '../simulators/shopify/index.js';
import { createTestContext, type TestContext } from './support/context.js';

/**
 * Unpaid locks expire after the channel's timeout (durable timers in Redis): the stock comes back
 * and the order is cancelled by the hub. A paid order is never released by its old timer.
 */
describe('unpaid lock expiry on the real stack', () => {
  const SHOP = 'brand-x.myshopify.com';
  const SECRET = randomBytes(16).toString('hex');
  let ctx: TestContext;
  let pipeline: Pipeline;
  const post = (push: { headers: Record<string, string>; body: string }) =>
    fetch(`${pipeline.url}/webhooks/shopify/${SHOP}`, { method: 'POST', headers: push.headers, body: push.body });

  beforeAll(async () => {
    ctx = await createTestContext('expiry');
    pipeline = await startPipeline({ ...ctx.config, OMNISTREAM_HTTP_PORT: 0, OMNISTREAM_UNPAID_TIMEOUT_MINUTES: 30 }, ctx.log, {
      shops: new ShopDirectory([{ channel: 'shopify', shopId: SHOP, brand: 'X', secret: SECRET }]),
      // The order-to-stock path only; fulfilment has its own end-to-end test (fulfilment-e2e.spec.ts).
      parts: { gateway: true, inventory: true, sink: true },
    });
    const producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    await publish(producer, ctx.serde, ctx.namespace, 'stockMovements', [
      { key: 'S', value: { movementId: 'count-s', kind: 'COUNT', sku: 'S', warehouse: 'WH-EAST', quantity: 10, occurredAt: Date.now() } },
    ]);
    await producer.disconnect();
  });
  afterAll(async () => {
    await pipeline?.stop();
    await ctx?.close();
  });

  it('releases an order left unpaid past 30 minutes and cancels it; keeps the one paid in time', async () => {
    const created = new Date(Date.now() - 31 * 60_000);
    const unpaid = makeShopifyOrder({ id: 501, lines: [{ sku: 'S', quantity: 3, price: '10.00' }], createdAt: created });
    const paidInTime = makeShopifyOrder({ id: 502, lines: [{ sku: 'S', quantity: 2, price: '10.00' }], createdAt: created });
    const fresh = makeShopifyOrder({ id: 503, lines: [{ sku: 'S', quantity: 1, price: '10.00' }], createdAt: new Date(Date.now() - 60_000) });
    // Paid before its deadline: reserved, and it holds no timer (core tests cover paid-while-locked).
    expect((await post(shopifyPush(withStatus(paidInTime, 'paid', null, new Date(Date.now() - 5 * 60_000)), 'orders/paid', SECRET, SHOP))).status).toBe(200);
    expect((await post(shopifyPush(unpaid, 'orders/create', SECRET, SHOP))).status).toBe(200);
    expect((await post(shopifyPush(fresh, 'orders/create', SECRET, SHOP))).status).toBe(200);
    await pipeline.drain();

    const store = new RedisInventoryStore(pipeline.redis, ctx.namespace);
    const deadline = Date.now() + 20_000;
    while ((await store.holdState(`shopify:${SHOP}:501`)) !== 'RELEASED' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await pipeline.drain();

    expect(await store.holdState(`shopify:${SHOP}:501`)).toBe('RELEASED');
    expect(await store.holdState(`shopify:${SHOP}:502`)).toBe('RESERVED');
    expect(await store.holdState(`shopify:${SHOP}:503`)).toBe('LOCKED');
    expect(await store.levels('S', 'WH-EAST')).toMatchObject({ physical: 10, locked: 1, reserved: 2 });
    expect([...(await store.timers()).keys()]).toEqual([`shopify:${SHOP}:503`]);

    const { rows } = await ctx.pool.query(`select channel_order_id, status, channel_status from ${ctx.namespace}.orders order by channel_order_id`);
    expect(rows).toEqual([
      { channel_order_id: '501', status: 'CANCELLED', channel_status: 'hub:unpaid-timeout' },
      { channel_order_id: '502', status: 'PAID', channel_status: 'paid/unfulfilled' },
      { channel_order_id: '503', status: 'CREATED', channel_status: 'pending/unfulfilled' },
    ]);
    // The hub's cancellation carries a status only: the order keeps its lines and total.
    const lines = await ctx.pool.query(`select sku, quantity from ${ctx.namespace}.order_lines where order_key = $1`, [`shopify:${SHOP}:501`]);
    expect(lines.rows).toEqual([{ sku: 'S', quantity: 3 }]);
    const totals = await ctx.pool.query(`select total_minor, detail from ${ctx.namespace}.orders where order_key = $1`, [`shopify:${SHOP}:501`]);
    expect(totals.rows).toEqual([{ total_minor: '3000', detail: 'FULL' }]);
    const released = await ctx.pool.query(
      `select kind, reason, quantity from ${ctx.namespace}.inventory_decisions where order_key = $1 and kind = 'RELEASED'`,
      [`shopify:${SHOP}:501`],
    );
    expect(released.rows).toEqual([{ kind: 'RELEASED', reason: 'unpaid timeout', quantity: 3 }]);
  });
});
