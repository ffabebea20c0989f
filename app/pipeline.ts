import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { CarrierDirectory } from '../connectors/carriers/directory.js';
import type { ShopDirectory } from '../connectors/gateway/shops.js';
import { CONNECTORS } from '../connectors/registry.js';
import type { WmsDirectory } from '../connectors/wms/directory.js';
import { createHubServer } from '../lib/http.js';
import { createDurableProducer, createKafka } from '../lib/kafka.js';
import { waitUntilCaughtUp } from '../lib/lag.js';
import type { Logger } from '../lib/logger.js';
import { type AnyProcessorDefinition, consumerGroupsOf, type PartInputs, partOf } from '../lib/processor/definition.js';
import { type Running, runProcessor } from '../lib/processor/run.js';
import type { Runtime } from '../lib/processor/runtime.js';
import { ensureTopics } from '../lib/topic-admin.js';
import { type DivergenceProcessor, divergenceProcessor } from '../processors/divergence/processor.js';
import { type InventoryProcessor, inventoryProcessor } from '../processors/inventory/processor.js';
import { type WavePlanner, wavePlanner } from '../processors/waves/processor.js';
import { allTopicNames, type TopicId } from '../topics/catalog.js';
import { TopicSerde } from '../topics/serde.js';
import type { Config } from './config.js';
import { COMPONENTS, PIPELINE_PARTS, type PipelinePart } from './parts.js';

export interface Pipeline {
  /** Base URL of the hub's HTTP server (webhooks, scans, tracking), e.g. http://127.0.0.1:8080; '' when no part serves routes. */
  url: string;
  serde: TopicSerde;
  pool: pg.Pool;
  redis: Redis;
  /** The running components, by name. */
  components: ReadonlyMap<string, Running<object>>;
  /** Releases unpaid locks that are due now (the processor's timer does this every second). */
  expireDue(): Promise<number>;
  /** Releases picking waves that are due now (the planner's timer does this every second). */
  releaseWaves(now?: number): Promise<number>;
  /** Evaluates divergence deadlines that passed (the processor's timer does this every second). */
  checkDivergences(now?: number): Promise<number>;
  /** Resolves when every running consumer group has committed everything written so far. */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface PipelineOptions {
  /** Which parts to run in this process (default: all; given, only those set to true). */
  parts?: Partial<Record<PipelinePart, boolean>>;
  host?: string;
  /** The seller's shops (default: OMNISTREAM_SHOPS / OMNISTREAM_SHOPS_FILE). */
  shops?: ShopDirectory;
  /** Carrier accounts (default: OMNISTREAM_CARRIERS, else the local simulators' defaults). */
  carriers?: CarrierDirectory;
  /** Warehouses' WMS (default: OMNISTREAM_WMS, else development values). */
  wms?: WmsDirectory;
  /**
   * Options laid over a component's own (by component name), e.g. `{ divergence: { now: () => clock } }`:
   * tests hold a component's clock this way and drive its timer themselves.
   */
  overrides?: Readonly<Record<string, object>>;
}

/**
 * Assembles the hub from its registry: topics and schemas first, then each selected component in
 * registry order on one shared runtime (clients, metrics, HTTP server), then the HTTP server listens.
 * One process may run all parts or any subset (`omnistream run --only`).
 */
export async function startPipeline(config: Config, log: Logger, opts: PipelineOptions = {}): Promise<Pipeline> {
  const unknown = Object.keys(opts.parts ?? {}).filter((p) => !PIPELINE_PARTS.includes(p));
  if (unknown.length > 0) throw new Error(`unknown part(s) ${unknown.join(', ')}; known: ${PIPELINE_PARTS.join(', ')}`);
  // No `parts`: everything. Given: exactly the parts set to true.
  const selected = (COMPONENTS as readonly AnyProcessorDefinition[]).filter((c) => (opts.parts ? opts.parts[partOf(c)] === true : true));
  const ns = config.OMNISTREAM_NAMESPACE;
  const channels = Object.keys(CONNECTORS);

  const kafka = createKafka(config.KAFKA_BROKERS, 'omnistream', log);
  const admin = kafka.admin();
  await admin.connect();
  const created = await ensureTopics(admin, ns, channels);
  if (created.length > 0) log.info({ topics: created }, 'topics created');
  const serde = TopicSerde.connect(config.SCHEMA_REGISTRY_URL, ns);
  await serde.registerAll();

  const producer = createDurableProducer(kafka);
  // Readiness follows the producer: while it is disconnected the gateway could only answer 503.
  let producerConnected = false;
  producer.on(producer.events.CONNECT, () => {
    producerConnected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    producerConnected = false;
  });
  await producer.connect();
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
  await redis.ping(); // fail at start-up, with the reason, rather than on the first order
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 6 });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const http: FastifyInstance | undefined = selected.some((c) => (c.routes ?? []).length > 0)
    ? createHubServer({ metrics, log, ready: () => producerConnected && redis.status === 'ready' })
    : undefined;
  const runtime: Runtime = { namespace: ns, kafka, producer, serde, redis, log, metrics, channels, pool, http };

  const running = new Map<string, Running<object>>();
  const closeClients = async () => {
    await producer.disconnect();
    await admin.disconnect();
    redis.disconnect();
    await pool.end();
  };
  // Handed to every component that knows them by name (the rest come from the environment).
  const inputs: PartInputs = Object.fromEntries(
    Object.entries({ shops: opts.shops, carriers: opts.carriers, wms: opts.wms }).filter(([, v]) => v !== undefined),
  );
  try {
    for (const def of selected) running.set(def.name, await runProcessor(def, runtime, { ...def.options(config, inputs), ...opts.overrides?.[def.name] }));
  } catch (err) {
    for (const r of [...running.values()].reverse()) await r.stop().catch(() => {});
    await closeClients();
    throw err;
  }
  const url = http ? (await http.listen({ host: opts.host ?? '127.0.0.1', port: config.OMNISTREAM_HTTP_PORT })).replace('[::1]', '127.0.0.1') : '';

  const part = <H extends object>(name: string) => running.get(name) as Running<H> | undefined;
  // Upstream first, each twice idle in a row (waitUntilCaughtUp): output written while we look is seen downstream.
  const groups = selected.flatMap((def) =>
    consumerGroupsOf(def).map(({ group, topics: ids }) => ({
      groupId: ns ? `${ns}.${group}` : group,
      topics: allTopicNames(ns, channels)
        .filter((t) => ids.includes(t.id as TopicId))
        .map((t) => t.name),
    })),
  );
  return {
    url,
    serde,
    pool,
    redis,
    components: running,
    expireDue: async () => (await part<InventoryProcessor>(inventoryProcessor.name)?.expireDue()) ?? 0,
    releaseWaves: async (now) => (await part<WavePlanner>(wavePlanner.name)?.releaseDue(now)) ?? 0,
    checkDivergences: async (now) => (await part<DivergenceProcessor>(divergenceProcessor.name)?.tick(now)) ?? 0,
    drain: (timeoutMs) => waitUntilCaughtUp(admin, groups, timeoutMs),
    async stop() {
      await http?.close();
      for (const r of [...running.values()].reverse()) await r.stop();
      await closeClients();
    },
  };
}
