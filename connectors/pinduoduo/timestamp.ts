/*
 * PDD timestamps (created_time, pay_time, updated_at) are China wall-clock strings without an offset: "2025-11-11 00:00:05" means
 * 2025-11-10T16:00:05Z (Asia/Shanghai is UTC+08:00 all year, no daylight saving). PDD API request timestamps, by contrast, are epoch seconds.
 * Impossible dates ("2025-02-30 10:00:00") are refused, not rolled over.
 */
export { formatChinaTime, parseChinaTime } from '../../lib/china-time.js';
