import type { KuaishouOrder } from '../../connectors/kuaishou/payload.js';
import { CURSOR_LIST_METHOD, orderListPath } from '../../connectors/kuaishou/pull.js';
import { DELIVER_METHOD } from '../../connectors/kuaishou/ship.js';
import { constantTimeEqual, verifyKuaishouRequest } from '../../connectors/kuaishou/signature.js';
import { ITEM_GET_METHOD, kuaishouStock, STOCK_UPDATE_METHOD } from '../../connectors/kuaishou/stock.js';
import { FaultQueue, formParams, json, ListingStore, type SimHandler, type SimRequest, type SimResponse, startSimServer } from '../kit/index.js';
import { SIM_ERRORS } from './errors.js';
import { makeKuaishouOrder } from './orders.js';
import { cursorList } from './query-api.js';
import { deliver, type KuaishouSimFault, type KuaishouSimShipment } from './ship-api.js';
import { itemGet, type StockAnswer, updateSkuStock } from './stock-api.js';

/*
 * The open API with the documented request signing (the exact error code for a bad sign is
 * UNVERIFIED): GET open.order.cursor.list, POST open.seller.order.goods.deliver (with injectable faults),
 * and listing stock: POST open.item.sku.stock.update, GET open.item.get (stock-api.ts).
 */
export interface KuaishouSimulatorOptions {
  port?: number;
  appKey: string;
  signSecret: string;
  accessToken: string;
  /** Request timestamp tolerance (ms); the platform's exact value is UNVERIFIED. */
  timestampToleranceMs?: number;
  now?: () => number;
  /** Stock calls per second for the app and shop (default: the connector's documented limit). */
  stockRatePerSecond?: number;
}

export interface KuaishouSimulator {
  url: string;
  close(): Promise<void>;
  upsertOrder(order: KuaishouOrder): void;
  /** Every request the API answered, for assertions (method, result, page size). */
  readonly calls: Array<{ method: string; result: number; returned: number }>;
  /** Shipments open.seller.order.goods.deliver accepted, in order (idempotent repeats not counted). */
  readonly shipments: KuaishouSimShipment[];
  /** The next `times` deliver calls answer with `fault` instead of being processed. */
  failNext(fault: KuaishouSimFault, times?: number): void;
  /** Listing stock, as open.item.sku.stock.update and buyers change it. */
  listings: ListingStore;
  /**
   * A buyer buys `quantity` units of a listing (itemId: the kwaiItemId): only while it shows them.
   * Stores the paid order that results (outerSku: the merchant's skuNick) and returns its oid, or null.
   */
  sell(itemId: string, skuId: string, quantity?: number, outerSku?: string): string | null;
}

export async function startKuaishouSimulator(options: KuaishouSimulatorOptions): Promise<KuaishouSimulator> {
  const orders = new Map<number, KuaishouOrder>();
  const calls: KuaishouSimulator['calls'] = [];
  const shipments: KuaishouSimShipment[] = [];
  const faults = new FaultQueue<KuaishouSimFault>();
  const tolerance = options.timestampToleranceMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  const listings = new ListingStore({ ratePerSecond: options.stockRatePerSecond ?? kuaishouStock.rateLimit.perSecond });
  let sold = 0;

  const answer = (params: Record<string, string>, body: { result: number }, returned = 0): SimResponse => {
    calls.push({ method: params.method ?? '', result: body.result, returned });
    return json(body);
  };
  /** The method's own route, signed; `work` answers once the request is authentic. */
  const signed =
    (
      method: string,
      work: (params: Record<string, string>) => SimResponse | Promise<SimResponse>,
      before?: (params: Record<string, string>) => SimResponse | undefined,
    ): SimHandler =>
    (req: SimRequest) => {
      const params = formParams(req);
      if (params.method !== method) return answer(params, SIM_ERRORS.method);
      const early = before?.(params);
      if (early) return early;
      if (!params.appkey || !constantTimeEqual(params.appkey, options.appKey)) return answer(params, SIM_ERRORS.appkey);
      if (!verifyKuaishouRequest(params, options.signSecret).ok) return answer(params, SIM_ERRORS.sign);
      const timestamp = Number(params.timestamp);
      if (!Number.isSafeInteger(timestamp) || Math.abs(now() - timestamp) > tolerance) return answer(params, SIM_ERRORS.timestamp);
      if (!params.access_token || !constantTimeEqual(params.access_token, options.accessToken)) return answer(params, SIM_ERRORS.token);
      return work(params);
    };

  const stockAnswer = async (params: Record<string, string>, pending: Promise<StockAnswer>): Promise<SimResponse> => {
    const outcome = await pending;
    if ('status' in outcome) {
      calls.push({ method: params.method ?? '', result: outcome.status, returned: 0 });
      return { status: outcome.status, contentType: 'text/plain', body: 'Internal Server Error' };
    }
    return answer(params, outcome.body);
  };

  const server = await startSimServer({
    port: options.port,
    contentType: 'application/json;charset=UTF-8',
    routes: [
      {
        method: 'GET',
        path: orderListPath(),
        handler: signed(CURSOR_LIST_METHOD, (params) => {
          const { body, returned } = cursorList(params.param, orders);
          return answer(params, body, returned);
        }),
      },
      {
        method: 'POST',
        path: `/${DELIVER_METHOD.replaceAll('.', '/')}`,
        handler: signed(
          DELIVER_METHOD,
          (params) => answer(params, deliver(params.param, orders, shipments, now())),
          (params) => {
            const fault = faults.take();
            if (fault === 'server-error') {
              calls.push({ method: params.method ?? '', result: 500, returned: 0 });
              return { status: 500, contentType: 'text/plain', body: 'Internal Server Error' };
            }
            return fault === 'rate-limit' ? answer(params, SIM_ERRORS.rateLimit) : undefined;
          },
        ),
      },
      {
        method: 'POST',
        path: `/${STOCK_UPDATE_METHOD.replaceAll('.', '/')}`,
        handler: signed(STOCK_UPDATE_METHOD, (params) => stockAnswer(params, updateSkuStock(params.param, listings))),
      },
      {
        method: 'GET',
        path: `/${ITEM_GET_METHOD.replaceAll('.', '/')}`,
        handler: signed(ITEM_GET_METHOD, (params) => stockAnswer(params, itemGet(params.param, listings))),
      },
    ],
    notFound: (req) => answer(formParams(req), SIM_ERRORS.method),
  });
  return {
    url: server.url,
    calls,
    shipments,
    upsertOrder: (order) => {
      orders.set(order.orderBaseInfo.oid, structuredClone(order));
    },
    failNext: (fault, times = 1) => faults.add(fault, times),
    listings,
    sell: (itemId, skuId, quantity = 1, outerSku) => {
      if (!listings.sell(itemId, skuId, quantity)) return null;
      sold += 1;
      const at = now();
      const order = makeKuaishouOrder({
        oid: 2_215_900_000_000_000 + sold,
        status: 30,
        itemId: Number(itemId),
        skuId: Number(skuId),
        num: quantity,
        price: 1000,
        createTime: at - 60_000,
        updateTime: at,
        ...(outerSku === undefined ? {} : { skuNick: outerSku }),
      });
      orders.set(order.orderBaseInfo.oid, order);
      return String(order.orderBaseInfo.oid);
    },
    close: () => server.close(),
  };
}
