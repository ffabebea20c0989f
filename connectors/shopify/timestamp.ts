import type { Result } from '../../lib/result.js';

/*
 * Shopify timestamps are ISO-8601 with the shop's UTC offset: "2024-11-10T10:30:00-05:00".
 * Date.parse alone also accepts free text ("March 7, 2017") and reads offset-less strings as
 * local time, so the shape is checked first: an explicit offset (or Z) is required.
 */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export function parseShopifyTimestamp(field: string, value: string): Result<number> {
  const ms = ISO_WITH_OFFSET.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) return { ok: false, reason: `${field} is not an ISO-8601 timestamp with offset: "${value}"` };
  return { ok: true, value: ms };
}
