import type { DouyinShopOrder } from '../../connectors/douyin/payload.js';
import { checkApiTimestamp, DEFAULT_TOLERANCE_MS, type DouyinSignMethod, safeEqual, signDouyinApiRequest } from '../../connectors/douyin/signature.js';
import { douyinStock } from '../../connectors/douyin/stock.js';
import { FaultQueue, json, ListingStore, type ShipFault, type SimRequest, type SimResponse, startSimServer } from '../kit/index.js';
import { makeDouyinOrder, withDouyinStatus } from './orders.js';
import { apiError, type DouyinAnswer, searchList } from './query-api.js';
import { logisticsAdd, type SimShipment } from './ship-api.js';
import { stockApi } from './stock-api.js';

/*
 * The open API, one path per method (/order/searchList, …): POST with app_key/method/access_token/
 * timestamp/v/sign_method/sign in the query string and param_json as the body, code 10000.
 * Listing stock (sku.syncStock, sku.stockNum) is in stock-api.ts.
 */
export interface DouyinSimulatorOptions {
  port?: number;
  appKey: string;
  appSecret: string;
  accessToken: string;
  toleranceMs?: number;
  now?: () => number;
  /** Stock calls per second for the app and shop (default: the connector's documented limit). */
  stockRatePerSecond?: number;
}

export interface DouyinSimulator {
  url: string;
  close(): Promise<void>;
  upsertOrder(order: DouyinShopOrder): void;
  /** Every API call received, for assertions (method, page, outcome code). */
  calls: Array<{ method: string; page: number | null; code: number }>;
  /** The stored version of an order (after shipments). */
  order(orderId: string): DouyinShopOrder | undefined;
  /** Successful order.logisticsAdd calls. */
  shipments: SimShipment[];
  /** The next `count` order.logisticsAdd calls fail: HTTP 503, or a flow-control error (isp.*). */
  injectShipFaults(count: number, kind: ShipFault): void;
  /** Listing stock, as sku.syncStock and buyers change it. */
  listings: ListingStore;
  /**
   * A buyer buys `quantity` units of a listing (itemId is the product_id): only while it shows them.
   * Stores the paid order that results (outerSku: the merchant's out_sku_id) and returns its id, or null.
   */
  sell(itemId: string, skuId: string, quantity?: number, outerSku?: string): string | null;
}

export async function startDouyinSimulator(opts: DouyinSimulatorOptions): Promise<DouyinSimulator> {
  const orders = new Map<string, DouyinShopOrder>();
  const calls: DouyinSimulator['calls'] = [];
  const shipments: SimShipment[] = [];
  const faults = new FaultQueue<ShipFault>();
  const now = opts.now ?? Date.now;
  const listings = new ListingStore({ ratePerSecond: opts.stockRatePerSecond ?? douyinStock.rateLimit.perSecond });
  let sold = 0n;
  const methods: Record<string, (paramJson: string) => DouyinAnswer | Promise<DouyinAnswer>> = {
    'order.searchList': (paramJson) => searchList(paramJson, orders),
    'order.logisticsAdd': (paramJson) => logisticsAdd(paramJson, orders, shipments, faults, now()),
    ...stockApi(listings),
  };

  const answer = (req: SimRequest, { body, code, page, status }: DouyinAnswer): SimResponse => {
    calls.push({ method: req.query.get('method') ?? '', page: page ?? null, code });
    if (status !== undefined) return { status, contentType: 'text/plain', body: String(body) };
    return json(body);
  };
  const signed =
    (route: string) =>
    async (req: SimRequest): Promise<SimResponse> => {
      const q = (k: string) => req.query.get(k) ?? '';
      if (route === 'order.logisticsAdd' && faults.takeIf('server-error')) {
        calls.push({ method: route, page: null, code: 503 });
        return { status: 503, contentType: 'text/plain', body: 'Service Unavailable' };
      }
      const paramJson = req.body.toString('utf8');
      if (q('app_key') !== opts.appKey) return answer(req, apiError(30001, 'app_key不存在', 'isv.app-key-not-exist', ''));
      if (q('method') !== route || q('v') !== '2') return answer(req, apiError(40002, '参数错误', 'isv.parameter-invalid', 'method/v'));
      const signMethod = (q('sign_method') || 'md5') as DouyinSignMethod;
      if (signMethod !== 'md5' && signMethod !== 'hmac-sha256') return answer(req, apiError(40002, '参数错误', 'isv.parameter-invalid', 'sign_method'));
      const expected = signDouyinApiRequest({
        appKey: opts.appKey,
        appSecret: opts.appSecret,
        method: q('method'),
        paramJson,
        timestamp: q('timestamp'),
        signMethod,
      });
      if (!safeEqual(q('sign').toLowerCase(), expected)) return answer(req, apiError(30002, '验签失败', 'isv.signature-invalid', 'sign不合法'));
      const fresh = checkApiTimestamp(q('timestamp'), now(), opts.toleranceMs ?? DEFAULT_TOLERANCE_MS);
      if (!fresh.ok) return answer(req, apiError(30003, '时间戳过期', 'isv.timestamp-invalid', fresh.reason));
      if (q('access_token') !== opts.accessToken) return answer(req, apiError(30004, 'access_token不合法', 'isv.access-token-invalid', ''));
      return answer(req, await methods[route]!(paramJson));
    };

  const server = await startSimServer({
    port: opts.port,
    routes: Object.keys(methods).map((name) => ({ method: 'POST', path: `/${name.replace('.', '/')}`, handler: signed(name) })),
    notFound: (req) => answer(req, apiError(40001, '不存在的方法名', 'isv.method-not-exist', req.path)),
  });
  return {
    url: server.url,
    calls,
    upsertOrder: (order) => orders.set(order.order_id, structuredClone(order)),
    order: (orderId) => orders.get(orderId),
    shipments,
    injectShipFaults: (count, kind) => faults.add(kind, count),
    listings,
    sell: (itemId, skuId, quantity = 1, outerSku) => {
      if (!listings.sell(itemId, skuId, quantity)) return null;
      sold += 1n;
      const at = new Date(now());
      const created = makeDouyinOrder({
        orderId: String(6_940_000_000_000_000_000n + sold * 100n),
        createdAt: at,
        skus: [{ skuId, productId: itemId, quantity, priceFen: 1000, ...(outerSku === undefined ? {} : { outSkuId: outerSku }) }],
      });
      const order = withDouyinStatus(created, 2, at);
      orders.set(order.order_id, order);
      return order.order_id;
    },
    close: () => server.close(),
  };
}
