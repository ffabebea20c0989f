import { ApiError } from '../../lib/errors.js';
import type { ShopConfig } from '../contract.js';
import { parseJsonExact } from './json-numbers.js';
import { jdSign } from './signature.js';
import { formatChinaTime } from './timestamp.js';

/*
 * A minimal JOS client: every API call is a form POST to shop.endpoint (https://api.jd.com/routerjson)
 * with the system parameters method, app_key, access_token, timestamp, v=2.0, the business
 * parameters as one JSON string (360buy_param_json) and sign (signature.ts). Errors of the router
 * come back as {"error_response":{"code","zh_desc","en_desc"}}: thrown as ApiError (josError). An HTTP
 * error comes from the gateway in front of the router (overload): retried, whatever its status.
 */

/** Router error codes meaning "too many calls" or "platform busy": wait and retry (UNVERIFIED). */
const RETRYABLE_CODES = new Set(['1', '9', '67']);

/** A JOS error answer, by JD's own code. */
export function josError(code: string, message: string): ApiError {
  return new ApiError('jd', `JD API error ${code}: ${message}`, { platformCode: code, retryable: RETRYABLE_CODES.has(code) });
}

export function josConfig(shop: ShopConfig) {
  const endpoint = shop.endpoint;
  const appKey = shop.credentials?.appKey;
  const accessToken = shop.credentials?.accessToken;
  if (!endpoint) throw new Error('jd: shop.endpoint (e.g. https://api.jd.com/routerjson) is not set');
  if (!appKey) throw new Error('jd: credentials.appKey is not set');
  if (!accessToken) throw new Error('jd: credentials.accessToken is not set');
  return { endpoint, appKey, accessToken };
}

/** One signed call; resolves with the parsed answer (ids kept exact), or throws ApiError. */
export async function callJos(
  shop: ShopConfig,
  method: string,
  business: Record<string, unknown>,
  opts: { timeoutMs?: number } = {},
): Promise<Record<string, unknown>> {
  const { endpoint, appKey, accessToken } = josConfig(shop);
  const params: Record<string, string> = {
    method,
    app_key: appKey,
    access_token: accessToken,
    timestamp: formatChinaTime(Date.now()),
    v: '2.0',
    '360buy_param_json': JSON.stringify(business),
  };
  params.sign = jdSign(params, shop.secret);
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: new URLSearchParams(params).toString(),
    ...(opts.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(opts.timeoutMs) }),
  });
  const text = await res.text();
  if (!res.ok) throw new ApiError('jd', `${method}: HTTP ${res.status}`, { status: res.status, retryable: true });
  let body: Record<string, unknown>;
  try {
    body = parseJsonExact(text) as Record<string, unknown>;
  } catch {
    throw new Error(`jd ${method}: response is not JSON`);
  }
  const error = body.error_response as Record<string, unknown> | undefined;
  if (error) throw josError(String(error.code ?? ''), String(error.en_desc ?? error.zh_desc ?? ''));
  return body;
}
