import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { startBatchConsumer } from '../../lib/batch-consumer.js';
import { GroupCommitSender } from '../../lib/group-commit.js';
import type { Logger } from '../../lib/logger.js';
import { topicName } from '../../topics/catalog.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import type { TopicSerde } from '../../topics/serde.js';
import type { CarrierDirectory } from '../carriers/directory.js';
import { CARRIERS } from '../carriers/registry.js';
import { DEFAULT_RETRY, outputsOf, type RetryPolicy, type WaybillOutcome } from './core.js';
import { DEFAULT_LABELS, renderLabel, type LabelSettings } from './label.js';
import { Limiter } from './limit.js';
import { obtainWaybill } from './obtain.js';
import { WaybillStore } from './store.js';
import { WAYBILL_CONCURRENCY, WAYBILL_GROUP, WAYBILL_INPUT } from './topology.js';

export interface WaybillServiceDeps {
  kafka: Kafka;
  serde: TopicSerde;
  redis: Redis;
  producer: Producer;
  namespace: string;
  log: Logger;
  carriers: CarrierDirectory;
  /** Default: 4 attempts within 8 s. */
  retry?: RetryPolicy;
  /** Carrier calls in flight per carrier (each carrier has its own limit and rate). Default 128. */
  concurrency?: number;
  /** Label format per warehouse (default ZPL everywhere) and the PDF's CJK font. */
  labels?: LabelSettings;
}

export interface WaybillService {
  consumer: Consumer;
  disconnect(): Promise<void>;
}

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
export async function startWaybillService(deps: WaybillServiceDeps): Promise<WaybillService> {
  const store = new WaybillStore(deps.redis, deps.namespace);
  const sender = new GroupCommitSender(deps.producer);
  // One limiter per carrier: a slow or throttling carrier uses up its own slots, not the others'.
  const limiters = new Map<string, Limiter>();
  const limiterFor = (carrier: string): Limiter => {
    const code = carrier.toLowerCase();
    let limiter = limiters.get(code);
    if (!limiter) limiters.set(code, (limiter = new Limiter(deps.concurrency ?? WAYBILL_CONCURRENCY)));
    return limiter;
  };
  const retry = deps.retry ?? DEFAULT_RETRY;
  const printTopic = topicName(deps.namespace, 'printQueue');
  const eventTopic = topicName(deps.namespace, 'fulfilmentEvents');

  /** Asks the carrier; remembers the outcome unless it may change on a later try. */
  const decide = async (s: Shipment): Promise<WaybillOutcome> => {
    const adapter = CARRIERS[s.carrier.toLowerCase()];
    const account = deps.carriers.get(s.carrier);
    // Configuration problems are not remembered: once fixed, a redelivery or re-publish succeeds.
    if (!adapter) return { kind: 'FAILED', reason: `no adapter for carrier "${s.carrier}"`, at: Date.now() };
    if (!account) return { kind: 'FAILED', reason: `no account configured for carrier "${s.carrier}"`, at: Date.now() };
    const { result, attempts } = await obtainWaybill(adapter, s, account, retry);
    if (result.ok) return store.remember(s.shipmentId, { kind: 'ISSUED', waybillNo: result.waybillNo, sortCode: result.sortCode ?? null, at: Date.now() });
    deps.log.warn({ shipmentId: s.shipmentId, carrier: s.carrier, attempts, reason: result.reason }, 'waybill request failed');
    const failed: WaybillOutcome = { kind: 'FAILED', reason: result.reason, at: Date.now() };
    // A carrier's own "no" is final and remembered; an outage that outlasted the retries is not.
    return result.retryable ? failed : store.remember(s.shipmentId, failed);
  };

  const emit = async (s: Shipment, outcome: WaybillOutcome): Promise<void> => {
    const label = await renderLabel(s, outcome, CARRIERS[s.carrier.toLowerCase()]?.displayName ?? s.carrier, deps.labels ?? DEFAULT_LABELS);
    const out = outputsOf(s, outcome, label);
    const batch = [{ topic: eventTopic, messages: [{ key: s.orderKey, value: await deps.serde.encode('fulfilmentEvents', out.event) }] }];
    if (out.printJob) batch.unshift({ topic: printTopic, messages: [{ key: s.warehouse, value: await deps.serde.encode('printQueue', out.printJob) }] });
    await sender.send(batch);
  };

  const consumer = await startBatchConsumer({
    kafka: deps.kafka, serde: deps.serde, namespace: deps.namespace, group: WAYBILL_GROUP, topics: [WAYBILL_INPUT],
    log: deps.log, producer: deps.producer,
    handle: async (records) => {
      const shipments = new Map<string, Shipment>();
      for (const r of records) shipments.set((r.value as Shipment).shipmentId, r.value as Shipment);
      const known = await store.getMany([...shipments.keys()]);
      await Promise.all([...shipments.values()].map((s) => {
        const remembered = known.get(s.shipmentId);
        return remembered ? emit(s, remembered) : limiterFor(s.carrier).run(() => decide(s)).then((outcome) => emit(s, outcome));
      }));
    },
  });

  return {
    consumer,
    async disconnect() {
      await consumer.disconnect();
    },
  };
}
