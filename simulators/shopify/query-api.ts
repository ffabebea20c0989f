import type { ShopifyOrder } from '../../connectors/shopify/payload.js';
import { json, type SimRequest, type SimResponse, type SimRoute } from '../kit/index.js';

/*
 * GET /admin/api/{version}/orders.json as reconciliation calls it, with Shopify's rules: limit
 * default 50 and at most 250, updated_at_min/max inclusive, status default open, and cursor
 * pagination through Link headers whose page_info must not be combined with filters.
 */
const FILTERS = new Set([
  'ids',
  'since_id',
  'status',
  'financial_status',
  'fulfillment_status',
  'created_at_min',
  'created_at_max',
  'updated_at_min',
  'updated_at_max',
  'processed_at_min',
  'processed_at_max',
  'attribution_app_id',
]);

interface Cursor {
  /** The filters of the first request, carried by the cursor (Shopify's page_info is opaque). */
  filters: Record<string, string>;
  /** Keyset position: the next page starts after this id ("next") or ends before it ("previous"). */
  id: number;
  dir: 'next' | 'previous';
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(text: string): Cursor | null {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof c !== 'object' || c === null || typeof c.id !== 'number' || (c.dir !== 'next' && c.dir !== 'previous')) return null;
    if (typeof c.filters !== 'object' || c.filters === null) return null;
    return c;
  } catch {
    return null;
  }
}

/** Shopify's status filter: open (default), closed, cancelled, any. */
function statusMatches(order: ShopifyOrder, status: string): boolean {
  if (status === 'any') return true;
  if (status === 'cancelled') return order.cancelled_at !== null;
  if (status === 'closed') return order.closed_at != null;
  return order.closed_at == null && order.cancelled_at === null; // open
}

function listOrders(req: SimRequest, orders: Map<number, ShopifyOrder>): SimResponse {
  const params = Object.fromEntries(req.query);
  const limit = params.limit === undefined ? 50 : Number(params.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 250) return json({ errors: { limit: 'limit must be between 1 and 250' } }, 400);

  let filters: Record<string, string>;
  let cursor: Cursor | null = null;
  if (params.page_info !== undefined) {
    for (const name of Object.keys(params)) {
      if (name !== 'page_info' && name !== 'limit' && name !== 'fields') {
        return json({ errors: { [name]: `${name} cannot be passed when page_info is present.` } }, 400);
      }
    }
    cursor = decodeCursor(params.page_info);
    if (!cursor) return json({ errors: { page_info: 'Invalid value.' } }, 400);
    filters = cursor.filters;
  } else {
    filters = Object.fromEntries(Object.entries(params).filter(([k]) => FILTERS.has(k)));
  }

  const bound = (name: string): number | null => {
    const v = filters[name];
    if (v === undefined) return null;
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? Number.NaN : ms;
  };
  const min = bound('updated_at_min');
  const max = bound('updated_at_max');
  if (Number.isNaN(min) || Number.isNaN(max)) return json({ errors: { updated_at: 'Invalid date' } }, 400);
  const status = filters.status ?? 'open';

  const matching = [...orders.values()]
    .filter((o) => statusMatches(o, status))
    .filter((o) => {
      const at = Date.parse(o.updated_at);
      return (min === null || at >= min) && (max === null || at <= max);
    })
    .sort((a, b) => a.id - b.id);

  let page: ShopifyOrder[];
  if (!cursor) page = matching.slice(0, limit);
  else if (cursor.dir === 'next') page = matching.filter((o) => o.id > cursor.id).slice(0, limit);
  else page = matching.filter((o) => o.id < cursor.id).slice(-limit);

  const links: string[] = [];
  const linkTo = (c: Cursor, rel: string) =>
    `<${req.base}${req.path}?${new URLSearchParams({ limit: String(limit), page_info: encodeCursor(c) }).toString()}>; rel="${rel}"`;
  if (page.length > 0) {
    const firstId = page[0]!.id;
    const lastId = page[page.length - 1]!.id;
    if (matching.some((o) => o.id < firstId)) links.push(linkTo({ filters, id: firstId, dir: 'previous' }, 'previous'));
    if (matching.some((o) => o.id > lastId)) links.push(linkTo({ filters, id: lastId, dir: 'next' }, 'next'));
  }
  return { ...json({ orders: page }), headers: links.length ? { link: links.join(', ') } : {} };
}

export function queryApi(orders: Map<number, ShopifyOrder>): SimRoute[] {
  return [{ method: 'GET', path: '/admin/api/:version/orders.json', handler: (req) => listOrders(req, orders) }];
}
