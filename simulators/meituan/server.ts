import { parseForm } from '../../connectors/meituan/form.js';
import type { MeituanOrder } from '../../connectors/meituan/payload.js';
import { verifyMeituanParams } from '../../connectors/meituan/signature.js';
import { meituanStock } from '../../connectors/meituan/stock.js';
import { FaultQueue, json, ListingStore, type SimHandler, type SimRequest, startSimServer } from '../kit/index.js';
import { CANCEL_PATH, cancelApi, cancelFault, type MeituanSimCancellation } from './cancel-api.js';
import { MeituanOrders } from './orders.js';
import { ng, queryApi } from './query-api.js';
import { sellListing } from './sell.js';
import { type MeituanSimFault, type MeituanSimShipment, SYNC_PATH, shipApi, syncFault } from './ship-api.js';
import { stockApi } from './stock-api.js';

/*
 * The open API under /api/v1: system parameters (app_id, timestamp, sig) in the query, application
 * parameters in the query or a (once-encoded) form body, signed like pushes (url = endpoint
 * without query); a bad sig is answered {"data":"ng","error":{"code":703,…}}.
 */
export interface MeituanSimulator {
  url: string;
  /** What shop.endpoint should be: `${url}/api/v1`. */
  apiBase: string;
  upsertOrder(order: MeituanOrder): void;
  /** Signed requests answered (rejected ones included). */
  requestCount(): number;
  /** Accepted logistics syncs, in order (a repeat is accepted and recorded again, as an update). */
  readonly shipments: MeituanSimShipment[];
  /** The next `times` logistics-sync calls answer with `fault` instead of being processed. */
  failNext(fault: MeituanSimFault, times?: number): void;
  /** Cancellations order/cancel applied, in order, with the push fields Meituan would send for each. */
  readonly cancellations: MeituanSimCancellation[];
  /** The next `times` order/cancel calls answer with `fault` (502, or the rate-limit code) instead of being processed. */
  failNextCancel(fault: MeituanSimFault, times?: number): void;
  /** The stored order, as order/getOrderDetail returns it. */
  order(orderId: string): MeituanOrder | undefined;
  /** Listing stock of the simulated store (app_food_code, sku_id) behind retail/sku/stock and retail/get. */
  readonly listings: ListingStore;
  /**
   * A buyer buys: the listing's stock drops and a new paid order (status 2) of the simulated store is
   * stored. Its order id, or null when the listing cannot sell that many. Meituan lines carry the
   * merchant's codes as the listing ids, so no separate merchant code is taken.
   */
  sell(itemId: string, skuId: string, quantity?: number): string | null;
  close(): Promise<void>;
}

export interface MeituanSimulatorOptions {
  port?: number;
  appId: string;
  secret: string;
  toleranceSeconds?: number;
  /** The store whose listings the stock API serves (default 'poi-sim'). */
  appPoiCode?: string;
  /** Stock calls per second for the app (default: meituanStock.rateLimit.perSecond). */
  stockRatePerSecond?: number;
}

export async function startMeituanSimulator(opts: MeituanSimulatorOptions): Promise<MeituanSimulator> {
  const orders = new MeituanOrders();
  const shipments: MeituanSimShipment[] = [];
  const faults = new FaultQueue<MeituanSimFault>();
  const cancellations: MeituanSimCancellation[] = [];
  const cancelFaults = new FaultQueue<MeituanSimFault>();
  const appPoiCode = opts.appPoiCode ?? 'poi-sim';
  const listings = new ListingStore({ ratePerSecond: opts.stockRatePerSecond ?? meituanStock.rateLimit.perSecond });

  const signed =
    (handler: SimHandler<Record<string, string>>): SimHandler =>
    (req: SimRequest) => {
      const params = Object.fromEntries(req.query);
      if (req.method === 'POST') {
        const form = parseForm(req.body.toString('utf8'));
        if (!form.ok) return ng(701, form.reason);
        for (const [k, v] of form.value) {
          if (Object.hasOwn(params, k)) return ng(701, `参数重复: ${k}`);
          params[k] = v;
        }
      }
      const fault = req.method === 'POST' && req.path === SYNC_PATH ? syncFault(faults) : req.path === CANCEL_PATH ? cancelFault(cancelFaults) : undefined;
      if (fault) return fault;
      if (!params.app_id || !params.timestamp || !params.sig) return ng(701, '缺少参数，数据不完整');
      if (params.app_id !== opts.appId) return ng(702, 'app_id不存在');
      const checked = verifyMeituanParams(params, {
        url: `${req.base}${req.path}`,
        secret: opts.secret,
        nowMs: Date.now(),
        toleranceSeconds: opts.toleranceSeconds,
      });
      if (!checked.ok) return ng(703, '签名验证错误');
      return handler(params);
    };

  const server = await startSimServer({
    port: opts.port,
    contentType: 'application/json;charset=UTF-8',
    routes: [...queryApi(orders), ...shipApi(orders, shipments), ...stockApi(listings, appPoiCode), ...cancelApi({ orders, cancellations, cancelFaults })].map(
      (route) => ({
        ...route,
        handler: signed(route.handler),
      }),
    ),
    notFound: signed(() => ({ ...json({ data: 'ng', error: { code: 404, msg: 'no such API' } }, 404), contentType: 'application/json' })),
    onError: (err) => ng(600, `内部错误: ${err.message}`),
  });
  return {
    url: server.url,
    apiBase: `${server.url}/api/v1`,
    upsertOrder: (order) => orders.upsert(order),
    requestCount: server.requestCount,
    shipments,
    failNext: (fault, times = 1) => faults.add(fault, times),
    cancellations,
    failNextCancel: (fault, times = 1) => cancelFaults.add(fault, times),
    order: (orderId) => orders.byId.get(orderId),
    listings,
    sell: (itemId, skuId, quantity = 1) => sellListing(listings, orders, { appPoiCode, itemId, skuId, quantity }),
    close: () => server.close(),
  };
}
