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
import { ensureTopics } from '../topics/admin.js';
import { topicName, type TopicId } from '../topics/catalog.js';
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
  /** Resolves when the processor and the sink have committed everything written so far. */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface PipelineOptions {
  shops: ShopDirectory;
  /** Which parts to run in this process (default: all). */
  parts?: { gateway?: boolean; inventory?: boolean; sink?: boolean };
  host?: string;
}

/**
 * Assembles the hub from configuration: topics and schemas first, then the inventory processor,
 * the Postgres sink and the webhook gateway. One process may run all parts or any subset.
 */
export async function startPipeline(config: Config, log: Logger, opts: PipelineOptions): Promise<Pipeline> {
  const ns = config.OMNISTREAM_NAMESPACE;
  const parts = { gateway: true, inventory: true, sink: true, ...opts.parts };
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
  let url = '';
  let app: ReturnType<typeof buildGateway> | undefined;
  if (parts.gateway) {
    const ingestor = new PushIngestor(new PushPublisher(producer, serde, ns), redis, ns);
    app = buildGateway({ connectors: CONNECTORS, shops: opts.shops, ingestor, metrics: new GatewayMetrics(true), log: log.child({ component: 'gateway' }), ready: () => producerConnected && redis.status === 'ready' });
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
  }

  const group = (name: string) => (ns ? `${ns}.${name}` : name);
  const topics = (ids: readonly TopicId[]) => ids.map((id) => topicName(ns, id));
  return {
    url, serde, pool, redis,
    expireDue: () => expireDue(),
    drain: (timeoutMs) => waitUntilCaughtUp(admin, [
      ...(parts.inventory ? [{ groupId: group(INVENTORY_GROUP), topics: topics(INVENTORY_INPUTS) }] : []),
      ...(parts.sink ? [{ groupId: group('sink-postgres'), topics: topics(['orderEvents', 'inventoryEvents']) }] : []),
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
