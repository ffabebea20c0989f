import { Cron } from 'croner';
import { z } from 'zod';
import { pgSchemaSetting } from '../../lib/config.js';
import { defineProcessor } from '../../lib/processor/definition.js';
import { PushIngestor } from '../gateway/ingest.js';
import { PushPublisher } from '../gateway/publisher.js';
import { type ShopDirectory, shopsEnv, shopsOf } from '../gateway/shops.js';
import { CONNECTORS } from '../registry.js';
import { type ReconcileOptions, type ReconcileReport, reconcile } from './reconciler.js';

/*
 * The nightly reconciliation: by default at 02:00 China time ("0 2 * * *", Asia/Shanghai), when
 * the channels' query APIs are quiet and the day's orders have settled.
 *
 * Window: [previous successful run's end − overlapMs, now), or [now − 26 h, now) for the first run
 * of this process (24 h plus the same 2 h overlap). The windows overlap on purpose:
 *   - late modifications: channels stamp update_time/modified when a change is made, but the
 *     change can reach their search index (enSearch, searchList, increment.get…) minutes later, so
 *     an order modified just before the previous run's end may not have been listed by it;
 *   - clock skew between the channel and the hub, and APIs that filter on whole seconds;
 *   - a run that was slow or late starts from where the last one really ended.
 * Reading an order twice costs only a `duplicate` answer (the same fact has the same event id), so
 * overlap is cheap and a gap is not. A run with a failed shop does not move the start forward:
 * the next run covers the failed window again (the last good end stays in memory only; after a
 * restart the first run falls back to 26 h).
 */

export const DEFAULT_CRON = '0 2 * * *';
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
export const DEFAULT_LOOKBACK_MS = 26 * 3_600_000;
export const DEFAULT_OVERLAP_MS = 2 * 3_600_000;

export interface ReconcileScheduleOptions extends Omit<ReconcileOptions, 'window'> {
  cron?: string;
  timezone?: string;
  /** Window of the first run (default 26 h). */
  lookbackMs?: number;
  /** How far each run reaches back before the previous run's end (default 2 h). */
  overlapMs?: number;
  /** Called with every finished run's report. */
  onReport?: (report: ReconcileReport) => void;
  /** Injected for tests; default: the real reconcile(). */
  run?: (opts: ReconcileOptions) => Promise<ReconcileReport>;
}

export interface ReconcileSchedule {
  stop(): void;
  /** Runs now (or joins the run in progress) and resolves with its report. */
  runNow(): Promise<ReconcileReport>;
  /** Next scheduled start, for logs and health pages. */
  nextRun(): Date | null;
}

export function startReconcileSchedule(opts: ReconcileScheduleOptions): ReconcileSchedule {
  const {
    cron = DEFAULT_CRON,
    timezone = DEFAULT_TIMEZONE,
    lookbackMs = DEFAULT_LOOKBACK_MS,
    overlapMs = DEFAULT_OVERLAP_MS,
    onReport,
    run = reconcile,
    ...base
  } = opts;
  const now = base.now ?? Date.now;
  let lastGoodEnd: number | undefined;
  let inFlight: Promise<ReconcileReport> | undefined;

  const once = (): Promise<ReconcileReport> => {
    if (inFlight) return inFlight;
    const to = now();
    const from = lastGoodEnd === undefined ? to - lookbackMs : Math.min(lastGoodEnd - overlapMs, to - overlapMs);
    inFlight = (async () => {
      try {
        const report = await run({ ...base, window: { from: new Date(from), to: new Date(to) } });
        if (report.failed === 0) lastGoodEnd = to;
        onReport?.(report);
        return report;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  const job = new Cron(cron, { timezone, protect: true, name: undefined }, async () => {
    try {
      await once();
    } catch (err) {
      base.log.warn({ error: (err as Error).message }, 'scheduled reconciliation failed');
    }
  });
  base.log.info({ cron, timezone, next: job.nextRun()?.toISOString() }, 'reconciliation scheduled');

  return {
    stop: () => job.stop(),
    runNow: once,
    nextRun: () => job.nextRun(),
  };
}

export const reconcileEnv = shopsEnv.extend({
  OMNISTREAM_PG_SCHEMA: pgSchemaSetting,
  /** The nightly reconciliation pull (cron, in OMNISTREAM_RECONCILE_TIMEZONE); "off" disables it. */
  OMNISTREAM_RECONCILE_CRON: z.string().default(DEFAULT_CRON),
  OMNISTREAM_RECONCILE_TIMEZONE: z.string().default(DEFAULT_TIMEZONE),
  /**
   * The incremental reconciliation: a short pull of the last OMNISTREAM_RECONCILE_INCREMENTAL_LOOKBACK_MINUTES
   * (first run; later runs overlap the previous one by half of it) every few minutes, so a channel
   * whose pushes stop arriving (502s at its edge during a promotion, say) is repaired in minutes, not at night. "off" disables it.
   */
  OMNISTREAM_RECONCILE_INCREMENTAL_CRON: z.string().default('*/2 * * * *'),
  OMNISTREAM_RECONCILE_INCREMENTAL_LOOKBACK_MINUTES: z.coerce.number().positive().default(10),
});

export interface ReconcileSourceOptions {
  shops: ShopDirectory;
  schema: string;
  /** null: off. */
  nightly: { cron: string; timezone: string } | null;
  incremental: { cron: string; timezone: string; lookbackMs: number } | null;
}

/** The channels' query APIs, pulled on a schedule, compared with Postgres and ingested like pushes. */
export const reconcileSource = defineProcessor({
  name: 'reconcile',
  part: 'gateway',
  kind: 'source',
  summary: "reconciliation pulls through the channels' query APIs: nightly, and incrementally every 2 minutes",
  inputs: {},
  outputs: {
    channelRaw: 'writes every pulled order as read',
    orderEvents: "writes the canonical events of pulled orders that are missing or newer than the hub's",
    deadLetter: 'dead-letters pulled orders that cannot be mapped',
  },
  stores: [{ prefix: 'gw', kind: 'redis', holds: "the gateway's dedupe of stored events (shared ingest path)" }],
  timers: [
    { name: 'nightly', every: 'OMNISTREAM_RECONCILE_CRON (02:00 China time)', does: "pulls every shop's orders changed in the last 26 h" },
    {
      name: 'incremental',
      every: 'OMNISTREAM_RECONCILE_INCREMENTAL_CRON (every 2 minutes)',
      does: 'pulls the last 10 minutes, so lost pushes are repaired in minutes',
    },
  ],
  env: reconcileEnv,
  options: (env, inputs): ReconcileSourceOptions => ({
    shops: shopsOf(env, inputs),
    schema: env.OMNISTREAM_PG_SCHEMA,
    nightly: env.OMNISTREAM_RECONCILE_CRON === 'off' ? null : { cron: env.OMNISTREAM_RECONCILE_CRON, timezone: env.OMNISTREAM_RECONCILE_TIMEZONE },
    incremental:
      env.OMNISTREAM_RECONCILE_INCREMENTAL_CRON === 'off'
        ? null
        : {
            cron: env.OMNISTREAM_RECONCILE_INCREMENTAL_CRON,
            timezone: env.OMNISTREAM_RECONCILE_TIMEZONE,
            lookbackMs: env.OMNISTREAM_RECONCILE_INCREMENTAL_LOOKBACK_MINUTES * 60_000,
          },
  }),
  async start(ctx, opts: ReconcileSourceOptions) {
    const ingestor = new PushIngestor(new PushPublisher((batch) => ctx.publishBatch(batch)), ctx.redis, ctx.namespace);
    const base = { connectors: CONNECTORS, ingestor, pool: ctx.pool, schema: opts.schema };
    if (opts.nightly) {
      const log = ctx.log.child({ timer: 'nightly' });
      const schedule = startReconcileSchedule({
        ...base,
        ...opts.nightly,
        shops: opts.shops.all(),
        log,
        onReport: (report) => log.info({ report }, 'reconciliation finished'),
      });
      ctx.onStop(() => schedule.stop());
    }
    if (opts.incremental) {
      const log = ctx.log.child({ timer: 'incremental' });
      const { lookbackMs, ...when } = opts.incremental;
      const schedule = startReconcileSchedule({
        ...base,
        ...when,
        shops: opts.shops.all().filter((s) => CONNECTORS[s.channel]?.pull),
        log,
        lookbackMs,
        overlapMs: lookbackMs / 2,
        onReport: (report) => {
          if (report.shops.some((s) => s.orders.missing + s.orders.newer > 0 || !s.ok))
            log.info({ report }, 'incremental reconciliation repaired or failed something');
        },
      });
      ctx.onStop(() => schedule.stop());
    }
    return {};
  },
});
