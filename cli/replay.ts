import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import pg from 'pg';
import { loadConfig } from '../app/config.js';
import { createKafka } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import { compareSchemas, formatComparison, replayProjections } from '../sinks/postgres/replay.js';
import { TopicSerde } from '../topics/serde.js';

const isoDate = (v: string): Date => {
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected an ISO 8601 time, e.g. 2025-11-11T00:00:00+08:00');
  return d;
};
const schemaName = (v: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(v)) throw new InvalidArgumentError('expected a Postgres schema name: lower-case letters, digits and _');
  return v;
};
const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
};

interface ReplayCliOptions {
  from?: Date;
  into?: string;
  compareWith?: string;
  compare: boolean;
  dropExisting: boolean;
  batch: number;
  writers: number;
  progress: boolean;
}

/**
 * `omnistream replay [--from <iso>] [--into <schema>] [--compare-with <schema>] [--drop-existing]`:
 * rebuild the projections from every topic the Postgres sink reads into a fresh schema, then compare it
 * with the live one. Exit code 1 when they differ.
 */
export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description("rebuild every Postgres projection from the topics' history into a fresh schema, then compare it with the live schema")
    .option(
      '--from <iso>',
      'start at this broker timestamp (ISO 8601) instead of the beginning; the comparison then shows what the earlier history contributed',
      isoDate,
    )
    .option('--into <schema>', 'target schema (default: <live schema>_replay)', schemaName)
    .option('--compare-with <schema>', 'schema to compare with (default: the live schema, OMNISTREAM_PG_SCHEMA)', schemaName)
    .option('--no-compare', 'only rebuild, do not compare')
    .option('--drop-existing', 'drop the target schema first if it already has tables', false)
    .option('--batch <n>', 'events per projection write (the result does not depend on it)', positiveInt, 20_000)
    .option('--writers <n>', 'parallel Postgres writers (partitions are split between them)', positiveInt, 2)
    .option('--no-progress', 'no progress bar')
    .action(async (opts: ReplayCliOptions) => {
      const config = loadConfig();
      const log = createLogger('omnistream-replay', config.LOG_LEVEL);
      const ns = config.OMNISTREAM_NAMESPACE;
      const live = config.OMNISTREAM_PG_SCHEMA;
      const into = opts.into ?? `${live}_replay`;
      const compareWith = opts.compareWith ?? live;
      if (into === live || into === opts.compareWith) throw new InvalidArgumentError(`--into ${into} is the schema to keep (live or compared): choose another`);

      const kafka = createKafka(config.KAFKA_BROKERS, 'omnistream-replay', log);
      const serde = TopicSerde.connect(config.SCHEMA_REGISTRY_URL, ns);
      const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: opts.writers + 2 });
      const bar = opts.progress
        ? new cliProgress.SingleBar(
            {
              format: ' replay {bar} {percentage}% | {value}/{total} events | {rate} events/s | {duration_formatted}',
              stream: process.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let started = false;
      try {
        const result = await replayProjections({
          kafka,
          serde,
          pool,
          namespace: ns,
          targetSchema: into,
          fromTimestamp: opts.from,
          dropExisting: opts.dropExisting,
          protectedSchemas: [live, compareWith],
          batchSize: opts.batch,
          writers: opts.writers,
          log,
          onProgress: (p) => {
            if (!bar) return;
            if (!started) {
              bar.start(p.total, p.events, { rate: '0' });
              started = true;
            }
            bar.update(p.events, { rate: p.rate.toFixed(0) });
          },
        });
        bar?.stop();
        console.log(
          `replayed ${result.events} events (${
            Object.entries(result.byTopic)
              .filter(([, n]) => n > 0)
              .map(([t, n]) => `${n} ${t}`)
              .join(', ') || 'none'
          }${result.undecodable ? `, ${result.undecodable} undecodable skipped` : ''}) ` +
            `from ${opts.from ? opts.from.toISOString() : 'the beginning'} into ${into} in ${(result.elapsedMs / 1000).toFixed(1)} s: ${result.rate.toFixed(0)} events/s` +
            ` (${result.batches} batches)`,
        );
        if (opts.compare) {
          const exists = (await pool.query(`select 1 from information_schema.schemata where schema_name = $1`, [compareWith])).rowCount;
          if (!exists) throw new Error(`schema ${compareWith} does not exist: nothing to compare with (--no-compare to skip)`);
          const comparison = await compareSchemas(pool, compareWith, into);
          console.log(formatComparison(comparison));
          if (opts.from) console.log('note: replayed from a timestamp, so orders and stock touched before it are expected to differ');
          if (!comparison.identical) process.exitCode = 1;
        }
      } finally {
        bar?.stop();
        await pool.end().catch(() => {});
      }
    });
}
