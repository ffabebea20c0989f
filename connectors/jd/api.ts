import type { ShopConfig } from '../contract.js';
import { parseJsonExact } from './json-numbers.js';
import { jdSign } from './signature.js';
import { formatChinaTime } from './timestamp.js';

/*
 * A minimal JOS client: every API call is a form POST to shop.endpoint (https://api.jd.com/routerjson)
 * with the system parameters method, app_key, access_token, timestamp, v=2.0, the business
 * parameters as one JSON string (360buy_param_json) and sign (signature.ts). Errors of the router
 * come back as {"error_response":{"code","zh_desc","en_desc"}}.
 */
export class JdApiError extends Error {
  constructor(readonly code: string, message: string) {
    super(`JD API error ${code}: ${message}`);
    this.name = 'JdApiError';
  }
}

/** The platform answered with an HTTP error (gateway, overload): worth retrying. */
export class JdHttpError extends Error {
  constructor(readonly status: number, method: string) {
    super(`jd ${method}: HTTP ${status}`);
    this.name = 'JdHttpError';
  }
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

/** One signed call; resolves with the parsed answer (ids kept exact), or throws JdApiError / JdHttpError. */
export async function callJos(shop: ShopConfig, method: string, business: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { endpoint, appKey, accessToken } = josConfig(shop);
  const params: Record<string, string> = {
    method, app_key: appKey, access_token: accessToken, timestamp: formatChinaTime(Date.now()), v: '2.0',
    '360buy_param_json': JSON.stringify(business),
  };
  params.sign = jdSign(params, shop.secret);
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  if (!res.ok) throw new JdHttpError(res.status, method);
  let body: Record<string, unknown>;
  try {
    body = parseJsonExact(text) as Record<string, unknown>;
  } catch {
    throw new Error(`jd ${method}: response is not JSON`);
  }
  const error = body.error_response as Record<string, unknown> | undefined;
  if (error) throw new JdApiError(String(error.code ?? ''), String(error.en_desc ?? error.zh_desc ?? ''));
  return body;
}
