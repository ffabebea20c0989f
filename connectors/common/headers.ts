import type { Result } from '../../lib/result.js';
import type { InboundPush } from '../contract.js';

/**
 * One header's value, by case-insensitive name (Node lowercases them; HTTP/2 always does).
 * Two copies of a signature-bearing header would let a proxy or attacker choose which one is
 * checked, so more than one is refused.
 */
export function headerValue(headers: InboundPush['headers'], name: string): Result<string | undefined> {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    values.push(...(Array.isArray(value) ? value : [value]));
  }
  if (values.length > 1) return { ok: false, reason: `multiple ${name} headers` };
  return { ok: true, value: values[0] };
}
