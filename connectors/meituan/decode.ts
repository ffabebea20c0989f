import type { Result } from '../../lib/result.js';
import type { InboundPush } from '../contract.js';
import { pushFields } from './form.js';

/*
 * A push (form body + query, values encoded twice) → the JSON object payloadSchema parses: every
 * parameter as a string, fully decoded. sig is dropped (it is only good for verification);
 * app_id and timestamp stay, harmless. Order ids stay strings, so bigints survive.
 */
export function decodeMeituanPush(push: InboundPush): Result<string> {
  const fields = pushFields(push);
  if (!fields.ok) return fields;
  const { sig: _sig, ...rest } = fields.value;
  return { ok: true, value: JSON.stringify(rest) };
}
