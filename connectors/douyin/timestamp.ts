import type { Result } from '../../lib/result.js';

/*
 * Douyin times are Unix epoch SECONDS (int64) in both the messages and the query API
 * (create_time, pay_time, update_time, …). 0 means "not happened" in the API, so it is refused
 * where a real time is required. Upper bound: year 2100, to catch milliseconds sent by mistake.
 */
const MAX_SECONDS = 4_102_444_800; // 2100-01-01T00:00:00Z

export function epochSecondsToMs(field: string, value: number | undefined | null): Result<number> {
  if (value === undefined || value === null) return { ok: false, reason: `${field} is missing` };
  if (!Number.isInteger(value) || value <= 0 || value >= MAX_SECONDS) {
    return { ok: false, reason: `${field} is not epoch seconds: ${value}` };
  }
  return { ok: true, value: value * 1000 };
}
