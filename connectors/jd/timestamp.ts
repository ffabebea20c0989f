import type { Outcome } from '../contract.js';

/*
 * JD writes times as China wall-clock strings without an offset: "2025-11-11 00:00:05" is
 * 2025-11-10T16:00:05Z (UTC+08:00, no daylight saving). The shape and the calendar are both
 * checked ("2025-02-30 …" is refused rather than rolled over). The API's own `timestamp`
 * parameter uses the same format.
 */
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const CHINA_OFFSET_MS = 8 * 3_600_000;

export function parseChinaTime(field: string, value: string): Outcome<number> {
  const m = WALL_CLOCK.exec(value);
  if (!m) return { ok: false, reason: `${field} is not "yyyy-MM-dd HH:mm:ss": "${value}"` };
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  if (formatChinaTime(utc - CHINA_OFFSET_MS) !== value || y < 2000) return { ok: false, reason: `${field} is not a valid time: "${value}"` };
  return { ok: true, value: utc - CHINA_OFFSET_MS };
}

/** epoch ms → "yyyy-MM-dd HH:mm:ss" in China time (whole seconds, truncated). */
export function formatChinaTime(ms: number): string {
  const iso = new Date(Math.floor(ms / 1000) * 1000 + CHINA_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
