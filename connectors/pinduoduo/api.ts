import { ApiError } from '../../lib/errors.js';
import type { ShopConfig } from '../contract.js';
import { pddSign } from './signature.js';

/*
 * A minimal PDD open-platform client: POST to the gateway router with the common parameters
 * type, client_id, access_token, timestamp (epoch seconds), data_type=JSON, version=V1 and
 * sign = pddSign(all params). Errors come back as {"error_response": {"error_code", "error_msg",
 * "sub_code", "sub_msg", "request_id"}}: thrown as ApiError with the error_code as platformCode,
 * retryable for flow control and a busy platform. Any other HTTP status comes from the gateway in
 * front of the router: retried, whatever it is.
 *
 * ShopConfig: secret = client_secret; credentials.clientId, credentials.accessToken,
 * credentials.mallId (checked against messages); endpoint = base URL: the router is
 * `${endpoint}/api/router` and the message channel `ws(s)://…/message/…` unless
 * credentials.apiUrl / credentials.wsUrl say otherwise.
 */

/** Flow control and platform-busy error codes: wait and retry (UNVERIFIED codes). */
const RETRYABLE_CODES = new Set(['70031', '70032', '50001']);

export interface PddCredentials {
  clientId: string;
  accessToken: string;
  mallId: string | undefined;
  apiUrl: string;
  wsUrl: string;
}

export function pddCredentials(shop: ShopConfig): PddCredentials {
  const c = shop.credentials ?? {};
  if (!c.clientId) throw new Error(`pinduoduo shop ${shop.shopId}: credentials.clientId is required`);
  if (!c.accessToken) throw new Error(`pinduoduo shop ${shop.shopId}: credentials.accessToken is required`);
  const base = shop.endpoint?.replace(/\/+$/, '');
  const apiUrl = c.apiUrl ?? (base ? `${base}/api/router` : undefined);
  const wsUrl = c.wsUrl ?? (base ? base.replace(/^http/, 'ws') : undefined);
  if (!apiUrl || !wsUrl) throw new Error(`pinduoduo shop ${shop.shopId}: endpoint (or credentials.apiUrl and wsUrl) is required`);
  return { clientId: c.clientId, accessToken: c.accessToken, mallId: c.mallId, apiUrl, wsUrl: wsUrl.replace(/\/+$/, '') };
}

export interface PddCallOptions {
  fetchImpl?: typeof fetch;
  now?: () => number;
}

export async function callPdd(
  shop: ShopConfig,
  type: string,
  apiParams: Readonly<Record<string, string>>,
  opts: PddCallOptions = {},
): Promise<Record<string, unknown>> {
  const cred = pddCredentials(shop);
  const params: Record<string, string> = {
    type,
    client_id: cred.clientId,
    access_token: cred.accessToken,
    timestamp: String(Math.floor((opts.now ?? Date.now)() / 1000)),
    data_type: 'JSON',
    version: 'V1',
    ...apiParams,
  };
  params.sign = pddSign(params, shop.secret);
  const response = await (opts.fetchImpl ?? fetch)(cred.apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  if (!response.ok) throw new ApiError('pinduoduo', `PDD ${type}: HTTP ${response.status}`, { status: response.status, retryable: true });
  const json = (await response.json()) as Record<string, unknown>;
  const error = json.error_response as { error_code?: unknown; error_msg?: unknown; sub_msg?: unknown } | undefined;
  if (error) {
    const code = String(error.error_code);
    throw new ApiError('pinduoduo', `PDD ${type} failed: ${code} ${String(error.error_msg)}`, { platformCode: code, retryable: RETRYABLE_CODES.has(code) });
  }
  return json;
}

export async function fetchOrderInformation(shop: ShopConfig, orderSn: string, opts: PddCallOptions = {}): Promise<unknown> {
  const json = await callPdd(shop, 'pdd.order.information.get', { order_sn: orderSn }, opts);
  const order = (json.order_info_get_response as { order_info?: unknown } | undefined)?.order_info;
  if (order === undefined) throw new Error(`PDD pdd.order.information.get: no order_info for ${orderSn}`);
  return order;
}
