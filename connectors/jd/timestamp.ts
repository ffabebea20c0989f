/*
 * JD writes times as China wall-clock strings without an offset: "2025-11-11 00:00:05" is
 * 2025-11-10T16:00:05Z (UTC+08:00, no daylight saving). The shape and the calendar are both
 * checked ("2025-02-30 …" is refused rather than rolled over). The API's own `timestamp`
 * parameter uses the same format.
 */
export { formatChinaTime, parseChinaTime } from '../../lib/china-time.js';
