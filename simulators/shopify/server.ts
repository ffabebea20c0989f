import { timingSafeEqual } from 'node:crypto';
import type { ShopifyOrder } from '../../connectors/shopify/payload.js';
import { FaultQueue, json, ListingStore, type ShipFault, type SimHandler, startSimServer } from '../kit/index.js';
import { cancelApi, type SimCancellation } from './cancel-api.js';
import { makeShopifyOrder, withStatus } from './orders.js';
import { queryApi } from './query-api.js';
import { type SimShipment, shipApi } from './ship-api.js';
import { MUTATION_COST, stockApi } from './stock-api.js';

export interface ShopifySimulatorOptions {
  /** The Admin API access token the shop accepts (X-Shopify-Access-Token). */
  accessToken: string;
  port?: number;
  /** Inventory calls per second (default SHOPIFY_SIM_STOCK_RATE); a full bucket admits ten times as many at once. */
  stockRatePerSecond?: number;
  /** The shop's one location, numeric id (default SHOPIFY_SIM_LOCATION_ID). */
  locationId?: string;
}

/** Standard plan: 100 points/s restored, 10 points per inventory call. */
export const SHOPIFY_SIM_STOCK_RATE = 10;
export const SHOPIFY_SIM_LOCATION_ID = '71234567890';

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
  /** Cancellations applied by orderCancel (GraphQL), in order. */
  cancellations: SimCancellation[];
  /** The next `count` orderCancel calls fail: 503, or THROTTLED. */
  injectCancelFaults(count: number, kind: ShipFault): void;
  /** Available quantity per listing (product id / variant id) at the shop's location, behind the GraphQL inventory operations. */
  listings: ListingStore;
  /** The shop's one location, numeric id. */
  locationId: string;
  /**
   * A buyer buys `quantity` units of a listing that shows them: a paid, unfulfilled order with one
   * line for that product and variant, with SKU `outerSku`, is stored. Returns its id, or null when the listing can't sell.
   */
  sell(itemId: string, skuId: string, quantity?: number, outerSku?: string): number | null;
}

const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';

function tokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A Shopify Admin API stand-in: the order list, the fulfillment calls, inventory and orderCancel (GraphQL), behind token auth (401 otherwise). */
export async function startShopifySimulator(opts: ShopifySimulatorOptions): Promise<ShopifySimulator> {
  const state = {
    orders: new Map<number, ShopifyOrder>(),
    shipments: [] as SimShipment[],
    faults: new FaultQueue<ShipFault>(),
    cancellations: [] as SimCancellation[],
    cancelFaults: new FaultQueue<ShipFault>(),
  };
  const calls: ShopifySimulatorCall[] = [];
  const rate = opts.stockRatePerSecond ?? SHOPIFY_SIM_STOCK_RATE;
  const listings = new ListingStore({ ratePerSecond: rate, burst: rate * 10 });
  const locationId = opts.locationId ?? SHOPIFY_SIM_LOCATION_ID;
  const stockState = { listings, locationId, restoreRate: rate * MUTATION_COST };
  let sold = 0;
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
    routes: [...queryApi(state.orders), ...shipApi(state), ...stockApi(stockState, cancelApi(state, stockState))].map((route) => ({
      ...route,
      handler: authed(route.handler),
    })),
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
    cancellations: state.cancellations,
    injectCancelFaults: (count, kind) => state.cancelFaults.add(kind, count),
    listings,
    locationId,
    sell(itemId, skuId, quantity = 1, outerSku) {
      if (!listings.sell(itemId, skuId, quantity)) return null;
      sold += 1;
      const id = 6_100_000_000_000 + sold;
      const line = { productId: Number(itemId), variantId: Number(skuId), sku: outerSku ?? null, quantity, price: '9.90' };
      const now = new Date();
      state.orders.set(id, withStatus(makeShopifyOrder({ id, number: 5000 + sold, lines: [line], createdAt: now }), 'paid', null, now));
      return id;
    },
    close: () => server.close(),
  };
}
