import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { rawBodyOf } from '../../lib/http.js';
import type { Logger } from '../../lib/logger.js';
import { defineProcessor, given } from '../../lib/processor/definition.js';
import type { OutputBatch } from '../../lib/publish.js';
import { redisPrefix } from '../../lib/redis-keys.js';
import { loadWmsDirectory, WmsDirectory } from './directory.js';
import { scanRecords, wmsScanPushSchema } from './scans.js';
import { verifyWmsSignature } from './signature.js';

export interface WmsRouteDeps {
  warehouses: WmsDirectory;
  /** Writes the scans' records durably (the part's publishBatch). */
  write(batch: OutputBatch<'fulfilmentEvents' | 'stockMovements'>): Promise<void>;
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
  const seenKey = (warehouse: string, scanId: string) => `${redisPrefix(deps.namespace, 'wms-scans')}seen:${warehouse}:${scanId}`;
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    scope.post<{ Params: { warehouse: string } }>('/wms/:warehouse/scans', async (req, reply) => {
      const { warehouse } = req.params;
      const wms = deps.warehouses.get(warehouse);
      if (!wms) return reply.code(404).send({ ok: false, error: `unknown warehouse "${warehouse}"` });
      const rawBody = rawBodyOf(req);
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
        // One request, events before movements: a scan-out's stock effect never precedes its SHIPPED.
        await deps.write({
          fulfilmentEvents: records.map((r) => ({ key: r.event.orderKey, value: r.event })),
          stockMovements: records.flatMap((r) => (r.movement ? [{ key: r.movement.sku, value: r.movement }] : [])),
        });
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
      return reply
        .code(200)
        .send({ ok: true, stored: fresh.length, duplicates: scans.length - fresh.length, eventIds: scans.map((s) => scanRecords(warehouse, s).event.eventId) });
    });
  });
}

/** OMNISTREAM_WMS: the warehouses' WMS as JSON, code → {secret, endpoint} (default: development values). */
export const wmsEnv = z.object({ OMNISTREAM_WMS: z.string().optional() });

export function wmsOf(env: z.output<typeof wmsEnv>, inputs: Readonly<Record<string, unknown>>): WmsDirectory {
  return given(inputs, 'wms', WmsDirectory) ?? loadWmsDirectory(env.OMNISTREAM_WMS);
}

/** Warehouse scans pushed by each WMS, signed, into fulfilment events and the scan-out's stock movement. */
export const wmsScans = defineProcessor({
  name: 'wms-scans',
  part: 'gateway',
  kind: 'source',
  summary: "warehouse scans (signed WMS pushes) → picked / packed / shipped; a scan-out ships the order's stock hold",
  inputs: {},
  outputs: {
    fulfilmentEvents: 'writes the warehouse\'s signed scans (POST /wms/<warehouse>/scans) as PICKED, PACKED and SHIPPED, source "wms:<warehouse>"',
    stockMovements: "writes one SCAN_OUT movement per parcel scanned out, so the inventory ships the order's hold",
  },
  stores: [{ prefix: 'wms-scans', kind: 'redis', holds: 'scan ids stored in the last 7 days (a repeated push writes nothing)' }],
  routes: [{ method: 'POST', path: '/wms/:warehouse/scans', does: 'one scan or an array, HMAC-SHA256 over timestamp.body: 200 once durable, 401, 400, 503' }],
  env: wmsEnv,
  options: (env, inputs) => ({ warehouses: wmsOf(env, inputs) }),
  async start(ctx, opts: { warehouses: WmsDirectory }) {
    registerWmsRoutes(ctx.http, {
      warehouses: opts.warehouses,
      write: (batch) => ctx.publishBatch(batch),
      namespace: ctx.namespace,
      redis: ctx.redis,
      log: ctx.log,
    });
    return {};
  },
});
