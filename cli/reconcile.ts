import { type Command, InvalidArgumentError } from 'commander';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig } from '../app/config.js';
import { PushIngestor } from '../connectors/gateway/ingest.js';
import { PushPublisher } from '../connectors/gateway/publisher.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { type ReconcileReport, reconcile } from '../connectors/reconcile/reconciler.js';
import { CONNECTORS } from '../connectors/registry.js';
import { createDurableProducer, createKafka } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import { batchWriter } from '../lib/publish.js';
import { ensureTopics } from '../lib/topic-admin.js';
import { TopicSerde } from '../topics/serde.js';

const isoDate = (v: string): Date => {
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected an ISO 8601 time, e.g. 2025-11-11T00:00:00+08:00');
  return d;
};

/** `omnistream reconcile --from <iso> --to <iso> [--channel <c>]`: one reconciliation run, then a table. */
export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description("pull every shop's orders modified in [from, to) from the channel's query API, compare with the hub and ingest what it missed")
    .requiredOption('--from <iso>', 'window start (inclusive), ISO 8601', isoDate)
    .requiredOption('--to <iso>', 'window end (exclusive), ISO 8601', isoDate)
    .option('--channel <c>', 'only this channel (comma-separated for several)')
    .action(async (opts: { from: Date; to: Date; channel?: string }) => {
      if (opts.from.getTime() >= opts.to.getTime()) throw new InvalidArgumentError('--from must be before --to');
      const config = loadConfig();
      const log = createLogger('omnistream-reconcile', config.LOG_LEVEL);
      const channels = opts.channel
        ?.split(',')
        .map((c) => c.trim())
        .filter(Boolean);
      for (const c of channels ?? [])
        if (!(c in CONNECTORS)) throw new InvalidArgumentError(`unknown channel ${c} (known: ${Object.keys(CONNECTORS).join(', ')})`);
      const shops = ShopDirectory.fromEnv()
        .all()
        .filter((s) => !channels || channels.includes(s.channel));
      if (shops.length === 0) {
        console.error('reconcile: no shops configured for that selection (OMNISTREAM_SHOPS / OMNISTREAM_SHOPS_FILE)');
        process.exitCode = 1;
        return;
      }

      // The same write path as the gateway (connectors/gateway): idempotent producer, Avro serde, Redis dedupe.
      const ns = config.OMNISTREAM_NAMESPACE;
      const kafka = createKafka(config.KAFKA_BROKERS, 'omnistream-reconcile', log);
      const admin = kafka.admin();
      const producer = createDurableProducer(kafka);
      const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
      const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 4 });
      let report: ReconcileReport;
      try {
        await admin.connect();
        await ensureTopics(admin, ns, Object.keys(CONNECTORS));
        const serde = TopicSerde.connect(config.SCHEMA_REGISTRY_URL, ns);
        await serde.registerAll();
        await producer.connect();
        const ingestor = new PushIngestor(new PushPublisher(batchWriter(producer, serde, ns)), redis, ns);
        report = await reconcile({
          shops,
          connectors: CONNECTORS,
          ingestor,
          pool,
          schema: config.OMNISTREAM_PG_SCHEMA,
          window: { from: opts.from, to: opts.to },
          log,
        });
      } finally {
        await producer.disconnect().catch(() => {});
        await admin.disconnect().catch(() => {});
        redis.disconnect();
        await pool.end().catch(() => {});
      }
      console.log(formatReport(report));
      if (report.failed > 0) process.exitCode = 1;
    });
}

export function formatReport(report: ReconcileReport): string {
  const head = [
    'channel',
    'shop',
    'pulled',
    'missing',
    'newer',
    'same',
    'older',
    'accepted',
    'duplicate',
    'dead-lettered',
    'rejected',
    'unavailable',
    'result',
  ];
  const rows = report.shops.map((s) =>
    [
      s.channel,
      s.shopId,
      s.pulled,
      s.orders.missing,
      s.orders.newer,
      s.orders.same,
      s.orders.older,
      s.ingest.accepted,
      s.ingest.duplicate,
      s.ingest.dead_lettered,
      s.ingest.rejected,
      s.ingest.unavailable,
      s.ok ? 'ok' : `FAILED: ${s.error ?? ''}`,
    ].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === head.length - 1 ? 0 : r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [`reconciliation ${report.window.from.toISOString()} → ${report.window.to.toISOString()}`, line(head), ...rows.map(line)];
  for (const s of report.skipped) out.push(`skipped ${s.channel}/${s.shopId}: ${s.reason}`);
  for (const s of report.shops) {
    if (s.missingKeys.length) out.push(`missing ${s.channel}/${s.shopId}: ${s.missingKeys.join(', ')}${s.orders.missing > s.missingKeys.length ? ', …' : ''}`);
    if (s.incomplete) out.push(`${s.channel}/${s.shopId}: ${s.incomplete} order(s) known only from status pushes got their contents`);
  }
  out.push(`${report.shops.length} shop(s), ${report.failed} failed, ${report.skipped.length} skipped`);
  return out.join('\n');
}
