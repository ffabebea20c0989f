import { ApiError } from '../../lib/errors.js';
import type { ShopConfig } from '../contract.js';

/*
 * Reconciliation through the REST Admin API order list (README "Pull" has the sources):
 *
 *   GET {endpoint}/admin/api/{version}/orders.json
 *       ?status=any&updated_at_min=…&updated_at_max=…&limit=250
 *   X-Shopify-Access-Token: {credentials.accessToken}
 *     → 200 {"orders":[Order…]}   Link: <…?limit=250&page_info=…>; rel="next"
 *
 * Cursor pagination: every further page is requested with the URL of the rel="next" link, used
 * exactly as given. Shopify refuses a request that carries page_info together with any filter
 * (only limit and fields may accompany it), so the filters are sent on the first request only;
 * the cursor carries them from then on. No rel="next" link means the last page.
 *
 * status=any, because the list defaults to open orders and would hide cancelled and closed ones:
 * exactly the changes reconciliation exists to catch. updated_at_min/max are inclusive and
 * second-granular; the window [from, to) is kept exact by filtering on each order's updated_at.
 *
 * Each order is yielded as Shopify sent it: the REST Order resource, the same body as the
 * orders/* webhooks, so payloadSchema and normalize serve both paths.
 */
export const DEFAULT_API_VERSION = '2025-07';
export const PAGE_LIMIT = 250;

/** The rel="next" URL of a Link header (RFC 8288 form Shopify uses), or null when there is none. */
export function nextPageUrl(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>((?:\s*;\s*[^;]+)*)\s*$/.exec(part);
    if (!match) continue;
    const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? '');
    if (rels && rels[1]!.trim().split(/\s+/).includes('next')) return match[1]!;
  }
  return null;
}

export interface PullConfig {
  endpoint: string;
  version: string;
  token: string;
}

export function pullConfig(shop: ShopConfig): PullConfig {
  const token = shop.credentials?.accessToken;
  if (!token) throw new Error(`shopify shop ${shop.shopId}: credentials.accessToken (Admin API access token) is required for pull`);
  // shopId is the shop's myshopify domain; endpoint overrides it (the simulator, a proxy).
  const endpoint = (shop.endpoint ?? `https://${shop.shopId}`).replace(/\/+$/, '');
  const version = shop.credentials?.apiVersion ?? DEFAULT_API_VERSION;
  if (!/^\d{4}-\d{2}$|^unstable$/.test(version))
    throw new Error(`shopify shop ${shop.shopId}: credentials.apiVersion "${version}" is not a Shopify API version`);
  return { endpoint, version, token };
}

/** Whole-second UTC ISO-8601: Shopify filters on seconds. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function errorText(body: unknown): string {
  if (body && typeof body === 'object' && 'errors' in body) {
    const errors = (body as { errors: unknown }).errors;
    return typeof errors === 'string' ? errors : JSON.stringify(errors);
  }
  return '';
}

export async function* pullShopifyOrders(
  shop: ShopConfig,
  window: { from: Date; to: Date },
  opts: { limit?: number } = {},
): AsyncGenerator<Record<string, unknown>> {
  const cfg = pullConfig(shop);
  const fromMs = window.from.getTime();
  const toMs = window.to.getTime();
  if (!(fromMs < toMs)) return;
  const limit = opts.limit ?? PAGE_LIMIT;
  const first = new URL(`${cfg.endpoint}/admin/api/${cfg.version}/orders.json`);
  first.search = new URLSearchParams({
    status: 'any',
    updated_at_min: isoSeconds(Math.floor(fromMs / 1000) * 1000),
    updated_at_max: isoSeconds(Math.ceil(toMs / 1000) * 1000),
    limit: String(limit),
  }).toString();

  let url: URL | null = first;
  const seen = new Set<string>();
  while (url) {
    const response = await fetch(url, { headers: { 'X-Shopify-Access-Token': cfg.token, Accept: 'application/json' } });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      throw new ApiError('shopify', `${url.pathname}: HTTP ${response.status} ${errorText(body)}`.trim(), { status: response.status });
    }
    const orders = (body as { orders?: unknown } | undefined)?.orders;
    if (!Array.isArray(orders)) throw new ApiError('shopify', `${url.pathname}: response has no orders array`, { status: response.status });

    for (const order of orders as Array<Record<string, unknown>>) {
      const updated = typeof order.updated_at === 'string' ? Date.parse(order.updated_at) : Number.NaN;
      // An unreadable updated_at is yielded anyway: normalize() dead-letters it with a reason.
      if (!Number.isNaN(updated) && (updated < fromMs || updated >= toMs)) continue;
      // An order edited while we page can move between pages; yield each version once.
      const key = `${String(order.id)}|${String(order.updated_at)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      yield order;
    }

    const next = nextPageUrl(response.headers.get('link'));
    if (next === null) break;
    const nextUrl: URL = new URL(next, url);
    // The access token goes only to the shop we were configured for.
    if (nextUrl.origin !== first.origin)
      throw new ApiError('shopify', `${url.pathname}: next page link points to another origin (${nextUrl.origin})`, { status: response.status });
    url = nextUrl;
  }
}
