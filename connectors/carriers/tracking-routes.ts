import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { rawBodyOf } from '../../lib/http.js';
import type { Logger } from '../../lib/logger.js';
import { defineProcessor, given } from '../../lib/processor/definition.js';
import type { KeyedRecord } from '../../lib/publish.js';
import type { FulfilmentEvent } from '../../topics/schemas/fulfilment-event.js';
import { CarrierDirectory, loadCarrierDirectory } from './directory.js';
import { CARRIERS } from './registry.js';

export interface TrackingRouteDeps {
  carriers: CarrierDirectory;
  /** Writes the events durably (the part's publish). */
  write(records: KeyedRecord<FulfilmentEvent>[]): Promise<void>;
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
      const rawBody = rawBodyOf(req);
      const parsed = adapter.parseTrackingPush(
        { headers: req.headers, query: req.query as Record<string, string | undefined>, rawBody, receivedAt: Date.now() },
        account,
      );
      if (!parsed.ok) {
        const status = parsed.code === 'signature' ? 401 : 400;
        deps.log.info({ carrier: code, status, reason: parsed.reason }, 'tracking push rejected');
        return reply.code(status).send({ ok: false, error: parsed.reason });
      }
      try {
        await withTimeout(deps.write(parsed.value.map((e) => ({ key: e.orderKey, value: e }))), timeoutMs);
      } catch (err) {
        deps.log.warn({ carrier: code, events: parsed.value.length, err: (err as Error).message }, 'tracking push not stored; carrier should retry');
        return reply.code(503).send({ ok: false, error: 'temporarily unavailable, push again' });
      }
      const ack = adapter.trackingAck();
      return reply.code(200).type(ack.contentType).send(ack.body);
    });
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not acknowledged within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** OMNISTREAM_CARRIERS: carrier accounts and endpoints as JSON by code (default: the local simulators). */
export const carriersEnv = z.object({ OMNISTREAM_CARRIERS: z.string().optional() });

export function carriersOf(env: z.output<typeof carriersEnv>, inputs: Readonly<Record<string, unknown>>): CarrierDirectory {
  return given(inputs, 'carriers', CarrierDirectory) ?? loadCarrierDirectory({ OMNISTREAM_CARRIERS: env.OMNISTREAM_CARRIERS });
}

/** Carriers' signed tracking pushes into fulfilment events. */
export const carrierTracking = defineProcessor({
  name: 'carrier-tracking',
  part: 'gateway',
  kind: 'source',
  summary: 'carrier tracking pushes (SF, ZTO, YTO, JD; signed) → collected / in transit / delivered / exception',
  inputs: {},
  outputs: {
    fulfilmentEvents:
      'writes carriers\' signed tracking pushes (POST /carriers/<carrier>/tracking) as COLLECTED, IN_TRANSIT, DELIVERED or CARRIER_EXCEPTION, source "tracking:<carrier>"',
  },
  routes: [
    {
      method: 'POST',
      path: '/carriers/:carrier/tracking',
      does: "a carrier's route push in its own format and signature: its success body once durable, 401, 400, 503",
    },
  ],
  env: carriersEnv,
  options: (env, inputs) => ({ carriers: carriersOf(env, inputs) }),
  async start(ctx, opts: { carriers: CarrierDirectory }) {
    registerTrackingRoutes(ctx.http, { carriers: opts.carriers, write: (records) => ctx.publish('fulfilmentEvents', records), log: ctx.log });
    return {};
  },
});
