import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.js';

export interface HubServerOptions {
  metrics: Registry;
  log: Logger;
  /** Readiness: true while the hub can store what it is sent (Kafka and Redis connected). */
  ready(): boolean;
  bodyLimitBytes?: number;
}

/**
 * The one HTTP server of a hub process, shared by every part with routes (webhooks, WMS scans,
 * carrier tracking): health, readiness and metrics, bodies kept as raw bytes (signatures are over
 * the exact bytes), and every framework error answered with its reason, never a crash.
 */
export function createHubServer(opts: HubServerOptions): FastifyInstance {
  // Fastify's own request logging is off: routes log one line per request, without headers or body.
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: opts.bodyLimitBytes ?? 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => (opts.ready() ? { status: 'ready' } : reply.code(503).send({ status: 'starting' })));
  app.get('/metrics', async (_req, reply) => reply.type(opts.metrics.contentType).send(await opts.metrics.metrics()));

  // Oversized or unparsable requests: fastify's own errors, answered with the reason.
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) opts.log.error({ err }, 'http error');
    return reply.code(status).send({ ok: false, error: err.message });
  });
  return app;
}

/** The request body as the exact bytes received. */
export function rawBodyOf(req: { body: unknown }): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}
