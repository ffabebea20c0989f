import { timingSafeEqual } from 'node:crypto';
import type { ShopifyOrder } from '../../connectors/shopify/payload.js';
import { FaultQueue, json, type ShipFault, type SimHandler, startSimServer } from '../kit/index.js';
import { queryApi } from './query-api.js';
import { type SimShipment, shipApi } from './ship-api.js';

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

const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';

function tokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A Shopify Admin API stand-in: the order list and the fulfillment calls, behind token auth (401 otherwise). */
export async function startShopifySimulator(opts: ShopifySimulatorOptions): Promise<ShopifySimulator> {
  const state = { orders: new Map<number, ShopifyOrder>(), shipments: [] as SimShipment[], faults: new FaultQueue<ShipFault>() };
  const calls: ShopifySimulatorCall[] = [];
  const logged =
    (handler: SimHandler): SimHandler =>
    async (req) => {
      const res = await handler(req);
      calls.push({ path: req.path, params: Object.fromEntries(req.query), status: res.status ?? 200 });
      return res;
    };
  const authed = (handler: SimHandler): SimHandler =>
    logged((req) => (tokenMatches(req.headers['x-shopify-access-token'], opts.accessToken) ? handler(req) : json({ errors: INVALID_TOKEN }, 401)));
  const server = await startSimServer({
    port: opts.port,
    contentType: 'application/json; charset=utf-8',
    routes: [...queryApi(state.orders), ...shipApi(state)].map((route) => ({ ...route, handler: authed(route.handler) })),
    notFound: logged(() => json({ errors: 'Not Found' }, 404)),
    onError: (err) => ({ status: 500, contentType: 'application/json', body: JSON.stringify({ errors: err.message }) }),
  });
  return {
    url: server.url,
    calls,
    shipments: state.shipments,
    upsertOrder: (order) => state.orders.set(order.id, structuredClone(order)),
    order: (id) => state.orders.get(id),
    injectShipFaults: (count, kind) => state.faults.add(kind, count),
    close: () => server.close(),
  };
}
