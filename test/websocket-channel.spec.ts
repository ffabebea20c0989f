import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../app/pipeline.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { createDurableProducer } from '../lib/kafka.js';
import { publish } from '../lib/publish.js';
import { RedisInventoryStore } from '../processors/inventory/store.js';
import { makePddOrder, type PddSimulator, startPddSimulator } from '../simulators/pinduoduo/index.js';
import { createTestContext, type TestContext } from './support/context.js';

/**
 * A channel that does not push HTTP: Pinduoduo's WebSocket message channel (simulator). The
 * pipeline's source fetches each order through the query API, stores it in Kafka, and only then
 * acknowledges the message; the order reaches Redis stock and the Postgres projection.
 */
describe('Pinduoduo over its WebSocket message channel, on the real stack', () => {
  const CLIENT_ID = 'pdd-client-1';
  const SECRET = 'pdd-client-secret-1';
  const TOKEN = 'pdd-token-1';
  const MALL = 445_566_778;
  let ctx: TestContext;
  let sim: PddSimulator;
  let pipeline: Pipeline;

  beforeAll(async () => {
    ctx = await createTestContext('pddws');
    sim = await startPddSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, accessToken: TOKEN, mallId: MALL, ackTimeoutMs: 2000 });
    const producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    await publish(producer, ctx.serde, ctx.namespace, 'stockMovements', [
      { key: 'PDD-SKU', value: { movementId: 'count-pdd', kind: 'COUNT', sku: 'PDD-SKU', warehouse: 'WH-EAST', quantity: 50, occurredAt: Date.now() } },
    ]);
    await producer.disconnect();
    pipeline = await startPipeline({ ...ctx.config, OMNISTREAM_HTTP_PORT: 0 }, ctx.log, {
      shops: new ShopDirectory([
        {
          channel: 'pinduoduo',
          shopId: 'pdd-mall-1',
          brand: 'P',
          secret: SECRET,
          endpoint: sim.url,
          credentials: { clientId: CLIENT_ID, accessToken: TOKEN, mallId: String(MALL) },
        },
      ]),
      parts: { gateway: true, inventory: true, sink: true },
    });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await sim?.close();
    await ctx?.close();
  });

  it('stores a pushed order, acks the message, reserves its stock and projects it', async () => {
    const orderSn = '251124-000000000000042';
    sim.upsertOrder(
      makePddOrder({
        orderSn,
        items: [{ outerId: 'PDD-SKU', count: 3, price: '19.90' }],
        createdAt: new Date(Date.now() - 60_000),
        province: '广东省',
        city: '深圳市',
      }),
    );
    const id = sim.publish('pdd_trade_TradeConfirmed', orderSn);
    const deadline = Date.now() + 20_000;
    while (!sim.messages().find((m) => m.id === id)?.acked && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(sim.messages().find((m) => m.id === id)).toMatchObject({ acked: true });
    await pipeline.drain();

    const { rows } = await ctx.pool.query(`select channel, channel_order_id, status, total_minor, buyer_province from ${ctx.namespace}.orders`);
    expect(rows).toEqual([{ channel: 'pinduoduo', channel_order_id: orderSn, status: 'PAID', total_minor: '5970', buyer_province: '广东省' }]);
    expect(await new RedisInventoryStore(pipeline.redis, ctx.namespace).levels('PDD-SKU', 'WH-EAST')).toMatchObject({ physical: 50, reserved: 3, locked: 0 });
  });
});
