import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../../lib/logger.js';
import type { ChannelConnector } from '../contract.js';
import type { PushIngestor } from './ingest.js';
import type { GatewayMetrics } from './metrics.js';
import type { ShopDirectory } from './shops.js';

export interface GatewayDeps {
  connectors: Readonly<Record<string, ChannelConnector<any>>>;
  shops: ShopDirectory;
  ingestor: PushIngestor;
  metrics: GatewayMetrics;
  log: Logger;
  /** Readiness: true once Kafka and the registry answered. */
  ready: () => boolean;
  bodyLimitBytes?: number;
}

/**
 * The HTTP face of the push connectors: POST /webhooks/:channel/:shopId, plus health, readiness
 * and metrics. Bodies are kept as raw bytes, because signatures are computed over the exact bytes.
 */
export function buildGateway(deps: GatewayDeps): FastifyInstance {
  // Fastify's own request logging is off: the route logs one line per push, without headers or body.
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: deps.bodyLimitBytes ?? 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => (deps.ready() ? { status: 'ready' } : reply.code(503).send({ status: 'starting' })));
  app.get('/metrics', async (_req, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));

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
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const query = req.query as Record<string, string | undefined>;
    const result = await deps.ingestor.ingest(connector, shop, { headers: req.headers, query, rawBody, receivedAt: Date.now() });
    deps.metrics.pushes.inc({ channel, outcome: result.outcome, reason: reasonLabel(result) });
    deps.metrics.ackLatency.observe({ channel }, (performance.now() - started) / 1000);
    const logged = { channel, shopId, outcome: result.outcome, orderKeys: result.orderKeys, reason: result.reason };
    if (result.status >= 500) deps.log.warn(logged, 'push not stored; platform should retry');
    else if (result.status >= 400) deps.log.info(logged, 'push rejected');
    else deps.log.debug(logged, 'push stored');
    if (result.status < 300 && connector.ackBody) return reply.code(result.status).send(connector.ackBody());
    return reply.code(result.status).send(
      result.status < 300 ? { ok: true, outcome: result.outcome, eventIds: result.eventIds } : { ok: false, outcome: result.outcome, error: result.reason },
    );
  });

  // Oversized or unparsable requests: fastify's own errors, answered with the reason, never a crash.
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) deps.log.error({ err }, 'gateway error');
    return reply.code(status).send({ ok: false, error: err.message });
  });
  return app;
}

/** A small, fixed set of metric label values: never a free-text reason. */
function reasonLabel(result: { outcome: string; status: number; reason?: string }): string {
  if (result.outcome === 'accepted' || result.outcome === 'duplicate') return '';
  if (result.status === 401) return 'signature';
  if (result.reason?.startsWith('invalid JSON')) return 'json';
  if (result.status === 400) return 'schema';
  if (result.status === 503) return result.reason?.startsWith('the same event is being stored') ? 'in_flight' : 'kafka';
  return 'unmapped';
}
