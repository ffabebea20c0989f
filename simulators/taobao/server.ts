import { randomBytes } from 'node:crypto';
import type { TaobaoTrade } from '../../connectors/taobao/payload.js';
import { verifyTopSign } from '../../connectors/taobao/signature.js';
import { parseChinaTime } from '../../connectors/taobao/timestamp.js';
import { FaultQueue, formParams, ListingStore, type ShipFault, type SimResponse, startSimServer } from '../kit/index.js';
import { makeTaobaoTrade, withStatus } from './orders.js';
import { type SimMessageState, startTmc } from './push.js';
import { queryApi } from './query-api.js';
import { type SimShipment, shipApi } from './ship-api.js';
import { stockApi } from './stock-api.js';

/*
 * The TOP router: POST /router/rest, form or query parameters, TOP md5 signing, ±10 min timestamp
 * window, error_response on failure, then the method named by `method` (query-api.ts, ship-api.ts,
 * stock-api.ts).
 * TMC (push.ts) shares the port.
 */
export interface TopError {
  code: number;
  msg: string;
  sub?: string;
  subMsg?: string;
}
/** A method's answer: its JSON text, a TOP error, or an HTTP answer of the gateway in front of the router (a 502, say). */
export type TopAnswer = string | TopError | { http: SimResponse };
/** TOP methods by name. */
export type TopMethods = Record<string, (params: Record<string, string>) => TopAnswer | Promise<TopAnswer>>;

export interface TaobaoSimulatorOptions {
  port?: number;
  appKey: string;
  appSecret: string;
  sessionKey: string;
  groupName?: string;
  sellerId?: string;
  /** Unconfirmed messages are resent after this long (TMC: minutes; tests: ms). */
  ackTimeoutMs?: number;
  /** TOP accepts timestamps within ±10 minutes. */
  timestampToleranceMs?: number;
  /** Stock calls per second the app may make in the shop (default TAOBAO_SIM_STOCK_RATE). */
  stockRatePerSecond?: number;
}

/** The simulator's stock call budget: taobaoStock.rateLimit's (unverified) figure. */
export const TAOBAO_SIM_STOCK_RATE = 20;

export interface TaobaoSimulator {
  /** http://127.0.0.1:port — the ShopConfig.endpoint (router at /router/rest, TMC at ws://…/). */
  url: string;
  close(): Promise<void>;
  upsertOrder(trade: TaobaoTrade): void;
  /** Queue a TMC message about a stored trade (content built from it) and deliver it. */
  publish(topic: string, tid: string): string;
  messages(): SimMessageState[];
  /** Connections currently authenticated. */
  connections(): number;
  /** Requests the router answered, by outcome (for asserting signature checks). */
  apiCalls: Array<{ method: string; ok: boolean; code?: number }>;
  /** The stored version of a trade (after shipments). */
  trade(tid: string): TaobaoTrade | undefined;
  /** Successful taobao.logistics.offline.send calls. */
  shipments: SimShipment[];
  /** The next `count` taobao.logistics.offline.send calls fail: HTTP 502, or TOP code 7 (App Call Limited). */
  injectShipFaults(count: number, kind: ShipFault): void;
  /** Listing stock (taobao.item.quantity.update and the reads). */
  listings: ListingStore;
  /**
   * A buyer buys `quantity` units of a listing that shows them: a paid trade (WAIT_SELLER_SEND_GOODS)
   * for that num_iid/sku_id with merchant code `outerSku` is stored. Returns its tid, or null when the listing can't sell.
   */
  sell(itemId: string, skuId: string, quantity?: number, outerSku?: string): string | null;
}

function errorResponse({ code, msg, sub, subMsg = msg }: TopError): string {
  return JSON.stringify({ error_response: { code, msg, ...(sub ? { sub_code: sub, sub_msg: subMsg } : {}), request_id: randomBytes(6).toString('hex') } });
}

export async function startTaobaoSimulator(opts: TaobaoSimulatorOptions): Promise<TaobaoSimulator> {
  const tolerance = opts.timestampToleranceMs ?? 10 * 60_000;
  const trades = new Map<string, TaobaoTrade>();
  const apiCalls: TaobaoSimulator['apiCalls'] = [];
  const shipments: SimShipment[] = [];
  const faults = new FaultQueue<ShipFault>();
  const listings = new ListingStore({ ratePerSecond: opts.stockRatePerSecond ?? TAOBAO_SIM_STOCK_RATE });
  const methods: TopMethods = { ...queryApi(trades), ...shipApi(trades, shipments, faults), ...stockApi(listings) };
  let soldTrades = 0n;

  async function answerApi(params: Record<string, string>): Promise<SimResponse> {
    const method = params.method ?? '';
    const fail = (error: TopError): SimResponse => {
      apiCalls.push({ method, ok: false, code: error.code });
      return { body: errorResponse(error) };
    };
    if (!method) return fail({ code: 21, msg: 'Missing Method' });
    if (!params.app_key) return fail({ code: 28, msg: 'Missing App Key' });
    if (params.app_key !== opts.appKey) return fail({ code: 29, msg: 'Invalid App Key' });
    if (!params.timestamp) return fail({ code: 30, msg: 'Missing Timestamp' });
    const ts = parseChinaTime('timestamp', params.timestamp);
    if (!ts.ok || Math.abs(ts.value - Date.now()) > tolerance) return fail({ code: 31, msg: 'Invalid Timestamp' });
    if (!params.sign || !verifyTopSign(params, opts.appSecret)) return fail({ code: 25, msg: 'Invalid Signature' });
    if (!params.session) return fail({ code: 26, msg: 'Missing Session' });
    if (params.session !== opts.sessionKey) return fail({ code: 27, msg: 'Invalid Session' });
    const answer = Object.hasOwn(methods, method) ? await methods[method]!(params) : { code: 22, msg: 'Invalid Method' };
    if (typeof answer === 'string') {
      apiCalls.push({ method, ok: true });
      return { body: answer };
    }
    if ('http' in answer) {
      apiCalls.push({ method, ok: false, code: answer.http.status ?? 500 });
      return answer.http;
    }
    return fail(answer);
  }

  const server = await startSimServer({
    port: opts.port,
    contentType: 'application/json;charset=UTF-8',
    routes: [
      {
        method: 'ANY',
        path: '/router/rest',
        handler: async (req): Promise<SimResponse> => {
          const params = formParams(req);
          if (params.method === 'taobao.logistics.offline.send' && faults.takeIf('server-error')) {
            apiCalls.push({ method: params.method, ok: false, code: 502 });
            return { status: 502, contentType: 'text/html', body: '<html><body>502 Bad Gateway</body></html>' };
          }
          return answerApi(params);
        },
      },
    ],
  });
  const tmc = startTmc(server, {
    appKey: opts.appKey,
    appSecret: opts.appSecret,
    groupName: opts.groupName ?? 'default',
    sellerId: opts.sellerId ?? '2200012345678',
    ackTimeoutMs: opts.ackTimeoutMs ?? 5 * 60_000,
    toleranceMs: tolerance,
  });

  return {
    url: server.url,
    apiCalls,
    close: () => server.close(),
    shipments,
    trade: (tid) => trades.get(tid),
    injectShipFaults: (count, kind) => faults.add(kind, count),
    listings,
    sell(itemId, skuId, quantity = 1, outerSku) {
      if (!listings.sell(itemId, skuId, quantity)) return null;
      soldTrades += 1n;
      const tid = (4_200_000_000_000_000_000n + soldTrades).toString();
      const now = new Date();
      const line = { numIid: Number(itemId), skuId: skuId === itemId ? null : skuId, outerSkuId: outerSku ?? null, num: quantity, price: '9.90' };
      trades.set(tid, withStatus(makeTaobaoTrade({ tid, lines: [line], createdAt: now }), 'WAIT_SELLER_SEND_GOODS', now));
      return tid;
    },
    upsertOrder(trade) {
      if (!trade.tid_str) throw new Error('simulator trades carry tid_str');
      trades.set(trade.tid_str, trade);
    },
    publish(topic, tid) {
      const trade = trades.get(tid);
      if (!trade) throw new Error(`simulator: no trade ${tid}`);
      return tmc.publish(topic, trade);
    },
    messages: tmc.messages,
    connections: tmc.connections,
  };
}
