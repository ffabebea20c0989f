import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Admin, Kafka } from '../../lib/kafka.js';
import type { Logger } from '../../lib/logger.js';
import { topicName } from '../../topics/catalog.js';
import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import type { TopicSerde, TopicValues } from '../../topics/serde.js';
import { migrate } from './migrate.js';
import type { TimelineRow } from './projection/sql.js';
import { type HistoryRows, writeProjection } from './projection.js';
import { assertIdentifier } from './replay/compare.js';
import { copyHistory } from './replay/history-copy.js';
import { SINK_INPUTS, type SinkInput, sortByTopic } from './sink.js';

export { compareSchemas, formatComparison, type SchemaComparison, type TableDiff, tableDigests, WALL_CLOCK_COLUMNS } from './replay/compare.js';

/** The topics the Postgres sink projects, in the order the sink subscribes to them. */
const REPLAYED: readonly SinkInput[] = SINK_INPUTS;

export interface ReplayProgress {
  /** Events written into the target schema so far. */
  events: number;
  /** Events between the start offsets and the end offsets captured at start. */
  total: number;
  elapsedMs: number;
  /** events / s since the start of reading. */
  rate: number;
}

export interface ReplayOptions {
  kafka: Kafka;
  serde: TopicSerde;
  pool: pg.Pool;
  namespace: string;
  targetSchema: string;
  /** Start at the first offset whose broker timestamp is ≥ this (epoch ms or Date); default: the beginning. */
  fromTimestamp?: number | Date;
  /** Drop the target schema if it already has tables (default: refuse). */
  dropExisting?: boolean;
  /** Schemas that must never be the target (e.g. the live one). */
  protectedSchemas?: string[];
  /** Events per writeProjection call, per writer (default 20,000). The result does not depend on it. */
  batchSize?: number;
  /**
   * Parallel Postgres writers (default 2). Inventory events go to writer p mod writers (p: their
   * partition); every other event to a writer chosen by its order key (stock sync: its listing or
   * exception), so all of an order's events meet in one writer and the writers need no order locks.
   */
  writers?: number;
  onProgress?: (p: ReplayProgress) => void;
  log?: Logger;
  /** Fail if no record arrives for this long while partitions are unfinished (default 120 s). */
  stallTimeoutMs?: number;
}

export interface PartitionRange {
  topic: string;
  partition: number;
  start: number;
  end: number;
}

export interface ReplayResult {
  targetSchema: string;
  events: number;
  orderEvents: number;
  inventoryEvents: number;
  /** Events read per sink input topic. */
  byTopic: Record<SinkInput, number>;
  /** Records that could not be decoded (the live sink dead-letters those and skips them too). */
  undecodable: number;
  batches: number;
  ranges: PartitionRange[];
  elapsedMs: number;
  rate: number;
}

/**
 * Rebuilds every Postgres projection from the topics' history into a fresh schema: migrate the
 * target, read every sink input topic (SINK_INPUTS) from the beginning (or from the offsets of a
 * timestamp) up to the end offsets captured at start, and feed them through the sink's own
 * writeProjection in large batches. Fresh-schema shortcuts (for ≥ 50k events/s, a replay of a busy month within hours): secondary
 * indexes and foreign keys are added back at the end, the writers commit asynchronously, take no
 * order locks (one writer per order), and load the append-only history with COPY.
 *
 * No consumer group of the pipeline is touched: the reader uses a throwaway group (start offsets
 * by seek, autoCommit off, nothing committed) that is deleted at the end.
 *
 * Deterministic: the rows depend only on the log, not on batch size, writer count or how the
 * partitions' records interleave. writeProjection resolves every conflict by key (order: highest
 * (rank, occurredAt, eventId); stock: highest version, first wins; timeline and decisions: first
 * event id wins; insert-only order columns: the order's first event; shipments and waves: per-column
 * rules that do not depend on order; divergences and commands: recomputed from their history) and
 * every key those rules resolve by arrival lives in one partition, read in offset order.
 * order_timeline.recorded_at is `default now()`: wall clock, never reproducible, not compared.
 */
export async function replayProjections(opts: ReplayOptions): Promise<ReplayResult> {
  const target = assertIdentifier(opts.targetSchema);
  if ((opts.protectedSchemas ?? []).includes(target)) throw new Error(`refusing to replay into ${target}: it is a protected (live) schema`);
  const batchSize = opts.batchSize ?? 20_000;
  const writerCount = opts.writers ?? 2;
  if (!(batchSize >= 1) || !(writerCount >= 1)) throw new Error('batchSize and writers must be ≥ 1');
  const fromTs = opts.fromTimestamp instanceof Date ? opts.fromTimestamp.getTime() : opts.fromTimestamp;

  await prepareTarget(opts.pool, target, opts.dropExisting ?? false);
  const deferred = [...(await dropSecondaryIndexes(opts.pool, target)), ...(await dropForeignKeys(opts.pool, target))];

  const admin = opts.kafka.admin();
  await admin.connect();
  const groupId = `${opts.namespace ? `${opts.namespace}.` : ''}replay-${randomBytes(5).toString('hex')}`;
  let consumer: ReturnType<Kafka['consumer']> | undefined;
  const writers = Array.from({ length: writerCount }, () => new Writer(opts.pool, target, batchSize));
  try {
    const ranges = await offsetRanges(admin, opts.namespace, fromTs);
    const total = ranges.reduce((s, r) => s + (r.end - r.start), 0);
    const t0 = performance.now();
    const byTopic = Object.fromEntries(REPLAYED.map((t) => [t, 0])) as Record<SinkInput, number>;
    let undecodable = 0;
    let written = 0;
    const progress = () => {
      const elapsedMs = performance.now() - t0;
      opts.onProgress?.({ events: written, total, elapsedMs, rate: elapsedMs > 0 ? written / (elapsedMs / 1000) : 0 });
    };
    for (const w of writers)
      w.onWritten = (n) => {
        written += n;
        progress();
      };
    progress();

    const pending = new Map<string, PartitionRange>(ranges.filter((r) => r.end > r.start).map((r) => [`${r.topic}:${r.partition}`, r]));
    if (pending.size > 0) {
      const byName = new Map(REPLAYED.map((id) => [topicName(opts.namespace, id), id] as const));
      const c = opts.kafka.consumer({
        groupId,
        sessionTimeout: 30_000,
        heartbeatInterval: 3000,
        rebalanceTimeout: 30_000,
        maxWaitTimeInMs: 100,
        maxBytesPerPartition: 16 * 1024 * 1024,
        maxBytes: 64 * 1024 * 1024,
        allowAutoTopicCreation: false,
      });
      consumer = c;
      await c.connect();
      await c.subscribe({ topics: [...byName.keys()], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        let failed = false;
        let lastActivity = Date.now();
        const fail = (err: unknown) => {
          if (failed) return;
          failed = true;
          clearInterval(watchdog);
          reject(err instanceof Error ? err : new Error(String(err)));
        };
        const stallMs = opts.stallTimeoutMs ?? 120_000;
        const watchdog = setInterval(() => {
          if (Date.now() - lastActivity > stallMs) fail(new Error(`replay stalled: no record for ${stallMs} ms; unfinished ${[...pending.keys()].join(', ')}`));
        }, 1000);
        c.on(c.events.CRASH, (e) => fail(e.payload.error));
        c.run({
          autoCommit: false,
          partitionsConsumedConcurrently: ranges.length,
          eachBatch: async ({ batch, heartbeat }) => {
            if (failed) return;
            try {
              const key = `${batch.topic}:${batch.partition}`;
              const range = pending.get(key);
              const id = byName.get(batch.topic);
              if (!range || !id) return;
              lastActivity = Date.now();
              const partitionWriter = writers[batch.partition % writerCount]!;
              for (const m of batch.messages) {
                const offset = Number(m.offset);
                if (offset >= range.end) break;
                if (offset < range.start) continue;
                let value: TopicValues[SinkInput];
                try {
                  if (!m.value) throw new Error('empty value');
                  value = await opts.serde.decode(id, m.value);
                } catch (err) {
                  undecodable++;
                  opts.log?.warn(
                    { topic: batch.topic, partition: batch.partition, offset: m.offset, err: (err as Error).message },
                    'replay: skipping an undecodable record (the live sink dead-letters it)',
                  );
                  continue;
                }
                const writer = id === 'inventoryEvents' ? partitionWriter : writers[keyWriter(writerKeyOf(id, value), writerCount)]!;
                writer.records.push({ topic: id, value });
                byTopic[id]++;
              }
              if (batch.messages.length > 0 && Number(batch.lastOffset()) >= range.end - 1) pending.delete(key);
              for (const w of writers) if (w.size() >= batchSize) await w.flush();
              await heartbeat();
              if (pending.size === 0) {
                for (const w of writers) await w.flush();
                for (const w of writers) await w.settle();
                clearInterval(watchdog);
                if (!failed) resolve();
              }
            } catch (err) {
              fail(err);
            }
          },
        }).catch(fail);
        // Start offsets: a seek right after run() is applied before the first fetch of the
        // assignment (admin.setOffsets would cost a 5 s idle fetch per topic). Records below
        // a partition's start are skipped above anyway.
        for (const r of ranges) c.seek({ topic: r.topic, partition: r.partition, offset: String(r.start) });
      });
    }
    for (const w of writers) {
      await w.flush();
      await w.settle();
    }
    await recreateIndexes(opts.pool, deferred);
    const elapsedMs = performance.now() - t0;
    progress();
    const events = Object.values(byTopic).reduce((a, b) => a + b, 0);
    return {
      targetSchema: target,
      events,
      orderEvents: byTopic.orderEvents,
      inventoryEvents: byTopic.inventoryEvents,
      byTopic,
      undecodable,
      batches: writers.reduce((s, w) => s + w.batches, 0),
      ranges,
      elapsedMs,
      rate: elapsedMs > 0 ? events / (elapsedMs / 1000) : 0,
    };
  } finally {
    await consumer?.disconnect().catch(() => {});
    for (const w of writers) await w.close();
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

/** Refuses a target that already has tables (unless dropExisting), then runs the migrations into it. */
async function prepareTarget(pool: pg.Pool, schema: string, dropExisting: boolean): Promise<void> {
  const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from information_schema.tables where table_schema = $1`, [schema]);
  if (rows[0]!.n > 0) {
    if (!dropExisting) throw new Error(`schema ${schema} already has ${rows[0]!.n} table(s): choose a fresh schema or pass --drop-existing`);
    await pool.query(`drop schema ${schema} cascade`);
  }
  await migrate(pool, schema);
}

/**
 * Bulk-load trick: the target's secondary indexes (not the primary keys the upserts need) are
 * dropped during the load and built once at the end from their own definitions. Rows are the same
 * either way; the schema ends with exactly the indexes the migrations made.
 */
async function dropSecondaryIndexes(pool: pg.Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
      where i.schemaname = $1 and i.tablename <> 'schema_migrations'
        and not exists (select 1 from pg_constraint c where c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
      order by i.indexname`,
    [schema],
  );
  for (const r of rows) await pool.query(`drop index ${schema}.${r.name}`);
  return rows.map((r) => r.def);
}

/**
 * Same idea for foreign keys (order_lines → orders): checked per inserted row they cost a trigger
 * and a key lock each; added back at the end they are checked once, over the whole table, and a
 * line without its order still fails the replay.
 */
async function dropForeignKeys(pool: pg.Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ tbl: string; name: string; def: string }>(
    `select c.conrelid::regclass::text as tbl, c.conname as name, pg_get_constraintdef(c.oid) as def from pg_constraint c
      where c.contype = 'f' and c.connamespace = $1::regnamespace order by c.conname`,
    [schema],
  );
  for (const r of rows) await pool.query(`alter table ${r.tbl} drop constraint ${r.name}`);
  return rows.map((r) => `alter table ${r.tbl} add constraint ${r.name} ${r.def}`);
}

/** Indexes first (in parallel), then the foreign keys, whose check uses the referenced key's index. */
async function recreateIndexes(pool: pg.Pool, defs: string[]): Promise<void> {
  const isConstraint = (d: string) => d.startsWith('alter table');
  await Promise.all(defs.filter((d) => !isConstraint(d)).map((def) => pool.query(def)));
  for (const def of defs.filter(isConstraint)) await pool.query(def);
}

/** Per partition of every replayed topic: [start, end) with end = the high watermark now. */
async function offsetRanges(admin: Admin, namespace: string, fromTs: number | undefined): Promise<PartitionRange[]> {
  const out: PartitionRange[] = [];
  for (const id of REPLAYED) {
    const topic = topicName(namespace, id);
    const ends = await admin.fetchTopicOffsets(topic);
    // Resolved after the ends: an offset past a captured end just means nothing to read there.
    const atTs = fromTs === undefined ? undefined : await admin.fetchTopicOffsetsByTimestamp(topic, fromTs);
    for (const e of ends) {
      const low = Number(e.low);
      const end = Number(e.high);
      const ts = atTs?.find((x) => x.partition === e.partition);
      const start = Math.min(end, Math.max(low, ts ? Number(ts.offset) : low));
      out.push({ topic, partition: e.partition, start, end });
    }
  }
  return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/**
 * The key whose rows a record writes: all of a key's records meet in one writer, in log order.
 * Stock-sync records carry no order: a listing's mappings, targets and pushes go by listing, an
 * exception's events by exception.
 */
function writerKeyOf(id: SinkInput, value: TopicValues[SinkInput]): string {
  if (id === 'listingMappings' || id === 'stockTargets' || id === 'stockPushes') return (value as { listingKey: string }).listingKey;
  if (id === 'hubExceptions') return (value as { exceptionId: string }).exceptionId;
  return (value as { orderKey: string }).orderKey;
}

/** FNV-1a of the key: which writer takes the key's events. */
function keyWriter(key: string, writers: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % writers;
}

/**
 * One Postgres connection writing its share of the events (see ReplayOptions.writers), in arrival
 * order: a buffer that fills while the previous batch is being written (one write in flight at most).
 * The history tables are loaded with COPY (replay/history-copy.ts).
 */
class Writer {
  records: { topic: SinkInput; value: TopicValues[SinkInput] }[] = [];
  onWritten: (n: number) => void = () => {};
  batches = 0;
  private inflight: Promise<void> = Promise.resolve();
  private client: pg.PoolClient | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly batchSize: number,
  ) {}

  size(): number {
    return this.records.length;
  }

  /** Hands the buffer to the write chain; waits only for the write before it. */
  async flush(): Promise<void> {
    if (this.size() === 0) return;
    const records = this.records;
    this.records = [];
    const previous = this.inflight;
    this.inflight = previous.then(async () => {
      // At most batchSize events per writeProjection call, in arrival order within each topic.
      for (let i = 0; i < records.length; i += this.batchSize) await this.write(records.slice(i, i + this.batchSize));
    });
    this.inflight.catch(() => {}); // observed by the next flush or settle
    await previous;
  }

  async settle(): Promise<void> {
    await this.inflight;
  }

  private async write(records: { topic: SinkInput; value: TopicValues[SinkInput] }[]): Promise<void> {
    if (!this.client) {
      this.client = await this.pool.connect();
      // A rebuild into a throwaway schema: losing the last commits in a server crash only means running it again.
      await this.client.query('set synchronous_commit to off');
    }
    const { orders, inventory, more } = sortByTopic(records);
    let timeline: TimelineRow[] = [];
    let decisions: InventoryEvent[] = [];
    const history: HistoryRows = {
      timeline: (rows) => {
        timeline = rows;
      },
      decisions: (rows) => {
        decisions = rows;
      },
    };
    // No order locks: this writer is the only one that carries events of its orders (see orderWriter).
    await writeProjection(this.client, this.schema, orders, inventory, more, { lockOrders: false, history });
    await copyHistory(this.client, this.schema, timeline, decisions);
    this.batches++;
    this.onWritten(records.length);
  }

  async close(): Promise<void> {
    await this.inflight.catch(() => {});
    if (!this.client) return;
    await this.client.query('reset synchronous_commit').catch(() => {});
    this.client.release();
    this.client = undefined;
  }
}
