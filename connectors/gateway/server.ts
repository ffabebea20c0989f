import type { FastifyInstance } from 'fastify';
import { rawBodyOf } from '../../lib/http.js';
import type { Logger } from '../../lib/logger.js';
import { defineProcessor } from '../../lib/processor/definition.js';
import type { AnyChannelConnector } from '../contract.js';
import { CONNECTORS } from '../registry.js';
import { PushIngestor } from './ingest.js';
import { GatewayMetrics } from './metrics.js';
import { PushPublisher } from './publisher.js';
import { type ShopDirectory, shopsEnv, shopsOf } from './shops.js';

export interface WebhookRouteDeps {
  connectors: Readonly<Record<string, AnyChannelConnector>>;
  shops: ShopDirectory;
  ingestor: PushIngestor;
  metrics: GatewayMetrics;
  log: Logger;
}

/**
 * POST /webhooks/:channel/:shopId: the HTTP face of the push connectors. Bodies are raw bytes (the
 * hub server's parser), because signatures are computed over the exact bytes.
 */
export function registerWebhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): void {
  app.post<{ Params: { channel: string; shopId: string } }>('/webhooks/:channel/:shopId', async (req, reply) => {
    const started = performance.now();
    const { channel, shopId } = req.params;
    const connector = deps.connectors[channel];
    if (!connector) return reply.code(404).send({ error: `unknown channel "${channel}"` });
    const shop = deps.shops.get(channel, shopId);
    if (!shop) {
      deps.metrics.pushes.inc({ channel, outcome: 'rejected', reason: 'unknown_shop' });
      return reply.code(404).send({ error: `unknown shop "${shopId}" on ${channel}` });
    }
    const query = req.query as Record<string, string | undefined>;
    const result = await deps.ingestor.ingest(connector, shop, { headers: req.headers, query, rawBody: rawBodyOf(req), receivedAt: Date.now() });
    deps.metrics.pushes.inc({ channel, outcome: result.outcome, reason: result.code ?? '' });
    deps.metrics.ackLatency.observe({ channel }, (performance.now() - started) / 1000);
    const logged = { channel, shopId, outcome: result.outcome, orderKeys: result.orderKeys, reason: result.reason };
    if (result.status >= 500) deps.log.warn(logged, 'push not stored; platform should retry');
    else if (result.status >= 400) deps.log.info(logged, 'push rejected');
    else deps.log.debug(logged, 'push stored');
    if (result.status < 300 && connector.ackBody) return reply.code(result.status).send(connector.ackBody());
    return reply
      .code(result.status)
      .send(
        result.status < 300 ? { ok: true, outcome: result.outcome, eventIds: result.eventIds } : { ok: false, outcome: result.outcome, error: result.reason },
      );
  });
}

/**
 * The webhook gateway: every push is verified, parsed and normalized by its channel's connector,
 * written durably (raw bytes, canonical events, dead letters) and only then acknowledged.
 */
export const webhookGateway = defineProcessor({
  name: 'gateway',
  kind: 'source',
  summary: 'channel webhooks: verify → parse → normalize → Kafka, acknowledged only once durable; dedupe of redeliveries',
  inputs: {},
  outputs: {
    channelRaw: 'writes every accepted push exactly as received (webhooks, WebSocket and polled sources, reconciliation), before its canonical events',
    orderEvents: 'writes the canonical events normalized from each push, keyed by orderKey',
    deadLetter: 'dead-letters pushes that are authentic but cannot be mapped (source "gateway:<channel>")',
  },
  stores: [{ prefix: 'gw', kind: 'redis', holds: 'event ids stored in the last 3 days (redelivery answered "duplicate")' }],
  routes: [
    {
      method: 'POST',
      path: '/webhooks/:channel/:shopId',
      does: "a channel's signed push: 200 once durable, 401 bad signature, 400 bad payload, 503 Kafka away",
    },
  ],
  env: shopsEnv,
  options: (env, inputs): GatewayOptions => ({ shops: shopsOf(env, inputs) }),
  async start(ctx, opts: GatewayOptions) {
    const metrics = new GatewayMetrics(ctx.metrics);
    const ingestor = new PushIngestor(new PushPublisher((batch) => ctx.publishBatch(batch)), ctx.redis, ctx.namespace);
    registerWebhookRoutes(ctx.http, { connectors: CONNECTORS, shops: opts.shops, ingestor, metrics, log: ctx.log });
    return {};
  },
});

export interface GatewayOptions {
  shops: ShopDirectory;
}
