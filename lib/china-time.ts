import type { Result } from './result.js';

/*
 * Chinese platforms (Taobao TOP, JD JOS, Pinduoduo, Youzan) write times as China wall-clock
 * strings without an offset: "2025-11-11 00:00:05" means 2025-11-10T16:00:05Z (Asia/Shanghai is
 * UTC+08:00 all year, no daylight saving). Their APIs' own `timestamp` parameters use the same
 * format. Impossible dates ("2025-02-30 10:00:00") are refused, not rolled over.
 */
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const CHINA_OFFSET_MS = 8 * 3600_000;

export function formatChinaTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000 + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export function parseChinaTime(field: string, value: string): Result<number> {
  const m = WALL_CLOCK.exec(value);
  if (!m) return { ok: false, reason: `${field} is not a "yyyy-MM-dd HH:mm:ss" time: "${value}"` };
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - CHINA_OFFSET_MS;
  if (Number.isNaN(ms) || formatChinaTime(ms) !== value) return { ok: false, reason: `${field} is not a real time: "${value}"` };
  return { ok: true, value: ms };
}
