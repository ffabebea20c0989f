import { Cron } from 'croner';

export const RULES_TIMEZONE = 'Asia/Shanghai';

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "HH:mm" (every day at that time) or a cron expression (5 or 6 fields) as a croner pattern. */
export function cutoffPattern(cutoff: string): string {
  const m = HH_MM.exec(cutoff);
  return m ? `0 ${Number(m[2])} ${Number(m[1])} * * *` : cutoff;
}

/** Throws when the cut-off is neither "HH:mm" nor a valid cron expression. */
export function validateCutoff(cutoff: string, timezone = RULES_TIMEZONE): void {
  new Cron(cutoffPattern(cutoff), { timezone, paused: true }).stop();
}

/** One parsed schedule per (cut-off, timezone), and the last answer it gave: [from, next). */
interface Schedule {
  job: Cron;
  from: number;
  next: number;
}
const schedules = new Map<string, Schedule>();
/** Rules hold a handful of cut-offs; the bound only guards against a caller making up patterns. */
const MAX_SCHEDULES = 256;

/**
 * The first cut-off strictly after `at` (epoch ms), read in `timezone`. Called per parcel, so the
 * pattern is parsed once, and the answer for `from` is reused for any `at` in [from, next): no
 * cut-off lies strictly between `from` and `next`, so `next` is the first one after `at` too.
 */
export function nextCutoff(cutoff: string, at: number, timezone = RULES_TIMEZONE): number {
  const id = `${timezone}|${cutoff}`;
  let schedule = schedules.get(id);
  if (schedule && at >= schedule.from && at < schedule.next) return schedule.next;
  if (!schedule) {
    if (schedules.size >= MAX_SCHEDULES) schedules.clear();
    schedule = { job: new Cron(cutoffPattern(cutoff), { timezone, paused: true }), from: 0, next: 0 };
    schedules.set(id, schedule);
  }
  const next = schedule.job.nextRun(new Date(at));
  if (!next) throw new Error(`cut-off "${cutoff}" never occurs after ${new Date(at).toISOString()}`);
  schedule.from = at;
  schedule.next = next.getTime();
  return schedule.next;
}
