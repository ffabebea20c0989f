import { isRetryableStatus } from '../../lib/errors.js';
import { fail, ok, type Result, transient } from '../../lib/result.js';
import type { ShopConfig } from '../contract.js';
import { rateLimited } from '../stock-api.js';
import { pullConfig } from './pull.js';

/*
 * A minimal GraphQL Admin API client, for stock:
 *
 *   POST {endpoint}/admin/api/{version}/graphql.json   X-Shopify-Access-Token: {credentials.accessToken}
 *     {"query": "…", "variables": {…}}  →  {"data": …, "errors": [...], "extensions": {"cost": …}}
 *
 * Throttling is cost-based: a throttled call is answered {"errors":[{"message":"Throttled",
 * "extensions":{"code":"THROTTLED"}}], "extensions":{"cost":{requestedQueryCost, throttleStatus}}}
 * (HTTP 200, or 429): the wait is what the bucket needs to refill the requested cost.
 * The version is credentials.stockApiVersion, default SHOPIFY_STOCK_API_VERSION: the
 * changeFromQuantity field and the @idempotent directive stock relies on are 2026-04 API.
 */
export const SHOPIFY_STOCK_API_VERSION = '2026-04';
/** How long a stock call may take before it counts as lost (credentials.stockTimeoutMs overrides). */
export const SHOPIFY_STOCK_TIMEOUT_MS = 5_000;

interface Cost {
  requestedQueryCost?: number;
  throttleStatus?: { currentlyAvailable?: number; restoreRate?: number };
}

interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message?: string; extensions?: { code?: string } }>;
  extensions?: { cost?: Cost };
}

/** The wait until the bucket holds the requested cost again, when the answer says enough to compute it. */
function refillMs(cost: Cost | undefined): number | undefined {
  const requested = cost?.requestedQueryCost;
  const available = cost?.throttleStatus?.currentlyAvailable;
  const rate = cost?.throttleStatus?.restoreRate;
  if (requested === undefined || available === undefined || !rate) return undefined;
  return Math.max(0, Math.ceil(((requested - available) / rate) * 1000));
}

export async function callGraphql(shop: ShopConfig, query: string, variables: Record<string, unknown>): Promise<Result<Record<string, unknown>>> {
  const cfg = pullConfig(shop);
  const version = shop.credentials?.stockApiVersion ?? SHOPIFY_STOCK_API_VERSION;
  const timeoutMs = Number(shop.credentials?.stockTimeoutMs ?? SHOPIFY_STOCK_TIMEOUT_MS);
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${cfg.endpoint}/admin/api/${version}/graphql.json`, {
      method: 'POST',
      headers: { 'X-Shopify-Access-Token': cfg.token, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (err) {
    return transient(`shopify graphql: ${(err as Error).message}`);
  }
  let body: GraphqlBody | undefined;
  try {
    body = JSON.parse(text) as GraphqlBody;
    // Errors outside GraphQL (a 401, a 503) come REST-shaped: {"errors": "text"}.
    if (body && !Array.isArray(body.errors)) body.errors = undefined;
  } catch {
    body = undefined;
  }
  const throttled = body?.errors?.some((e) => e.extensions?.code === 'THROTTLED');
  if (throttled || response.status === 429) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return rateLimited('shopify graphql: Throttled', refillMs(body?.extensions?.cost) ?? (retryAfter > 0 ? retryAfter * 1000 : undefined));
  }
  if (!response.ok) return fail(`shopify graphql: HTTP ${response.status}`, { retryable: isRetryableStatus(response.status) });
  if (body?.errors?.length) {
    const internal = body.errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR');
    return fail(`shopify graphql: ${body.errors.map((e) => e.message).join('; ')}`, { retryable: internal });
  }
  if (!body?.data) return transient('shopify graphql: the answer has no data');
  return ok(body.data);
}
