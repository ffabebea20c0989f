import { Redis } from 'ioredis';
import pg from 'pg';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { PushIngestor } from '../connectors/gateway/ingest.js';
import { GatewayMetrics } from '../connectors/gateway/metrics.js';
import { PushPublisher } from '../connectors/gateway/publisher.js';
import { buildGateway } from '../connectors/gateway/server.js';
import { CONNECTORS } from '../connectors/registry.js';
import { startReconcileSchedule } from '../connectors/reconcile/schedule.js';
import { startInventoryProcessor } from '../processors/inventory/processor.js';
import { INVENTORY_GROUP, INVENTORY_INPUTS } from '../processors/inventory/topology.js';
import { startPostgresSink } from '../sinks/postgres/sink.js';
import { startSyncBackExecutor } from '../connectors/sync-back/processor.js';
import { SYNC_BACK_COLLECTORS } from '../connectors/sync-back/metrics.js';
import { SYNC_BACK_GROUP } from '../connectors/sync-back/topology.js';
import { loadWmsDirectory, type WmsDirectory } from '../connectors/wms/directory.js';
import { startInterceptExecutor } from '../connectors/wms/intercept-executor.js';
import { registerWmsRoutes } from '../connectors/wms/routes.js';
import { INTERCEPT_GROUP, INTERCEPT_INPUTS } from '../connectors/wms/topology.js';
import { divergenceConfigFrom } from '../processors/divergence/config.js';
import { createDivergenceMetrics } from '../processors/divergence/metrics.js';
import { startDivergenceProcessor } from '../processors/divergence/processor.js';
import { RedisDivergenceStore } from '../processors/divergence/store.js';
import { DIVERGENCE_GROUP, DIVERGENCE_INPUTS } from '../processors/divergence/topology.js';
import { startRoutingProcessor } from '../processors/routing/processor.js';
import { loadRoutingRules } from '../processors/routing/rules.js';
import { ROUTING_GROUP, ROUTING_INPUTS } from '../processors/routing/topology.js';
import { startWavePlanner } from '../processors/waves/processor.js';
import { loadWaveRules } from '../processors/waves/rules.js';
import { WAVES_GROUP, WAVES_INPUTS } from '../processors/waves/topology.js';
import { loadCarrierDirectory, type CarrierDirectory } from '../sinks/carriers/directory.js';
import { SINK_GROUP, SINK_INPUTS } from '../sinks/postgres/topology.js';
import { startWaybillService } from '../sinks/waybills/processor.js';
import { WAYBILL_GROUP, WAYBILL_INPUT } from '../sinks/waybills/topology.js';
import { registerTrackingRoutes } from '../sinks/waybills/tracking-routes.js';
import { ensureTopics } from '../topics/admin.js';
import { channelCommandTopic, topicName, type TopicId } from '../topics/catalog.js';
import { TopicSerde } from '../topics/serde.js';
import type { Config } from './config.js';
import { createDurableProducer, createKafka } from './kafka.js';
import { waitUntilCaughtUp } from './lag.js';
import type { Logger } from './logger.js';

export interface Pipeline {
  /** Base URL of the webhook gateway, e.g. http://127.0.0.1:8080 */
  url: string;
  serde: TopicSerde;
  pool: pg.Pool;
  redis: Redis;
  /** Releases unpaid locks that are due now (the processor's timer does this every second). */
  expireDue(): Promise<number>;
  /** Releases picking waves that are due now (the planner's timer does this every second). */
  releaseWaves(now?: number): Promise<number>;
  /** Evaluates divergence deadlines that passed (the processor's timer does this every second). */
  checkDivergences(now?: number): Promise<number>;
  /** Resolves when the processor and the sink have committed everything written so far. */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface PipelineOptions {
  shops: ShopDirectory;
  /** Which parts to run in this process (default: all; given, only those set to true). */
  parts?: Partial<Record<PipelinePart, boolean>>;
  host?: string;
  /** Carrier accounts (default: OMNISTREAM_CARRIERS, else the local simulators' defaults). */
  carriers?: CarrierDirectory;
  /** Warehouses' WMS (default: OMNISTREAM_WMS, else development values). */
  wms?: WmsDirectory;
}

/**
 * The hub's parts; one process may run all of them or any subset:
 *   gateway     webhooks, WMS scans and carrier tracking over HTTP; WebSocket/poll sources; reconciliation
 *   inventory   stock reservations            sink        Postgres projections
 *   routing     paid orders → warehouse + carrier         waves       picking waves per warehouse
 *   waybills    e-waybills and labels from carriers       wms         warehouse interceptions
 *   divergence  status divergence detection               syncBack    channel commands (ship, re-read)
 */
export const PIPELINE_PARTS = ['gateway', 'inventory', 'sink', 'routing', 'waves', 'waybills', 'wms', 'divergence', 'syncBack'] as const;
export type PipelinePart = (typeof PIPELINE_PARTS)[number];

/**
 * Assembles the hub from configuration: topics and schemas first, then the inventory processor,
 * the Postgres sink and the webhook gateway. One process may run all parts or any subset.
 */
export async function startPipeline(config: Config, log: Logger, opts: PipelineOptions): Promise<Pipeline> {
  const ns = config.OMNISTREAM_NAMESPACE;
  // No `parts`: everything. Given: exactly the parts set to true.
  const parts = Object.fromEntries(PIPELINE_PARTS.map((p) => [p, opts.parts ? opts.parts[p] === true : true])) as Record<PipelinePart, boolean>;
  const kafka = createKafka(config.KAFKA_BROKERS, 'omnistream', log);
  const admin = kafka.admin();
  await admin.connect();
  const created = await ensureTopics(admin, ns, Object.keys(CONNECTORS));
  if (created.length > 0) log.info({ topics: created }, 'topics created');
  const serde = TopicSerde.connect(config.SCHEMA_REGISTRY_URL, ns);
  await serde.registerAll();

  const producer = createDurableProducer(kafka);
  // Readiness follows the producer: while it is disconnected the gateway could only answer 503.
  let producerConnected = false;
  producer.on(producer.events.CONNECT, () => { producerConnected = true; });
  producer.on(producer.events.DISCONNECT, () => { producerConnected = false; });
  await producer.connect();
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
  await redis.ping(); // fail at start-up, with the reason, rather than on the first order
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 6 });
  const stoppers: (() => Promise<void>)[] = [];
  let expireDue = async () => 0;
  let releaseWaves = async (_now?: number) => 0;
  let checkDivergences = async (_now?: number) => 0;
  const gatewayMetrics = new GatewayMetrics(true);
  const channels = Object.keys(CONNECTORS);
  const wms = opts.wms ?? loadWmsDirectory(config.OMNISTREAM_WMS);
  const carriers = opts.carriers ?? loadCarrierDirectory({ OMNISTREAM_CARRIERS: config.OMNISTREAM_CARRIERS });
  const part = (name: string) => ({ kafka, serde, redis, producer, namespace: ns, log: log.child({ component: name }) });

  if (parts.inventory) {
    const timeouts = config.OMNISTREAM_UNPAID_TIMEOUT_BY_CHANNEL;
    const inventory = await startInventoryProcessor({
      kafka, serde, redis, producer, namespace: ns, log: log.child({ component: 'inventory' }),
      warehouses: config.OMNISTREAM_WAREHOUSES, split: config.OMNISTREAM_SPLIT_RULE,
      unpaidTimeoutMs: (channel) => (timeouts.get(channel) ?? config.OMNISTREAM_UNPAID_TIMEOUT_MINUTES) * 60_000,
    });
    stoppers.push(() => inventory.disconnect());
    expireDue = () => inventory.expireDue();
  }
  if (parts.sink) {
    const sink = await startPostgresSink({ kafka, serde, pool, producer, schema: config.OMNISTREAM_PG_SCHEMA, namespace: ns, log: log.child({ component: 'sink-postgres' }) });
    stoppers.push(() => sink.disconnect());
  }
  if (parts.routing) {
    const routing = await startRoutingProcessor({ ...part('routing'), rules: loadRoutingRules(config.OMNISTREAM_ROUTING_RULES), warehouses: config.OMNISTREAM_WAREHOUSES });
    stoppers.push(() => routing.disconnect());
  }
  if (parts.waves) {
    const waves = await startWavePlanner({ ...part('waves'), rules: loadWaveRules(config.OMNISTREAM_ROUTING_RULES) });
    stoppers.push(() => waves.disconnect());
    releaseWaves = (now) => waves.releaseDue(now);
  }
  if (parts.waybills) {
    const waybills = await startWaybillService({ ...part('waybills'), carriers, concurrency: config.OMNISTREAM_WAYBILL_CONCURRENCY });
    stoppers.push(() => waybills.disconnect());
  }
  if (parts.wms) {
    const intercepts = await startInterceptExecutor({ ...part('wms-commands'), warehouses: wms });
    stoppers.push(() => intercepts.disconnect());
  }
  if (parts.divergence) {
    const metrics = createDivergenceMetrics(new RedisDivergenceStore(redis, ns), gatewayMetrics.registry);
    const divergence = await startDivergenceProcessor({ ...part('divergence'), config: divergenceConfigFrom(config), channels, metrics });
    stoppers.push(() => divergence.disconnect());
    checkDivergences = (now) => divergence.tick(now);
  }
  let url = '';
  let app: ReturnType<typeof buildGateway> | undefined;
  if (parts.gateway) {
    const ingestor = new PushIngestor(new PushPublisher(producer, serde, ns), redis, ns);
    app = buildGateway({ connectors: CONNECTORS, shops: opts.shops, ingestor, metrics: gatewayMetrics, log: log.child({ component: 'gateway' }), ready: () => producerConnected && redis.status === 'ready' });
    registerWmsRoutes(app, { warehouses: wms, producer, serde, namespace: ns, redis, log: log.child({ component: 'wms' }) });
    registerTrackingRoutes(app, { carriers, producer, serde, namespace: ns, log: log.child({ component: 'tracking' }) });
    for (const metric of SYNC_BACK_COLLECTORS) gatewayMetrics.registry.registerMetric(metric);
    url = await app.listen({ host: opts.host ?? '127.0.0.1', port: config.OMNISTREAM_HTTP_PORT });
    if (config.OMNISTREAM_RECONCILE_CRON !== 'off') {
      const reconcileLog = log.child({ component: 'reconcile' });
      const schedule = startReconcileSchedule({
        shops: opts.shops.all(), connectors: CONNECTORS, ingestor, pool, schema: config.OMNISTREAM_PG_SCHEMA, log: reconcileLog,
        cron: config.OMNISTREAM_RECONCILE_CRON, timezone: config.OMNISTREAM_RECONCILE_TIMEZONE,
        onReport: (report) => reconcileLog.info({ report }, 'reconciliation finished'),
      });
      stoppers.push(async () => schedule.stop());
    }
    if (config.OMNISTREAM_RECONCILE_INCREMENTAL_CRON !== 'off') {
      const reconcileLog = log.child({ component: 'reconcile-incremental' });
      const lookbackMs = config.OMNISTREAM_RECONCILE_INCREMENTAL_LOOKBACK_MINUTES * 60_000;
      const schedule = startReconcileSchedule({
        shops: opts.shops.all().filter((s) => CONNECTORS[s.channel]?.pull), connectors: CONNECTORS, ingestor, pool,
        schema: config.OMNISTREAM_PG_SCHEMA, log: reconcileLog,
        cron: config.OMNISTREAM_RECONCILE_INCREMENTAL_CRON, timezone: config.OMNISTREAM_RECONCILE_TIMEZONE,
        lookbackMs, overlapMs: lookbackMs / 2,
        onReport: (report) => { if (report.shops.some((s) => s.orders.missing + s.orders.newer > 0 || !s.ok)) reconcileLog.info({ report }, 'incremental reconciliation repaired or failed something'); },
      });
      stoppers.push(async () => schedule.stop());
    }
    // Channels that are not pushed over HTTP (WebSocket message channels, polled APIs) feed the
    // same ingest path from a source per shop, acknowledging the platform only once stored.
    for (const shop of opts.shops.all()) {
      const connector = CONNECTORS[shop.channel];
      if (!connector?.createSource) continue;
      const sourceLog = log.child({ component: `source:${shop.channel}`, shopId: shop.shopId });
      const source = connector.createSource(shop, { ingest: (push) => ingestor.ingest(connector, shop, push) }, sourceLog);
      await source.start();
      stoppers.unshift(() => source.stop());
    }
    if (parts.syncBack) {
      const syncBack = await startSyncBackExecutor({ ...part('sync-back'), connectors: CONNECTORS, shops: opts.shops, ingestor });
      stoppers.push(() => syncBack.disconnect());
    }
  }

  const group = (name: string) => (ns ? `${ns}.${name}` : name);
  const topics = (ids: readonly TopicId[]) => ids.map((id) => topicName(ns, id));
  return {
    url, serde, pool, redis,
    expireDue: () => expireDue(),
    releaseWaves: (now) => releaseWaves(now),
    checkDivergences: (now) => checkDivergences(now),
    drain: (timeoutMs) => waitUntilCaughtUp(admin, [
      ...(parts.inventory ? [{ groupId: group(INVENTORY_GROUP), topics: topics(INVENTORY_INPUTS) }] : []),
      ...(parts.sink ? [{ groupId: group(SINK_GROUP), topics: topics(SINK_INPUTS) }] : []),
      ...(parts.routing ? [{ groupId: group(ROUTING_GROUP), topics: topics(ROUTING_INPUTS) }] : []),
      ...(parts.waves ? [{ groupId: group(WAVES_GROUP), topics: topics(WAVES_INPUTS) }] : []),
      ...(parts.waybills ? [{ groupId: group(WAYBILL_GROUP), topics: topics([WAYBILL_INPUT]) }] : []),
      ...(parts.wms ? [{ groupId: group(INTERCEPT_GROUP), topics: topics(INTERCEPT_INPUTS) }] : []),
      ...(parts.divergence ? [{ groupId: group(DIVERGENCE_GROUP), topics: topics(DIVERGENCE_INPUTS) }] : []),
      ...(parts.gateway && parts.syncBack ? [{ groupId: group(SYNC_BACK_GROUP), topics: channels.map((c) => channelCommandTopic(ns, c)) }] : []),
    ], timeoutMs),
    async stop() {
      await app?.close();
      await Promise.all(stoppers.map((stop) => stop()));
      await producer.disconnect();
      await admin.disconnect();
      redis.disconnect();
      await pool.end();
    },
  };
}
