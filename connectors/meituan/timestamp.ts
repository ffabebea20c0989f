import type { Result } from '../../lib/result.js';

/*
 * Meituan times (ctime, utime, timestamp) are 10-digit epoch SECONDS ("10位秒级的时间戳"), so
 * they carry no zone question. Refused: anything but digits, and values outside 2000..2100,
 * which catches milliseconds sent by mistake.
 */
const MIN_SECONDS = 946_684_800; // 2000-01-01T00:00:00Z
const MAX_SECONDS = 4_102_444_800; // 2100-01-01T00:00:00Z

export function epochSecondsToMs(field: string, value: string): Result<number> {
  if (!/^\d{1,12}$/.test(value)) return { ok: false, reason: `${field} is not epoch seconds: "${value}"` };
  const seconds = Number(value);
  if (seconds < MIN_SECONDS || seconds >= MAX_SECONDS) return { ok: false, reason: `${field} is out of range: "${value}"` };
  return { ok: true, value: seconds * 1000 };
}

/** The China calendar date (UTC+08:00, no DST) of an instant, as Meituan's date_time integer "20251111". */
export function chinaDateOf(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
}
