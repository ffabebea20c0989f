import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../app/pipeline.js';
import { PushIngestor } from '../connectors/gateway/ingest.js';
import { GatewayMetrics } from '../connectors/gateway/metrics.js';
import { PushPublisher } from '../connectors/gateway/publisher.js';
import { registerWebhookRoutes } from '../connectors/gateway/server.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { CONNECTORS } from '../connectors/registry.js';
import { createHubServer } from '../lib/http.js';
import { createDurableProducer, createKafka } from '../lib/kafka.js';
import { batchWriter } from '../lib/publish.js';
import { makeShopifyOrder, shopifyPush } from '../simulators/shopify/index.js';
import { createTestContext, type TestContext } from './support/context.js';

/** Kafka away → 503, so the platform retries; the event is not marked seen, so the retry is stored. */
describe('gateway while Kafka is unavailable', () => {
  const SHOP = 'brand-a.myshopify.com';
  const SECRET = randomBytes(16).toString('hex');
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('down');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('reports ready once its producer and Redis are connected', async () => {
    const shops = new ShopDirectory([{ channel: 'shopify', shopId: SHOP, brand: 'A', secret: SECRET }]);
    const pipeline = await startPipeline({ ...ctx.config, OMNISTREAM_HTTP_PORT: 0, OMNISTREAM_RECONCILE_CRON: 'off' }, ctx.log, {
      shops,
      parts: { gateway: true, inventory: false, sink: false },
    });
    try {
      const ready = await fetch(`${pipeline.url}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
    } finally {
      await pipeline.stop();
    }
  });

  it('answers 503 with a reason and accepts the same push once Kafka is back', async () => {
    const shops = new ShopDirectory([{ channel: 'shopify', shopId: SHOP, brand: 'A', secret: SECRET }]);
    const redis = new Redis(ctx.config.REDIS_URL);
    const gatewayFor = (brokers: string[]) => {
      const producer = createDurableProducer(createKafka(brokers, 'down-test', ctx.log));
      const ingestor = new PushIngestor(new PushPublisher(batchWriter(producer, ctx.serde, ctx.namespace), 1500), redis, ctx.namespace);
      const app = createHubServer({ metrics: new Registry(), log: ctx.log, ready: () => true });
      registerWebhookRoutes(app, { connectors: CONNECTORS, shops, ingestor, metrics: new GatewayMetrics(), log: ctx.log });
      return { producer, app };
    };
    const push = shopifyPush(
      makeShopifyOrder({ id: 77, lines: [{ sku: 'A', quantity: 1, price: '1.00' }], createdAt: new Date() }),
      'orders/create',
      SECRET,
      SHOP,
    );
    const request = { method: 'POST' as const, url: `/webhooks/shopify/${SHOP}`, headers: push.headers, payload: push.body };

    const dead = gatewayFor(['127.0.0.1:1']); // nothing listens there
    const down = await dead.app.inject(request);
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ ok: false, outcome: 'unavailable', error: expect.stringMatching(/^event store unavailable/) });
    await dead.app.close();
    await dead.producer.disconnect().catch(() => {});

    const live = gatewayFor(ctx.config.KAFKA_BROKERS);
    await live.producer.connect();
    const up = await live.app.inject(request);
    expect(up.json()).toMatchObject({ ok: true, outcome: 'accepted' });
    await live.app.close();
    await live.producer.disconnect();
    redis.disconnect();
  });
});
