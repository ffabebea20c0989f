#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../app/config.js';
import { PIPELINE_PARTS, type PipelinePart } from '../app/parts.js';
import { startPipeline } from '../app/pipeline.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { CONNECTORS } from '../connectors/registry.js';
import { createKafka } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import { ensureTopics } from '../lib/topic-admin.js';
import { migrate } from '../sinks/postgres/migrate.js';
import { allTopicNames, TOPICS } from '../topics/catalog.js';
import { TopicSerde } from '../topics/serde.js';
import { registerAsyncapiCommand } from './asyncapi.js';
import { runDemo } from './demo.js';
import { registerDivergencesCommand } from './divergences.js';
import { registerExceptionsCommand } from './exceptions/command.js';
import { registerListingsCommand } from './listings/command.js';
import { registerLoadgenCommand } from './loadgen.js';
import { registerReconcileCommand } from './reconcile.js';
import { registerReplayCommand } from './replay.js';
import { registerStockPolicyCommand } from './stock-policy/command.js';
import { registerTopologyCommand } from './topology.js';

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
};

const program = new Command('omnistream').description('Multi-channel order hub on Kafka');

program
  .command('demo')
  .description('run a small flash sale through the whole pipeline on the local stack and print a summary')
  .option('--reset', 'remove the demo namespace (topics, groups, Redis keys, tables) first', false)
  .option('--orders <n>', 'orders to simulate', positiveInt, 300)
  .option('--hot-stock <n>', 'units of the hot SKU on sale', positiveInt, 120)
  .option('--concurrency <n>', 'webhook requests in flight', positiveInt, 16)
  .action(async (opts: { reset: boolean; orders: number; hotStock: number; concurrency: number }) => {
    // The demo keeps to its own namespace and schema unless told otherwise.
    const config = loadConfig({
      OMNISTREAM_NAMESPACE: 'demo',
      OMNISTREAM_PG_SCHEMA: 'omnistream_demo',
      OMNISTREAM_HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      ...process.env,
    });
    await runDemo(config, createLogger('omnistream-demo', config.LOG_LEVEL), opts);
  });

program
  .command('run')
  .description('run the hub (every part, or --only some) until stopped (config from the environment)')
  .option('--only <parts>', `comma-separated subset of: ${PIPELINE_PARTS.join(',')}`, (v: string) => {
    const only = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = only.filter((p) => !(PIPELINE_PARTS as readonly string[]).includes(p));
    if (unknown.length > 0) throw new InvalidArgumentError(`unknown part(s) ${unknown.join(', ')}; known: ${PIPELINE_PARTS.join(', ')}`);
    return only as PipelinePart[];
  })
  .action(async (opts: { only?: PipelinePart[] }) => {
    const config = loadConfig();
    const log = createLogger('omnistream', config.LOG_LEVEL);
    const parts = opts.only ? Object.fromEntries(opts.only.map((p) => [p, true])) : undefined;
    const pipeline = await startPipeline(config, log, { shops: ShopDirectory.fromEnv(), parts });
    log.info({ url: pipeline.url || undefined, parts: parts ?? 'all' }, 'omnistream running');
    const stop = async (signal: string) => {
      log.info({ signal }, 'stopping');
      await pipeline.stop();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('setup')
  .description('create missing topics, register the Avro schemas (BACKWARD) and migrate Postgres')
  .action(async () => {
    const config = loadConfig();
    const log = createLogger('omnistream', config.LOG_LEVEL);
    const admin = createKafka(config.KAFKA_BROKERS, 'omnistream-setup', log).admin();
    await admin.connect();
    const created = await ensureTopics(admin, config.OMNISTREAM_NAMESPACE, Object.keys(CONNECTORS));
    await admin.disconnect();
    await TopicSerde.connect(config.SCHEMA_REGISTRY_URL, config.OMNISTREAM_NAMESPACE).registerAll();
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({ connectionString: config.DATABASE_URL });
    const applied = await migrate(pool, config.OMNISTREAM_PG_SCHEMA);
    await pool.end();
    for (const { id, name } of allTopicNames(config.OMNISTREAM_NAMESPACE, Object.keys(CONNECTORS))) {
      const t = TOPICS[id];
      console.log(`${created.includes(name) ? 'created ' : 'exists  '} ${name.padEnd(36)} key=${t.key}  partitions=${t.partitions}`);
    }
    console.log(`migrations applied: ${applied.length ? applied.join(', ') : 'none (up to date)'}`);
  });

registerReconcileCommand(program);
registerReplayCommand(program);
registerDivergencesCommand(program);
registerListingsCommand(program);
registerStockPolicyCommand(program);
registerExceptionsCommand(program);
registerLoadgenCommand(program);
registerAsyncapiCommand(program);
registerTopologyCommand(program);

program
  .command('query-api')
  .description('serve the read-only query API over the Postgres projections (OpenAPI at /openapi.json)')
  .option('--port <n>', 'HTTP port', positiveInt, 8090)
  .action(async (opts: { port: number }) => {
    const config = loadConfig();
    const pg = (await import('pg')).default;
    const { buildQueryApi } = await import('../sinks/postgres/query-api/index.js');
    const app = await buildQueryApi({ pool: new pg.Pool({ connectionString: config.DATABASE_URL, max: 8 }), schema: config.OMNISTREAM_PG_SCHEMA });
    console.log(`query API on ${await app.listen({ port: opts.port, host: '127.0.0.1' })} (OpenAPI: /openapi.json)`);
  });

program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `omnistream: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
