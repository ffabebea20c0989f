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

/** The first cut-off strictly after `at` (epoch ms), read in `timezone`. */
export function nextCutoff(cutoff: string, at: number, timezone = RULES_TIMEZONE): number {
  const job = new Cron(cutoffPattern(cutoff), { timezone, paused: true });
  const next = job.nextRun(new Date(at));
  job.stop();
  if (!next) throw new Error(`cut-off "${cutoff}" never occurs after ${new Date(at).toISOString()}`);
  return next.getTime();
}
