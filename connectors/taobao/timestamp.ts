/*
 * TOP timestamps are China wall-clock strings without an offset: "2025-11-11 00:00:05" means
 * 2025-11-10T16:00:05Z (Asia/Shanghai is UTC+08:00 all year, no daylight saving). The same
 * format is used for the API's own `timestamp` parameter and for start_modified/end_modified.
 * Impossible dates ("2025-02-30 10:00:00") are refused, not rolled over.
 */
export { formatChinaTime, parseChinaTime } from '../../lib/china-time.js';
