import type { Result } from '../../lib/result.js';

/*
 * Youzan times are China wall-clock strings without offset: "2018-10-16 21:41:01" (UTC+08:00,
 * no DST). The shape is checked strictly and the date must exist (no 2025-02-30).
 */
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const CHINA_OFFSET_MS = 8 * 3600_000;

export function parseChinaTime(field: string, value: unknown): Result<number> {
  const match = typeof value === 'string' ? WALL_CLOCK.exec(value) : null;
  if (!match) return { ok: false, reason: `${field} is not a "yyyy-MM-dd HH:mm:ss" time: ${JSON.stringify(value)}` };
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return { ok: false, reason: `${field} is not a real date: "${String(value)}"` };
  }
  return { ok: true, value: utc - CHINA_OFFSET_MS };
}

/** epoch ms → "yyyy-MM-dd HH:mm:ss" China time (API parameters, simulator). */
export function formatChinaTime(ms: number): string {
  const iso = new Date(Math.floor(ms / 1000) * 1000 + CHINA_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
