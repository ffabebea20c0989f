import { z } from 'zod';
import type { CarrierDirectory } from '../../connectors/carriers/directory.js';
import { CARRIERS } from '../../connectors/carriers/registry.js';
import { carriersEnv, carriersOf } from '../../connectors/carriers/tracking-routes.js';
import { defineProcessor } from '../../lib/processor/definition.js';
import type { RetryPolicy } from '../../lib/retry.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import { DEFAULT_RETRY, outputsOf, type WaybillOutcome } from './core.js';
import { DEFAULT_LABELS, type LabelSettings, renderLabel } from './label.js';
import { Limiter } from './limit.js';
import { obtainWaybill } from './obtain.js';
import { WaybillStore } from './store.js';

export interface WaybillServiceOptions {
  carriers: CarrierDirectory;
  /** Default: 4 attempts within 8 s. */
  retry?: RetryPolicy;
  /** Carrier calls in flight per carrier (each carrier has its own limit and rate). Default 128. */
  concurrency?: number;
  /** Label format per warehouse (default ZPL everywhere) and the PDF's CJK font. */
  labels?: LabelSettings;
}

/**
 * Carrier calls in flight per carrier, per service instance. Throughput per carrier is at most
 * this / the carrier's answer time (Little's law): 128 at 150 ms ≈ 850 waybills/s. Lower it to
 * what the carrier account's QPS contract allows.
 */
export const WAYBILL_CONCURRENCY = 128;

/**
 * For every routed shipment: a waybill from its carrier, a print job for the warehouse's label
 * printer and a WAYBILL_ISSUED event — or a WAYBILL_FAILED with the reason, never a crash or a
 * silent drop. Each shipment's outputs are written as soon as its answer is in (one slow carrier
 * does not hold the others' labels); offsets are committed once the whole batch is durable.
 *
 * Exactly once: the outcome is remembered per shipmentId before it is written, so a redelivered
 * shipment re-emits the same outputs (same ids, same bytes) without asking again; and the
 * carrier answers a repeated order id (the shipmentId) with the same waybill anyway.
 */
export const waybillService = defineProcessor({
  name: 'waybills',
  kind: 'sink',
  summary: 'one e-waybill per shipment from its carrier (SF, ZTO, YTO, JD), exactly once; the label onto the print queue',
  inputs: { warehouseOrders: "asks each shipment's carrier for an e-waybill (≤ OMNISTREAM_WAYBILL_CONCURRENCY per carrier at once)" },
  outputs: {
    printQueue: 'writes the print-ready label (ZPL or PDF) of each issued waybill, keyed by warehouse',
    fulfilmentEvents: "writes WAYBILL_ISSUED with the waybill number, or WAYBILL_FAILED with the carrier's reason",
  },
  stores: [{ prefix: 'waybill', kind: 'redis', holds: 'the outcome per shipment (waybill number or final failure)' }],
  env: carriersEnv.extend({
    /** E-waybill requests in flight per carrier: its rate limit × its answer time. */
    OMNISTREAM_WAYBILL_CONCURRENCY: z.coerce.number().int().min(1).default(WAYBILL_CONCURRENCY),
  }),
  options: (env, inputs): WaybillServiceOptions => ({
    carriers: carriersOf(env, inputs),
    concurrency: env.OMNISTREAM_WAYBILL_CONCURRENCY,
  }),
  async start(ctx, opts: WaybillServiceOptions) {
    const store = new WaybillStore(ctx.redis, ctx.namespace);
    // One limiter per carrier: a slow or throttling carrier uses up its own slots, not the others'.
    const limiters = new Map<string, Limiter>();
    const limiterFor = (carrier: string): Limiter => {
      const code = carrier.toLowerCase();
      let limiter = limiters.get(code);
      if (!limiter) {
        limiter = new Limiter(opts.concurrency ?? WAYBILL_CONCURRENCY);
        limiters.set(code, limiter);
      }
      return limiter;
    };
    const retry = opts.retry ?? DEFAULT_RETRY;

    /** Asks the carrier; remembers the outcome unless it may change on a later try. */
    const decide = async (s: Shipment): Promise<WaybillOutcome> => {
      const adapter = CARRIERS[s.carrier.toLowerCase()];
      const account = opts.carriers.get(s.carrier);
      // Configuration problems are not remembered: once fixed, a redelivery or re-publish succeeds.
      if (!adapter) return { kind: 'FAILED', reason: `no adapter for carrier "${s.carrier}"`, at: Date.now() };
      if (!account) return { kind: 'FAILED', reason: `no account configured for carrier "${s.carrier}"`, at: Date.now() };
      const { result, attempts } = await obtainWaybill(adapter, s, account, retry);
      if (result.ok)
        return store.remember(s.shipmentId, { kind: 'ISSUED', waybillNo: result.value.waybillNo, sortCode: result.value.sortCode ?? null, at: Date.now() });
      ctx.log.warn({ shipmentId: s.shipmentId, carrier: s.carrier, attempts, reason: result.reason }, 'waybill request failed');
      const failed: WaybillOutcome = { kind: 'FAILED', reason: result.reason, at: Date.now() };
      // A carrier's own "no" is final and remembered; an outage that outlasted the retries is not.
      return result.retryable ? failed : store.remember(s.shipmentId, failed);
    };

    const emit = async (s: Shipment, outcome: WaybillOutcome): Promise<void> => {
      const label = await renderLabel(s, outcome, CARRIERS[s.carrier.toLowerCase()]?.displayName ?? s.carrier, opts.labels ?? DEFAULT_LABELS);
      const out = outputsOf(s, outcome, label);
      // The label before the event (one request, topics in this order): an announced waybill is printable.
      await ctx.publishBatch({
        ...(out.printJob ? { printQueue: [{ key: s.warehouse, value: out.printJob }] } : {}),
        fulfilmentEvents: [{ key: s.orderKey, value: out.event }],
      });
    };

    await ctx.consume(async (records) => {
      const shipments = new Map<string, Shipment>();
      for (const r of records) shipments.set(r.value.shipmentId, r.value);
      const known = await store.getMany([...shipments.keys()]);
      await Promise.all(
        [...shipments.values()].map((s) => {
          const remembered = known.get(s.shipmentId);
          return remembered
            ? emit(s, remembered)
            : limiterFor(s.carrier)
                .run(() => decide(s))
                .then((outcome) => emit(s, outcome));
        }),
      );
    });
    return {};
  },
});
