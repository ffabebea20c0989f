import { randomBytes } from 'node:crypto';
import type { WechatOrder } from '../../connectors/wechat/payload.js';
import { DELIVERY_SEND_PATH } from '../../connectors/wechat/ship.js';
import { wechatStock } from '../../connectors/wechat/stock.js';
import { FaultQueue, json, ListingStore, type SimHandler, type SimRequest, type SimResponse, startSimServer } from '../kit/index.js';
import { cancelApi, completeRefund, type WechatAftersaleFault, type WechatSimAftersale } from './cancel-api.js';
import { SIM_ERRORS } from './errors.js';
import { queryApi } from './query-api.js';
import { sellListing } from './sell.js';
import { shipApi, type WechatSimFault, type WechatSimShipment } from './ship-api.js';
import { stockApi } from './stock-api.js';

/*
 * The order API with its errcode/errmsg answers: GET /cgi-bin/token issues access tokens; every
 * other call is a POST with ?access_token= and a JSON body (query-api.ts, ship-api.ts, stock-api.ts, cancel-api.ts).
 */
type WechatBody = Record<string, unknown> & { errcode?: number };
/** What a route answers: an errcode body, or 'server-error' for an injected 5xx. */
type WechatAnswer = WechatBody | 'server-error';
/** A POST route of the order API: the JSON body of an authorized call → the answer. */
export interface WechatRoute {
  path: string;
  handler: (body: Record<string, unknown>) => WechatAnswer | Promise<WechatAnswer>;
}

export interface WechatSimulatorOptions {
  port?: number;
  appId: string;
  appSecret: string;
  /** Stock calls per second for the app (default: wechatStock.rateLimit.perSecond). */
  stockRatePerSecond?: number;
  /** Stock writes per second per SKU (default: wechatStock.rateLimit.perListingPerSecond). */
  stockPerListingPerSecond?: number;
}

export interface WechatSimulator {
  url: string;
  close(): Promise<void>;
  upsertOrder(order: WechatOrder): void;
  /** Invalidates every issued access_token (WeChat does so when a new one is fetched elsewhere). */
  revokeTokens(): void;
  readonly calls: Array<{ path: string; errcode: number }>;
  /** Shipments delivery/send accepted, in order. */
  readonly shipments: WechatSimShipment[];
  /** The next `times` delivery/send calls answer with `fault` instead of being processed. */
  failNext(fault: WechatSimFault, times?: number): void;
  /** After-sales /channels/ec/aftersale/genaftersaleorder opened, in order. */
  readonly aftersales: WechatSimAftersale[];
  /** The next `times` genaftersaleorder calls answer with `fault` (503, or the minute quota) instead of being processed. */
  failNextAftersale(fault: WechatAftersaleFault, times?: number): void;
  /** WeChat finishes an after-sale's refund; a fully refunded order becomes 200. False when there is no such open after-sale. */
  completeRefund(aftersaleId: string): boolean;
  /** The stored order, as /channels/ec/order/get returns it. */
  order(orderId: string): WechatOrder | undefined;
  /** Listing stock behind /channels/ec/product/stock/*. */
  readonly listings: ListingStore;
  /** A buyer buys: the listing's stock drops and a paid (20) order is stored. The order id, or null when the listing cannot sell that many. */
  sell(itemId: string, skuId: string, quantity?: number, outerSku?: string): string | null;
}

export async function startWechatSimulator(options: WechatSimulatorOptions): Promise<WechatSimulator> {
  const orders = new Map<string, WechatOrder>();
  const tokens = new Set<string>();
  const calls: WechatSimulator['calls'] = [];
  const shipments: WechatSimShipment[] = [];
  const faults = new FaultQueue<WechatSimFault>();
  const aftersaleState = { orders, aftersales: [] as WechatSimAftersale[], aftersaleFaults: new FaultQueue<WechatAftersaleFault>() };
  const listings = new ListingStore({
    ratePerSecond: options.stockRatePerSecond ?? wechatStock.rateLimit.perSecond,
    perListingPerSecond: options.stockPerListingPerSecond ?? wechatStock.rateLimit.perListingPerSecond,
  });

  const answer = (req: SimRequest, body: WechatBody): SimResponse => {
    calls.push({ path: req.path, errcode: body.errcode ?? 0 });
    return json(body);
  };
  const authorized =
    (handler: WechatRoute['handler']): SimHandler =>
    async (req) => {
      if (req.method !== 'POST') return answer(req, SIM_ERRORS.format);
      if (req.path === DELIVERY_SEND_PATH) {
        const fault = faults.take();
        if (fault === 'server-error') {
          calls.push({ path: req.path, errcode: 503 });
          return { status: 503, contentType: 'text/html', body: '<html>503 Service Unavailable</html>' };
        }
        if (fault === 'rate-limit') return answer(req, SIM_ERRORS.rateLimit);
      }
      if (!tokens.has(req.query.get('access_token') ?? '')) return answer(req, SIM_ERRORS.token);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
      } catch {
        return answer(req, SIM_ERRORS.format);
      }
      const result = await handler(body);
      if (result === 'server-error') {
        calls.push({ path: req.path, errcode: 503 });
        return { status: 503, contentType: 'text/html', body: '<html>503 Service Unavailable</html>' };
      }
      return answer(req, result);
    };
  const token: SimHandler = (req) => {
    if (req.query.get('grant_type') !== 'client_credential') return answer(req, SIM_ERRORS.format);
    if (req.query.get('appid') !== options.appId) return answer(req, SIM_ERRORS.appid);
    if (req.query.get('secret') !== options.appSecret) return answer(req, SIM_ERRORS.appsecret);
    const issued = `SIM_ACCESS_TOKEN_${randomBytes(12).toString('hex')}`;
    tokens.add(issued);
    return answer(req, { access_token: issued, expires_in: 7200 });
  };

  const server = await startSimServer({
    port: options.port,
    contentType: 'application/json; encoding=utf-8',
    routes: [
      { method: 'GET', path: '/cgi-bin/token', handler: token },
      ...[...queryApi(orders), ...shipApi(orders, shipments), ...stockApi(listings), ...cancelApi(aftersaleState)].map((r) => ({
        method: 'POST' as const,
        path: r.path,
        handler: authorized(r.handler),
      })),
    ],
    notFound: authorized(() => SIM_ERRORS.format),
  });
  return {
    url: server.url,
    calls,
    upsertOrder: (order) => orders.set(String(order.order_id), structuredClone(order)),
    revokeTokens: () => tokens.clear(),
    shipments,
    failNext: (fault, times = 1) => faults.add(fault, times),
    aftersales: aftersaleState.aftersales,
    failNextAftersale: (fault, times = 1) => aftersaleState.aftersaleFaults.add(fault, times),
    completeRefund: (aftersaleId) => completeRefund(aftersaleState, aftersaleId),
    order: (orderId) => orders.get(orderId),
    listings,
    sell: (itemId, skuId, quantity = 1, outerSku) => sellListing(listings, orders, { itemId, skuId, quantity, outerSku }),
    close: () => server.close(),
  };
}
