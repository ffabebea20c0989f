import { randomBytes } from 'node:crypto';
import type { PddOrder } from '../../connectors/pinduoduo/payload.js';
import { verifyPddSign } from '../../connectors/pinduoduo/signature.js';
import { FaultQueue, ListingStore, type ShipFault, type SimResponse, startSimServer } from '../kit/index.js';
import { makePddOrder } from './orders.js';
import { type SimMessageState, startMessageChannel } from './push.js';
import { queryApi } from './query-api.js';
import { type SimShipment, shipApi } from './ship-api.js';
import { stockApi } from './stock-api.js';

/*
 * The gw-api router: POST /api/router (JSON or form body), PDD md5 signing, epoch-second timestamp
 * within ±10 min, access_token check, error_response on failure, then the type named by `type`
 * (query-api.ts, ship-api.ts, stock-api.ts). The message channel (push.ts) shares the port.
 */
export interface RouterError {
  code: number;
  msg: string;
}
/** A type's answer: its JSON text, an error, or an HTTP answer of the gateway in front of the router (a 503, say). */
export type RouterAnswer = string | RouterError | { http: SimResponse };
/** Router types by name. */
export type RouterTypes = Record<string, (params: Record<string, string>) => RouterAnswer | Promise<RouterAnswer>>;

export interface PddSimulatorOptions {
  port?: number;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  mallId?: number;
  ackTimeoutMs?: number;
  timestampToleranceMs?: number;
  /** Stock calls per second the app may make in the mall (default PDD_SIM_STOCK_RATE). */
  stockRatePerSecond?: number;
}

/** The simulator's stock call budget: pinduoduoStock.rateLimit's (unverified) figure. */
export const PDD_SIM_STOCK_RATE = 20;

export interface PddSimulator {
  /** http://127.0.0.1:port — the ShopConfig.endpoint (router at /api/router, messages at ws://…/message/…). */
  url: string;
  close(): Promise<void>;
  upsertOrder(order: PddOrder): void;
  /** Queue a message about a stored order ({tid, mall_id}) for this mall, or for `mallId`. */
  publish(type: string, orderSn: string, mallId?: number): string;
  messages(): SimMessageState[];
  connections(): number;
  /** Connection attempts refused at the upgrade. */
  refusedConnections(): number;
  apiCalls: Array<{ type: string; ok: boolean; code?: number }>;
  /** The stored version of an order (after shipments). */
  order(orderSn: string): PddOrder | undefined;
  /** Successful pdd.logistics.online.send calls. */
  shipments: SimShipment[];
  /** The next `count` pdd.logistics.online.send calls fail: HTTP 503, or error 70031 (flow control). */
  injectShipFaults(count: number, kind: ShipFault): void;
  /** Listing stock (pdd.goods.quantity.update, pdd.goods.skus.get); put(…, { promotionLocked }) for goods on a promotion slot. */
  listings: ListingStore;
  /**
   * A buyer buys `quantity` units of a listing that shows them: a paid order (order_status 1) for
   * that goods_id/sku_id with merchant code `outerSku` is stored. Returns its order_sn, or null when the listing can't sell.
   */
  sell(itemId: string, skuId: string, quantity?: number, outerSku?: string): string | null;
}

/** PDD order numbers start with the date: yyMMdd. */
const formatOrderDate = (at: Date) => at.toISOString().slice(2, 10).replaceAll('-', '');

function errorResponse({ code, msg }: RouterError): string {
  return JSON.stringify({ error_response: { error_code: code, error_msg: msg, sub_code: null, sub_msg: '', request_id: randomBytes(8).toString('hex') } });
}

export async function startPddSimulator(opts: PddSimulatorOptions): Promise<PddSimulator> {
  const mallId = opts.mallId ?? 445_566_778;
  const tolerance = opts.timestampToleranceMs ?? 10 * 60_000;
  const orders = new Map<string, PddOrder>();
  const apiCalls: PddSimulator['apiCalls'] = [];
  const shipments: SimShipment[] = [];
  const faults = new FaultQueue<ShipFault>();
  const listings = new ListingStore({ ratePerSecond: opts.stockRatePerSecond ?? PDD_SIM_STOCK_RATE });
  const types: RouterTypes = { ...queryApi(orders), ...shipApi(orders, shipments, faults), ...stockApi(listings) };
  let sold = 0;

  async function answerApi(params: Record<string, string>): Promise<SimResponse> {
    const type = params.type ?? '';
    const fail = (error: RouterError): SimResponse => {
      apiCalls.push({ type, ok: false, code: error.code });
      return { body: errorResponse(error) };
    };
    if (params.client_id !== opts.clientId) return fail({ code: 10001, msg: 'client_id不存在' });
    const ts = Number(params.timestamp);
    if (!params.timestamp || !/^\d+$/.test(params.timestamp) || Math.abs(ts * 1000 - Date.now()) > tolerance)
      return fail({ code: 10002, msg: 'timestamp已过期' });
    if (!verifyPddSign(params, opts.clientSecret)) return fail({ code: 10003, msg: 'sign校验失败' });
    if (params.access_token !== opts.accessToken) return fail({ code: 10019, msg: 'access_token已过期' });
    const answer = Object.hasOwn(types, type) ? await types[type]!(params) : { code: 10000, msg: `未知接口 ${type}` };
    if (typeof answer === 'string') {
      apiCalls.push({ type, ok: true });
      return { body: answer };
    }
    if ('http' in answer) {
      apiCalls.push({ type, ok: false, code: answer.http.status ?? 500 });
      return answer.http;
    }
    return fail(answer);
  }

  const server = await startSimServer({
    port: opts.port,
    routes: [
      {
        method: 'POST',
        path: '/api/router',
        handler: async (req): Promise<SimResponse> => {
          const text = req.body.toString('utf8');
          let params: Record<string, string>;
          try {
            params = (req.headers['content-type'] ?? '').includes('json')
              ? Object.fromEntries(Object.entries(JSON.parse(text) as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
              : Object.fromEntries(new URLSearchParams(text));
          } catch {
            return { body: errorResponse({ code: 10000, msg: '参数错误' }) };
          }
          if (params.type === 'pdd.logistics.online.send' && faults.takeIf('server-error')) {
            apiCalls.push({ type: params.type, ok: false, code: 503 });
            return { status: 503, contentType: 'text/plain', body: 'Service Unavailable' };
          }
          return answerApi(params);
        },
      },
    ],
  });
  const channel = startMessageChannel(server, {
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    ackTimeoutMs: opts.ackTimeoutMs ?? 60_000,
    toleranceMs: tolerance,
  });

  return {
    url: server.url,
    apiCalls,
    close: () => server.close(),
    upsertOrder(order) {
      orders.set(order.order_sn, order);
    },
    order: (orderSn) => orders.get(orderSn),
    shipments,
    injectShipFaults: (count, kind) => faults.add(kind, count),
    listings,
    sell(itemId, skuId, quantity = 1, outerSku) {
      if (!listings.sell(itemId, skuId, quantity)) return null;
      sold += 1;
      const now = new Date();
      const orderSn = `${formatOrderDate(now)}-${String(900_000_000_000_000 + sold)}`;
      const item = { goodsId: Number(itemId), skuId: Number(skuId), outerId: outerSku ?? null, count: quantity, price: '9.90' };
      orders.set(orderSn, makePddOrder({ orderSn, items: [item], createdAt: now }));
      return orderSn;
    },
    publish(type, orderSn, forMall = mallId) {
      if (!orders.has(orderSn)) throw new Error(`simulator: no order ${orderSn}`);
      return channel.publish(type, orderSn, forMall);
    },
    messages: channel.messages,
    connections: channel.connections,
    refusedConnections: channel.refusedConnections,
  };
}
