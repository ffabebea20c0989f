import { Cron } from 'croner';
import { reconcile, type ReconcileOptions, type ReconcileReport } from './reconciler.js';

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
  const { cron = DEFAULT_CRON, timezone = DEFAULT_TIMEZONE, lookbackMs = DEFAULT_LOOKBACK_MS, overlapMs = DEFAULT_OVERLAP_MS, onReport, run = reconcile, ...base } = opts;
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
