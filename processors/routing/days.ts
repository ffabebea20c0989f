import { RULES_TIMEZONE } from './cutoff.js';

/**
 * Calendar days in the rules' timezone (Asia/Shanghai), not UTC: 00:30 in Shanghai is still the
 * previous day in UTC, the classic way to file a midnight order under the wrong day.
 */
const formats = new Map<string, { day: Intl.DateTimeFormat; offset: Intl.DateTimeFormat }>();
function formatsOf(timezone: string) {
  let f = formats.get(timezone);
  if (!f) {
    f = {
      day: new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }),
      offset: new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' }),
    };
    formats.set(timezone, f);
  }
  return f;
}

/** "2026-11-26" for the day `at` falls on in `timezone`. */
export function dayOf(at: number, timezone = RULES_TIMEZONE): string {
  return formatsOf(timezone).day.format(new Date(at));
}

/** "+08:00": the timezone's UTC offset at `at`. */
export function offsetAt(at: number, timezone = RULES_TIMEZONE): string {
  const name =
    formatsOf(timezone)
      .offset.formatToParts(new Date(at))
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  return name === 'GMT' ? '+00:00' : name.slice(3);
}

/** Epoch ms of 00:00 of `day` ("YYYY-MM-DD") in `timezone`. */
export function startOfDay(day: string, timezone = RULES_TIMEZONE): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a YYYY-MM-DD day: "${day}"`);
  // The offset at noon UTC of that day is the day's offset (no zone changes its offset near noon UTC... for Asia/Shanghai, ever).
  const offset = offsetAt(Date.parse(`${day}T12:00:00Z`), timezone);
  return Date.parse(`${day}T00:00:00${offset}`);
}

/** "2026-11-25T16:00+08:00": a local wall-clock time with its offset, for readable ids. */
export function localMinute(at: number, timezone = RULES_TIMEZONE): string {
  const offset = offsetAt(at, timezone);
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number) as [number, number];
  return `${new Date(at + sign * (h * 60 + m) * 60_000).toISOString().slice(0, 16)}${offset}`;
}
