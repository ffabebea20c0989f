/*
 * A faithful Shopify channel simulator. Shopify's servers cannot be reached from here, so the
 * connector, gateway and demos are exercised with payloads and headers built to match what
 * Shopify documents and sends (see README.md for the sources and what is unverified).
 *
 * Payloads carry realistic, obviously fake personal data (names, phone, street, email, IP)
 * precisely so tests can prove none of it reaches the canonical event.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { text as readBody } from 'node:stream/consumers';
import type { AddressInfo } from 'node:net';
import type { InboundPush } from '../contract.js';
import { decimalToMinor, minorToDecimal, minorUnitExponent } from './money.js';
import type { ShopifyLineItem, ShopifyOrder } from './payload.js';
import { HMAC_HEADER, signShopifyBody } from './signature.js';

export type ShopifyOrderTopic =
  | 'orders/create' | 'orders/updated' | 'orders/paid' | 'orders/cancelled' | 'orders/fulfilled';

export type FinancialStatus =
  | 'pending' | 'authorized' | 'partially_paid' | 'paid' | 'partially_refunded' | 'refunded' | 'voided' | 'expired';
export type FulfillmentStatus = 'partial' | 'fulfilled' | 'restocked' | null;

/** Webhook API version the simulated subscription is pinned to. */
export const SIM_API_VERSION = '2025-07';

/** The fake personal data every simulated order carries; tests assert none of it leaks. */
export const SIM_PII = {
  firstName: 'Marisol',
  lastName: 'Quennell-Abara',
  email: 'marisol.quennell@example.com',
  phone: '+1-555-0142',
  address1: '742 Evergreen Terrace',
  address2: 'Apt 3B',
  zip: '40202',
  browserIp: '203.0.113.77',
} as const;

export interface SimLine {
  /** Omit, null or "" to simulate a variant without a SKU. */
  sku?: string | null;
  /** null simulates a custom line item (no variant). Defaults to a number derived from the order id. */
  variantId?: number | null;
  quantity: number;
  /** Unit price, decimal string in the shop currency ("19.99"). */
  price: string;
  title?: string;
}

export interface SimOrderOptions {
  id: number;
  lines: SimLine[];
  /** Shipping region; null simulates an order with no shipping address (digital goods). */
  province?: { name: string; code: string | null } | null;
  city?: string;
  countryCode?: string;
  createdAt: Date;
  currency?: string;
  /** Shipping charge, decimal string; added into total_price as Shopify does. */
  shipping?: string;
  tags?: string[];
  /** Order number shown to the merchant ("#1001"). */
  number?: number;
  /** The shop's UTC offset in minutes; Shopify renders timestamps in shop-local time. */
  utcOffsetMinutes?: number;
}

/** "2024-11-10T10:30:00-05:00": Shopify's format, whole seconds, shop-local offset. */
export function formatShopifyTime(date: Date, utcOffsetMinutes: number): string {
  const local = new Date(Math.floor(date.getTime() / 1000) * 1000 + utcOffsetMinutes * 60_000);
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return local.toISOString().slice(0, 19) + offset;
}

/** Reads the offset back from a Shopify timestamp so later updates stay in the shop's zone. */
function offsetMinutesOf(timestamp: string): number {
  const match = /([+-])(\d{2}):(\d{2})$/.exec(timestamp);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Deterministic 8-4-4-4-12 hex id: the same input always yields the same id. */
function uuidLike(text: string): string {
  const h = digest(text);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function money(amount: string, exponent: number): number {
  const parsed = decimalToMinor(amount, exponent);
  if (!parsed.ok) throw new Error(`simulator: ${parsed.reason}`);
  return parsed.value;
}

export function makeShopifyOrder(opts: SimOrderOptions): ShopifyOrder {
  const currency = opts.currency ?? 'USD';
  const exponent = minorUnitExponent(currency);
  const offset = opts.utcOffsetMinutes ?? -300;
  const created = formatShopifyTime(opts.createdAt, offset);
  const number = opts.number ?? 1001;
  const province = opts.province === undefined ? { name: 'Kentucky', code: 'KY' } : opts.province;

  const lineItems: ShopifyLineItem[] = opts.lines.map((line, i) => ({
    id: opts.id * 10 + i + 1,
    admin_graphql_api_id: `gid://shopify/LineItem/${opts.id * 10 + i + 1}`,
    variant_id: line.variantId === undefined ? 40_000_000_000_000 + (opts.id % 1_000_000) * 100 + i : line.variantId,
    product_id: line.variantId === null ? null : 7_000_000_000_000 + i,
    sku: line.sku === undefined ? null : line.sku,
    title: line.title ?? `Product ${i + 1}`,
    name: line.title ?? `Product ${i + 1}`,
    quantity: line.quantity,
    current_quantity: line.quantity,
    fulfillable_quantity: line.quantity,
    fulfillment_status: null,
    fulfillment_service: 'manual',
    price: line.price,
    price_set: {
      shop_money: { amount: line.price, currency_code: currency },
      presentment_money: { amount: line.price, currency_code: currency },
    },
    total_discount: minorToDecimal(0, exponent),
    requires_shipping: province !== null,
    taxable: true,
    gift_card: false,
    grams: 250,
    vendor: 'Omnistream Test Brand',
    properties: [],
    tax_lines: [],
    discount_allocations: [],
    duties: [],
  }));

  const subtotal = opts.lines.reduce((sum, l) => sum + money(l.price, exponent) * l.quantity, 0);
  const shipping = money(opts.shipping ?? minorToDecimal(0, exponent), exponent);
  const fmt = (minor: number) => minorToDecimal(minor, exponent);

  const address = province === null ? null : {
    first_name: SIM_PII.firstName,
    last_name: SIM_PII.lastName,
    name: `${SIM_PII.firstName} ${SIM_PII.lastName}`,
    company: null,
    address1: SIM_PII.address1,
    address2: SIM_PII.address2,
    phone: SIM_PII.phone,
    city: opts.city ?? 'Louisville',
    province: province.name,
    province_code: province.code,
    country: 'United States',
    country_code: opts.countryCode ?? 'US',
    zip: SIM_PII.zip,
    latitude: 38.2527,
    longitude: -85.7585,
  };

  return {
    id: opts.id,
    admin_graphql_api_id: `gid://shopify/Order/${opts.id}`,
    name: `#${number}`,
    number: number - 1000,
    order_number: number,
    token: digest(`token|${opts.id}`).slice(0, 32),
    email: SIM_PII.email,
    contact_email: SIM_PII.email,
    phone: SIM_PII.phone,
    browser_ip: SIM_PII.browserIp,
    created_at: created,
    updated_at: created,
    processed_at: created,
    cancelled_at: null,
    cancel_reason: null,
    closed_at: null,
    confirmed: true,
    test: false,
    currency,
    presentment_currency: currency,
    subtotal_price: fmt(subtotal),
    total_line_items_price: fmt(subtotal),
    total_discounts: fmt(0),
    total_tax: fmt(0),
    total_price: fmt(subtotal + shipping),
    current_total_price: fmt(subtotal + shipping),
    total_outstanding: fmt(subtotal + shipping),
    taxes_included: false,
    financial_status: 'pending',
    fulfillment_status: null,
    gateway: 'manual',
    payment_gateway_names: ['manual'],
    source_name: 'web',
    note: `Leave with ${SIM_PII.firstName} at the side door`,
    note_attributes: [],
    tags: (opts.tags ?? []).join(', '),
    line_items: lineItems,
    shipping_lines: province === null ? [] : [{ title: 'Standard', code: 'Standard', price: fmt(shipping) }],
    shipping_address: address,
    billing_address: address === null ? null : { ...address },
    customer: {
      id: 6_000_000_000_000 + (opts.id % 1_000_000),
      email: SIM_PII.email,
      phone: SIM_PII.phone,
      first_name: SIM_PII.firstName,
      last_name: SIM_PII.lastName,
      state: 'enabled',
      verified_email: true,
      tags: '',
      currency,
      default_address: address === null ? null : { ...address, id: 8_000_000_000_000 + (opts.id % 1_000_000), default: true },
    },
    fulfillments: [],
    refunds: [],
    discount_codes: [],
  };
}

/** The order as Shopify would re-send it after a payment or fulfillment change at updatedAt. */
export function withStatus(
  order: ShopifyOrder,
  financial: FinancialStatus | (string & {}),
  fulfillment: FulfillmentStatus | (string & {}),
  updatedAt: Date,
): ShopifyOrder {
  const shipped = (i: number) => fulfillment === 'fulfilled' || (fulfillment === 'partial' && i === 0);
  return {
    ...order,
    financial_status: financial,
    fulfillment_status: fulfillment,
    updated_at: formatShopifyTime(updatedAt, offsetMinutesOf(order.created_at)),
    line_items: order.line_items.map((line, i) => ({
      ...line,
      fulfillment_status: shipped(i) ? 'fulfilled' : null,
      fulfillable_quantity: shipped(i) ? 0 : line.quantity,
    })),
  };
}

/** A merchant cancellation: Shopify sets cancelled_at, closes the order, and adjusts payment. */
export function withCancellation(
  order: ShopifyOrder,
  cancelledAt: Date,
  financial: FinancialStatus | (string & {}) = 'voided',
  reason: 'customer' | 'fraud' | 'inventory' | 'declined' | 'other' = 'customer',
): ShopifyOrder {
  const at = formatShopifyTime(cancelledAt, offsetMinutesOf(order.created_at));
  return { ...order, financial_status: financial, cancelled_at: at, closed_at: at, cancel_reason: reason, updated_at: at };
}

export interface SimulatedPush {
  headers: Record<string, string>;
  body: string;
}

/**
 * One webhook delivery, with the headers Shopify sends. Ids are derived from the order
 * version, so a redelivery of the same change carries the same X-Shopify-Webhook-Id, as a
 * Shopify retry does.
 */
export function shopifyPush(
  order: ShopifyOrder,
  topic: ShopifyOrderTopic,
  secret: string,
  shopDomain: string,
): SimulatedPush {
  const body = JSON.stringify(order);
  return {
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': topic,
      [HMAC_HEADER]: signShopifyBody(body, secret),
      'X-Shopify-Shop-Domain': shopDomain,
      'X-Shopify-API-Version': SIM_API_VERSION,
      'X-Shopify-Webhook-Id': uuidLike(`webhook|${shopDomain}|${order.id}|${topic}|${order.updated_at}`),
      // One merchant action (same order version) fans out to several topics under one event id.
      'X-Shopify-Event-Id': uuidLike(`event|${shopDomain}|${order.id}|${order.updated_at}`),
      'X-Shopify-Triggered-At': new Date(Date.parse(order.updated_at)).toISOString(),
    },
    body,
  };
}

/** What the gateway would hand the connector for this delivery (Node lowercases header names). */
export function toInboundPush(push: SimulatedPush, receivedAt: number): InboundPush {
  const headers: InboundPush['headers'] = {};
  for (const [name, value] of Object.entries(push.headers)) headers[name.toLowerCase()] = value;
  return { headers, rawBody: Buffer.from(push.body, 'utf8'), receivedAt };
}

// ---------------------------------------------------------------------------------------------
// REST Admin API: GET /admin/api/{version}/orders.json, as reconciliation calls it.

export interface ShopifySimulatorOptions {
  /** The Admin API access token the shop accepts (X-Shopify-Access-Token). */
  accessToken: string;
  port?: number;
}

export interface ShopifySimulatorCall {
  path: string;
  /** The query parameters as received. */
  params: Record<string, string>;
  status: number;
}

export interface ShopifySimulator {
  url: string;
  close(): Promise<void>;
  /** Adds the order, or replaces the stored version with the same id. */
  upsertOrder(order: ShopifyOrder): void;
  /** The stored version of an order (after fulfillments). */
  order(id: number): ShopifyOrder | undefined;
  calls: ShopifySimulatorCall[];
  /** Fulfillments created (POST fulfillments.json answered 201). */
  shipments: SimShipment[];
  /** The next `count` POST fulfillments.json calls fail: 503, or 429 with Retry-After. */
  injectShipFaults(count: number, kind: ShipFault): void;
}

export type ShipFault = 'server-error' | 'rate-limit';

export interface SimShipment {
  orderId: number;
  trackingNumber: string;
  company: string;
}

const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';
const FILTERS = new Set([
  'ids', 'since_id', 'status', 'financial_status', 'fulfillment_status', 'created_at_min', 'created_at_max',
  'updated_at_min', 'updated_at_max', 'processed_at_min', 'processed_at_max', 'attribution_app_id',
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

function tokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Shopify's status filter: open (default), closed, cancelled, any. */
function statusMatches(order: ShopifyOrder, status: string): boolean {
  if (status === 'any') return true;
  if (status === 'cancelled') return order.cancelled_at !== null;
  if (status === 'closed') return order.closed_at != null;
  return order.closed_at == null && order.cancelled_at === null; // open
}

/**
 * A Shopify Admin API stand-in serving the order list with Shopify's rules: token auth (401
 * otherwise), limit default 50 and at most 250, updated_at_min/max inclusive, status default open,
 * and cursor pagination through Link headers whose page_info must not be combined with filters.
 */
export async function startShopifySimulator(opts: ShopifySimulatorOptions): Promise<ShopifySimulator> {
  const orders = new Map<number, ShopifyOrder>();
  const calls: ShopifySimulatorCall[] = [];
  let base = '';

  const shipments: SimShipment[] = [];
  const faults: ShipFault[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    const params: Record<string, string> = {};
    for (const [k, v] of url.searchParams) params[k] = v;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      calls.push({ path: url.pathname, params, status });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    const ship = shipRoute(req.method, url.pathname);
    if (ship) {
      if (!tokenMatches(req.headers['x-shopify-access-token'], opts.accessToken)) return send(401, { errors: INVALID_TOKEN });
      const body = req.method === 'POST' ? await readBody(req) : '';
      const answer = answerShip(ship, body, orders, shipments, faults);
      return send(answer.status, answer.body, answer.headers);
    }
    const route = /^\/admin\/api\/([^/]+)\/orders\.json$/.exec(url.pathname);
    if (req.method !== 'GET' || !route) return send(404, { errors: 'Not Found' });
    if (!tokenMatches(req.headers['x-shopify-access-token'], opts.accessToken)) return send(401, { errors: INVALID_TOKEN });

    const limit = params.limit === undefined ? 50 : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 250) return send(400, { errors: { limit: 'limit must be between 1 and 250' } });

    let filters: Record<string, string>;
    let cursor: Cursor | null = null;
    if (params.page_info !== undefined) {
      for (const name of Object.keys(params)) {
        if (name !== 'page_info' && name !== 'limit' && name !== 'fields') {
          return send(400, { errors: { [name]: `${name} cannot be passed when page_info is present.` } });
        }
      }
      cursor = decodeCursor(params.page_info);
      if (!cursor) return send(400, { errors: { page_info: 'Invalid value.' } });
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
    if (Number.isNaN(min) || Number.isNaN(max)) return send(400, { errors: { updated_at: 'Invalid date' } });
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
      `<${base}${url.pathname}?${new URLSearchParams({ limit: String(limit), page_info: encodeCursor(c) }).toString()}>; rel="${rel}"`;
    if (page.length > 0) {
      const firstId = page[0]!.id;
      const lastId = page[page.length - 1]!.id;
      if (matching.some((o) => o.id < firstId)) links.push(linkTo({ filters, id: firstId, dir: 'previous' }, 'previous'));
      if (matching.some((o) => o.id > lastId)) links.push(linkTo({ filters, id: lastId, dir: 'next' }, 'next'));
    }
    return send(200, { orders: page }, links.length ? { link: links.join(', ') } : {});
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: (err as Error).message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    calls,
    shipments,
    upsertOrder: (order) => orders.set(order.id, structuredClone(order)),
    order: (id) => orders.get(id),
    injectShipFaults: (count, kind) => { for (let i = 0; i < count; i++) faults.push(kind); },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

// ---------------------------------------------------------------------------------------------
// Fulfillment-order API: what sync-back's ship() calls (README "Ship").

type ShipRoute = { kind: 'list'; orderId: number } | { kind: 'fulfil' };

function shipRoute(method: string | undefined, path: string): ShipRoute | null {
  const list = /^\/admin\/api\/[^/]+\/orders\/(\d+)\/fulfillment_orders\.json$/.exec(path);
  if (list && method === 'GET') return { kind: 'list', orderId: Number(list[1]) };
  if (/^\/admin\/api\/[^/]+\/fulfillments\.json$/.test(path) && method === 'POST') return { kind: 'fulfil' };
  return null;
}

/** One fulfillment order per simulated order (one location), its id derived from the order's. */
export function fulfillmentOrderIdOf(orderId: number): number {
  return orderId * 10 + 7;
}

function fulfillmentOrderOf(order: ShopifyOrder) {
  const status = order.cancelled_at !== null ? 'cancelled' : order.fulfillment_status === 'fulfilled' ? 'closed' : 'open';
  return {
    id: fulfillmentOrderIdOf(order.id),
    order_id: order.id,
    status,
    request_status: 'unsubmitted',
    supported_actions: status === 'open' ? ['create_fulfillment', 'hold'] : [],
    line_items: order.line_items.map((l) => ({
      id: l.id * 10 + 3, fulfillment_order_id: fulfillmentOrderIdOf(order.id), line_item_id: l.id,
      quantity: l.quantity, fulfillable_quantity: status === 'open' ? l.quantity : 0,
    })),
  };
}

interface ShipAnswer { status: number; body: unknown; headers?: Record<string, string> }

/**
 * The two calls with Shopify's rules: only an open fulfillment order can be fulfilled (a closed
 * one is answered 422), a fulfillment closes it and marks the order fulfilled at the current time,
 * so the order list (pull) returns it shipped afterwards. Injected faults answer the POST first.
 */
function answerShip(route: ShipRoute, text: string, orders: Map<number, ShopifyOrder>, shipments: SimShipment[], faults: ShipFault[]): ShipAnswer {
  if (route.kind === 'list') {
    const order = orders.get(route.orderId);
    if (!order) return { status: 404, body: { errors: 'Not Found' } };
    return { status: 200, body: { fulfillment_orders: [fulfillmentOrderOf(order)] } };
  }
  const fault = faults.shift();
  if (fault === 'rate-limit') return { status: 429, body: { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, headers: { 'retry-after': '1.0' } };
  if (fault === 'server-error') return { status: 503, body: { errors: 'Service Unavailable' } };
  let body: { fulfillment?: { line_items_by_fulfillment_order?: { fulfillment_order_id?: unknown }[]; tracking_info?: { number?: unknown; company?: unknown } } };
  try {
    body = JSON.parse(text);
  } catch {
    return { status: 400, body: { errors: { fulfillment: 'Required parameter missing or invalid' } } };
  }
  const groups = body.fulfillment?.line_items_by_fulfillment_order ?? [];
  if (groups.length === 0) return { status: 422, body: { errors: ['line_items_by_fulfillment_order is required'] } };
  const targets: ShopifyOrder[] = [];
  for (const g of groups) {
    const order = [...orders.values()].find((o) => fulfillmentOrderIdOf(o.id) === Number(g.fulfillment_order_id));
    if (!order) return { status: 404, body: { errors: 'Not Found' } };
    const fo = fulfillmentOrderOf(order);
    if (fo.status !== 'open') return { status: 422, body: { errors: [`Fulfillment order ${fo.id} has an unfulfillable status= ${fo.status}.`] } };
    targets.push(order);
  }
  const tracking = body.fulfillment?.tracking_info ?? {};
  const now = new Date();
  for (const order of targets) {
    orders.set(order.id, withStatus(order, order.financial_status ?? 'paid', 'fulfilled', now));
    shipments.push({ orderId: order.id, trackingNumber: String(tracking.number ?? ''), company: String(tracking.company ?? '') });
  }
  const first = targets[0]!;
  return { status: 201, body: { fulfillment: { id: first.id * 10 + 9, order_id: first.id, status: 'success', tracking_number: tracking.number ?? null, tracking_company: tracking.company ?? null } } };
}
