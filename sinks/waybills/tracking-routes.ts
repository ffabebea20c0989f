import type { FastifyInstance } from 'fastify';
import type { Producer } from 'kafkajs';
import type { Logger } from '../../lib/logger.js';
import { publish } from '../../lib/publish.js';
import type { TopicSerde } from '../../topics/serde.js';
import type { CarrierDirectory } from '../carriers/directory.js';
import { CARRIERS } from '../carriers/registry.js';

export interface TrackingRouteDeps {
  carriers: CarrierDirectory;
  producer: Producer;
  serde: TopicSerde;
  namespace: string;
  log: Logger;
  /** A push not in Kafka within this time is answered 503 (the carrier pushes again). Default 5 s. */
  publishTimeoutMs?: number;
}

/**
 * POST /carriers/:carrier/tracking — a carrier's route push: signature (401 with the reason),
 * payload (400 with the reason), FulfilmentEvents durably in Kafka, then the carrier's own
 * success body. Kafka away: 503, so the carrier retries. Registered as an encapsulated plugin
 * that reads bodies as raw bytes (signatures are over the exact bytes), whatever the host app does.
 */
export function registerTrackingRoutes(app: FastifyInstance, deps: TrackingRouteDeps): void {
  const timeoutMs = deps.publishTimeoutMs ?? 5000;
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    scope.post<{ Params: { carrier: string } }>('/carriers/:carrier/tracking', async (req, reply) => {
      const code = req.params.carrier.toLowerCase();
      const adapter = CARRIERS[code];
      const account = deps.carriers.get(code);
      if (!adapter || !account) return reply.code(404).send({ ok: false, error: `unknown carrier "${req.params.carrier}"` });
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const parsed = adapter.parseTrackingPush({ headers: req.headers, query: req.query as Record<string, string | undefined>, rawBody, receivedAt: Date.now() }, account);
      if (!parsed.ok) {
        deps.log.info({ carrier: code, status: parsed.status, reason: parsed.reason }, 'tracking push rejected');
        return reply.code(parsed.status).send({ ok: false, error: parsed.reason });
      }
      try {
        await withTimeout(publish(deps.producer, deps.serde, deps.namespace, 'fulfilmentEvents', parsed.events.map((e) => ({ key: e.orderKey, value: e }))), timeoutMs);
      } catch (err) {
        deps.log.warn({ carrier: code, events: parsed.events.length, err: (err as Error).message }, 'tracking push not stored; carrier should retry');
        return reply.code(503).send({ ok: false, error: 'temporarily unavailable, push again' });
      }
      const ack = adapter.trackingAck();
      return reply.code(200).type(ack.contentType).send(ack.body);
    });
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`not acknowledged within ${ms} ms`)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
