import type { Result } from '../../lib/result.js';
import type { InboundPush } from '../contract.js';

/*
 * Meituan pushes are HTTP POSTs with an application/x-www-form-urlencoded body; the system
 * parameters (app_id, timestamp, sig) may sit in the URL query or in the body, and the signature
 * covers both. Every body VALUE is URL-encoded TWICE: integrators decode the already-parsed
 * parameter again before use and before checking sig (see README "Sources": a Laravel handler
 * does json_decode(urldecode($data['detail'])), a Spring handler URLDecoder.decode()s each
 * request.getParameter() value). So: parse the form once, then decode each body value once more.
 */

export type FormFields = Record<string, string>;

/** application/x-www-form-urlencoded decoding of one value: "+" is a space, then %XX. */
export function formDecode(value: string): Result<string> {
  try {
    return { ok: true, value: decodeURIComponent(value.replace(/\+/g, ' ')) };
  } catch {
    return { ok: false, reason: 'malformed percent-encoding' };
  }
}

/** The inverse (what Meituan does, twice): spaces as "+", everything else per encodeURIComponent. */
export function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/** Parses "a=1&b=2" (one layer), refusing a parameter named twice: we would have to choose which one counts. */
export function parseForm(body: string): Result<Array<[string, string]>> {
  const pairs: Array<[string, string]> = [];
  if (body.length === 0) return { ok: true, value: pairs };
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = formDecode(eq < 0 ? part : part.slice(0, eq));
    const value = formDecode(eq < 0 ? '' : part.slice(eq + 1));
    if (!name.ok || !value.ok) return { ok: false, reason: `malformed form field "${part.slice(0, 40)}"` };
    pairs.push([name.value, value.value]);
  }
  return { ok: true, value: pairs };
}

/**
 * All parameters of a push, fully decoded: query values as the HTTP layer decoded them, body
 * values decoded a second time. Duplicates (within or across query and body) are refused.
 */
export function pushFields(push: InboundPush): Result<FormFields> {
  const fields: FormFields = Object.create(null) as FormFields;
  const seen = new Set<string>();
  const add = (name: string, value: string): Result<void> => {
    if (seen.has(name)) return { ok: false, reason: `parameter "${name}" appears more than once` };
    seen.add(name);
    fields[name] = value;
    return { ok: true, value: undefined };
  };
  for (const [name, value] of Object.entries(push.query ?? {})) {
    if (value === undefined) continue;
    const added = add(name, value);
    if (!added.ok) return added;
  }
  const body = parseForm(push.rawBody.toString('utf8'));
  if (!body.ok) return body;
  for (const [name, once] of body.value) {
    const twice = formDecode(once);
    if (!twice.ok) return { ok: false, reason: `parameter "${name}": ${twice.reason} in its second encoding layer` };
    const added = add(name, twice.value);
    if (!added.ok) return added;
  }
  return { ok: true, value: fields };
}
