import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Producer } from 'kafkajs';
import type { Logger } from '../../lib/logger.js';
import { publish } from '../../lib/publish.js';
import type { TopicSerde } from '../../topics/serde.js';
import type { WmsDirectory } from './directory.js';
import { scanRecords, wmsScanPushSchema } from './scans.js';
import { verifyWmsSignature } from './signature.js';

export interface WmsRouteDeps {
  warehouses: WmsDirectory;
  producer: Producer;
  serde: TopicSerde;
  namespace: string;
  log: Logger;
  redis: Redis;
}

/** Scans already stored: a repeat push is answered without writing again (ids make a rewrite harmless anyway). */
const SEEN_TTL_SECONDS = 7 * 24 * 3600;

/**
 * POST /wms/:warehouse/scans — a warehouse's signed scan push (one scan or an array). Answered
 * 200 only once its fulfilment events (and the scan-out's stock movement) are durable in Kafka;
 * 503 when Kafka is away, so the WMS pushes again. Registered in its own encapsulated scope with
 * a raw-body parser, because the signature covers the exact bytes.
 */
export function registerWmsRoutes(app: FastifyInstance, deps: WmsRouteDeps): void {
  const seenKey = (warehouse: string, scanId: string) => `{${deps.namespace}}:wms-scans:seen:${warehouse}:${scanId}`;
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    scope.post<{ Params: { warehouse: string } }>('/wms/:warehouse/scans', async (req, reply) => {
      const { warehouse } = req.params;
      const wms = deps.warehouses.get(warehouse);
      if (!wms) return reply.code(404).send({ ok: false, error: `unknown warehouse "${warehouse}"` });
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verified = verifyWmsSignature(wms.secret, req.headers, rawBody);
      if (!verified.ok) {
        deps.log.info({ warehouse, reason: verified.reason }, 'wms scan push rejected');
        return reply.code(401).send({ ok: false, error: verified.reason });
      }
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return reply.code(400).send({ ok: false, error: 'invalid JSON: the body does not parse' });
      }
      const parsed = wmsScanPushSchema.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
        return reply.code(400).send({ ok: false, error: `scan push does not match the WMS scan schema: ${issues.join('; ')}` });
      }
      const scans = parsed.data;
      const seen = await deps.redis.mget(...scans.map((s) => seenKey(warehouse, s.scanId))).catch(() => scans.map(() => null));
      const fresh = scans.filter((_, i) => seen[i] === null);
      const records = fresh.map((s) => scanRecords(warehouse, s));
      try {
        if (records.length > 0) {
          await publish(deps.producer, deps.serde, deps.namespace, 'fulfilmentEvents', records.map((r) => ({ key: r.event.orderKey, value: r.event })));
          const movements = records.flatMap((r) => (r.movement ? [r.movement] : []));
          if (movements.length > 0) await publish(deps.producer, deps.serde, deps.namespace, 'stockMovements', movements.map((m) => ({ key: m.sku, value: m })));
        }
      } catch (err) {
        deps.log.warn({ warehouse, scans: scans.length, err: (err as Error).message }, 'wms scans not stored; the WMS should push again');
        return reply.code(503).send({ ok: false, error: 'scans could not be stored durably; push again' });
      }
      if (fresh.length > 0) {
        const marks = deps.redis.multi();
        for (const s of fresh) marks.set(seenKey(warehouse, s.scanId), '1', 'EX', SEEN_TTL_SECONDS);
        await marks.exec().catch(() => null); // only an optimisation: the ids make a rewrite harmless
      }
      deps.log.debug({ warehouse, stored: fresh.length, duplicates: scans.length - fresh.length }, 'wms scans stored');
      return reply.code(200).send({ ok: true, stored: fresh.length, duplicates: scans.length - fresh.length, eventIds: scans.map((s) => scanRecords(warehouse, s).event.eventId) });
    });
  });
}
