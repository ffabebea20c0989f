import type { JdOrder } from '../../connectors/jd/payload.js';
import { verifyJdRequest } from '../../connectors/jd/signature.js';
import { jdStock } from '../../connectors/jd/stock.js';
import { FaultQueue, formParams, json, ListingStore, type ShipFault, type SimResponse, startSimServer } from '../kit/index.js';
import { type CancelFault, cancelApi, type SimOrderDelete } from './cancel-api.js';
import { makeJdOrder } from './orders.js';
import { queryApi } from './query-api.js';
import { type SimShipment, shipApi } from './ship-api.js';
import { stockApi } from './stock-api.js';

/*
 * The JOS router, so pull() and the polling source run against an order API built from what the
 * JOS SDKs and integrators document: POST (form) or GET /routerjson with method, app_key,
 * access_token, timestamp ("yyyy-MM-dd HH:mm:ss", China time), v=2.0, 360buy_param_json and
 * sign = UPPER(MD5(secret + sorted k+v + secret)); a bad sign or stale timestamp is answered
 * {"error_response":{"code":"19",…}}. Then the method named by `method` (query-api.ts, ship-api.ts,
 * stock-api.ts, cancel-api.ts).
 */
/** JOS methods by name: the parsed 360buy_param_json (undefined: not JSON) → the answer. */
export type JosMethods = Record<string, (biz: Record<string, unknown> | undefined) => unknown>;

export interface JdSimulator {
  /** What shop.endpoint should be. */
  url: string;
  upsertOrder(order: JdOrder): void;
  /** The stored version of an order (after shipments). */
  order(orderId: string): JdOrder | undefined;
  requestCount(): number;
  /** Successful jingdong.pop.order.shipment calls. */
  shipments: SimShipment[];
  /** The next `count` jingdong.pop.order.shipment calls fail: HTTP 503, or router code 67 (call limit). */
  injectShipFaults(count: number, kind: ShipFault): void;
  /** Accepted jingdong.order.orderDelete.apply calls (删单申请, approved at once: the order is TRADE_CANCELED). */
  orderDeletes: SimOrderDelete[];
  /** The next `count` jingdong.order.orderDelete.apply calls fail: HTTP 503, router code 67, or (timeout) answer after `cancelSlowMs`. */
  injectCancelFaults(count: number, kind: CancelFault): void;
  /** How long a 'timeout' cancellation fault holds its answer back (default 2 s). */
  cancelSlowMs: number;
  /** Resolves once every cancellation answer held back by a 'timeout' fault has gone out. */
  cancelAnswersSent(): Promise<void>;
  /** Listing stock, as the stock methods (stock-api.ts) and buyers change it. */
  listings: ListingStore;
  /**
   * A buyer buys `quantity` units of a listing (itemId is the wareId): only while it shows them.
   * Stores the JD order that results (outerSku: the merchant's outerSkuId) and returns its id, or null.
   */
  sell(itemId: string, skuId: string, quantity?: number, outerSku?: string): string | null;
  close(): Promise<void>;
}

export interface JdSimulatorOptions {
  port?: number;
  appKey: string;
  secret: string;
  accessToken: string;
  toleranceSeconds?: number;
  /** Stock calls per second for the app and shop (default: the connector's documented limit). */
  stockRatePerSecond?: number;
}

const error = (code: string, zh: string, en: string) => json({ error_response: { code, zh_desc: zh, en_desc: en } });

export async function startJdSimulator(opts: JdSimulatorOptions): Promise<JdSimulator> {
  const orders = new Map<string, JdOrder>();
  const shipments: SimShipment[] = [];
  const faults = new FaultQueue<ShipFault>();
  const methods: JosMethods = { ...queryApi(orders), ...shipApi(orders, shipments) };
  const listings = new ListingStore({ ratePerSecond: opts.stockRatePerSecond ?? jdStock.rateLimit.perSecond });
  const stockMethods = stockApi(listings);
  const orderDeletes: SimOrderDelete[] = [];
  const cancelFaults = new FaultQueue<CancelFault>();
  let cancelSlowMs = 2_000;
  const held = new Set<Promise<unknown>>();
  const cancelMethods = cancelApi({ orders, deletes: orderDeletes, faults: cancelFaults, slowMs: () => cancelSlowMs, held });
  let sold = 0;

  const router = async (params: Record<string, string>): Promise<SimResponse> => {
    if (params.app_key !== opts.appKey) return error('15', '无效的app_key', 'Invalid app key');
    const signed = verifyJdRequest(params, opts.secret, Date.now(), opts.toleranceSeconds);
    if (!signed.ok) return error('19', '无效签名', 'Invalid signature');
    if (params.access_token !== opts.accessToken) return error('18', '无效的access_token', 'Invalid access token');
    const method = params.method ?? '';
    if (!Object.hasOwn(methods, method) && !Object.hasOwn(stockMethods, method) && !Object.hasOwn(cancelMethods, method))
      return error('66', '请求的API不存在', 'Invalid method');
    if (method === 'jingdong.pop.order.shipment') {
      const fault = faults.take();
      if (fault === 'server-error') return { status: 503, contentType: 'text/plain', body: 'Service Unavailable' };
      if (fault === 'rate-limit') return error('67', '调用次数超限', 'Call limit exceeded');
    }
    let biz: Record<string, unknown> | undefined;
    try {
      biz = JSON.parse(params['360buy_param_json'] ?? '{}') as Record<string, unknown>;
    } catch {
      biz = undefined;
    }
    if (Object.hasOwn(stockMethods, method)) return stockMethods[method]!(biz);
    if (Object.hasOwn(cancelMethods, method)) return cancelMethods[method]!(biz);
    return json(methods[method]!(biz));
  };

  const server = await startSimServer({
    port: opts.port,
    contentType: 'application/json;charset=utf-8',
    routes: [{ method: 'ANY', path: '/routerjson', handler: (req) => router(formParams(req)) }],
    notFound: () => error('66', '请求的API不存在', 'Invalid method'),
    onError: (err) => error('1', '服务异常', err.message),
  });
  return {
    url: `${server.url}/routerjson`,
    orderDeletes,
    injectCancelFaults: (count, kind) => cancelFaults.add(kind, count),
    cancelAnswersSent: async () => {
      await Promise.all([...held]);
    },
    get cancelSlowMs() {
      return cancelSlowMs;
    },
    set cancelSlowMs(ms: number) {
      cancelSlowMs = ms;
    },
    upsertOrder: (order) => void orders.set(order.orderId, order),
    requestCount: server.requestCount,
    order: (orderId) => orders.get(orderId),
    shipments,
    injectShipFaults: (count, kind) => faults.add(kind, count),
    listings,
    sell: (itemId, skuId, quantity = 1, outerSku) => {
      if (!listings.sell(itemId, skuId, quantity)) return null;
      sold += 1;
      const order = makeJdOrder({
        orderId: String(390_000_000_000 + sold),
        createdAt: new Date(),
        lines: [{ skuId, wareId: itemId, quantity, price: '10.00', ...(outerSku === undefined ? {} : { outerSkuId: outerSku }) }],
      });
      orders.set(order.orderId, order);
      return order.orderId;
    },
    close: () => server.close(),
  };
}
