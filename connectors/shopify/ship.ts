import { isRetryableStatus } from '../../lib/errors.js';
import { fail, ok, permanent, type Result, transient } from '../../lib/result.js';
import type { CarrierCode, ShipmentNotice, ShopConfig } from '../contract.js';
import { pullConfig } from './pull.js';

/*
 * Sync-back "ship" through the REST Admin API, fulfillment-order based (the only way since
 * 2023-01; README "Ship" has the sources):
 *
 *   GET  {endpoint}/admin/api/{version}/orders/{id}/fulfillment_orders.json
 *     → {"fulfillment_orders":[{id, status, supported_actions, …}]}
 *   POST {endpoint}/admin/api/{version}/fulfillments.json
 *     {"fulfillment":{"line_items_by_fulfillment_order":[{"fulfillment_order_id":…}],
 *                     "tracking_info":{"number","company"},"notify_customer":true}}
 *     → 201 {"fulfillment":{…}}
 *
 * A fulfillment order listed without line items is fulfilled whole: the hub ships whole orders.
 * Same access token (credentials.accessToken) and version as pull.
 */

/** Our carrier → Shopify's tracking company name (one of its known carriers, so it links tracking). */
export const SHOPIFY_CARRIERS: Readonly<Record<CarrierCode, string>> = Object.freeze({
  SF: 'SF Express',
  ZTO: 'ZTO Express',
  YTO: 'YTO Express',
  JD: 'JD Logistics',
});

/** Fulfillment order states that still accept a fulfillment. */
const FULFILLABLE = new Set(['open', 'in_progress']);

interface FulfillmentOrder {
  id: number;
  status: string;
  supported_actions?: string[];
}

/** HTTP answer → Result: 429 and 5xx are worth retrying; other 4xx are not. */
export function shopifyHttpResult(status: number, what: string, detail: string): Result {
  if (status >= 200 && status < 300) return ok();
  return fail(`shopify ${what}: HTTP ${status}${detail ? ` ${detail}` : ''}`, { retryable: isRetryableStatus(status) });
}

function errorsOf(body: unknown): string {
  if (body && typeof body === 'object' && 'errors' in body) {
    const errors = (body as { errors: unknown }).errors;
    return typeof errors === 'string' ? errors : JSON.stringify(errors);
  }
  return '';
}

async function call(url: string, token: string, init: { method: 'GET' | 'POST'; body?: unknown }): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: init.method,
    headers: { 'X-Shopify-Access-Token': token, Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
}

export async function shipShopify(shop: ShopConfig, notice: ShipmentNotice): Promise<Result> {
  let cfg: ReturnType<typeof pullConfig>;
  try {
    cfg = pullConfig(shop);
  } catch (err) {
    return permanent((err as Error).message);
  }
  const company = SHOPIFY_CARRIERS[notice.carrier];
  if (!company) return permanent(`shopify: no tracking company for carrier ${notice.carrier}`);
  if (!/^\d+$/.test(notice.channelOrderId)) return permanent(`shopify: order id "${notice.channelOrderId}" is not numeric`);
  const api = `${cfg.endpoint}/admin/api/${cfg.version}`;
  try {
    const listed = await call(`${api}/orders/${notice.channelOrderId}/fulfillment_orders.json`, cfg.token, { method: 'GET' });
    if (listed.status !== 200) return shopifyHttpResult(listed.status, 'fulfillment_orders', errorsOf(listed.body));
    const orders = (listed.body as { fulfillment_orders?: FulfillmentOrder[] } | undefined)?.fulfillment_orders ?? [];
    const open = orders.filter((fo) => FULFILLABLE.has(fo.status) && (fo.supported_actions ?? []).includes('create_fulfillment'));
    if (open.length === 0) {
      // Nothing left to fulfil because it was fulfilled already (by us, or by hand): the goal holds.
      if (orders.length > 0 && orders.every((fo) => fo.status === 'closed')) return ok();
      return permanent(`shopify: order ${notice.channelOrderId} has no fulfillable fulfillment order (${orders.map((fo) => fo.status).join(', ') || 'none'})`);
    }
    const created = await call(`${api}/fulfillments.json`, cfg.token, {
      method: 'POST',
      body: {
        fulfillment: {
          line_items_by_fulfillment_order: open.map((fo) => ({ fulfillment_order_id: fo.id })),
          tracking_info: { number: notice.waybillNo, company },
          notify_customer: true,
        },
      },
    });
    const detail = errorsOf(created.body);
    // A concurrent fulfillment closed the order between our two calls: already shipped.
    if (created.status === 422 && /closed|fulfilled|unfulfillable/i.test(detail)) return ok();
    return shopifyHttpResult(created.status, 'fulfillments', detail);
  } catch (err) {
    return transient(`shopify: ${(err as Error).message}`);
  }
}
