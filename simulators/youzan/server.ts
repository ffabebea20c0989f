import { createHash } from 'node:crypto';
import type { YouzanTrade } from '../../connectors/youzan/payload.js';
import { CONFIRM_PATH, GW_RATE_LIMITED } from '../../connectors/youzan/ship.js';
import { safeEqual } from '../../connectors/youzan/signature.js';
import { youzanStock } from '../../connectors/youzan/stock.js';
import { FaultQueue, json, ListingStore, type SimHandler, type SimRequest, type SimResponse, startSimServer } from '../kit/index.js';
import { cancelApi, type YouzanSimRefund } from './cancel-api.js';
import { queryApi } from './query-api.js';
import { sellListing } from './sell.js';
import { shipApi, type YouzanSimFault, type YouzanSimShipment } from './ship-api.js';
import { stockApi } from './stock-api.js';

/*
 * The API: POST /auth/token (client_id + client_secret → access_token), and POST
 * /api/<method>/<version>?access_token=… with a JSON body (query-api.ts, ship-api.ts, stock-api.ts, cancel-api.ts).
 */
export interface YouzanAnswer {
  json: unknown;
  ok: boolean;
  pageNo?: number;
  /** An HTTP status other than 200 (an injected 5xx), answered as an HTML page. */
  httpStatus?: number;
}
/** A POST API route: the JSON body of a call with a valid access_token → the answer. */
export interface YouzanRoute {
  path: string;
  handler: (body: Record<string, unknown>) => YouzanAnswer | Promise<YouzanAnswer>;
}

export interface YouzanSimulatorOptions {
  port?: number;
  clientId: string;
  clientSecret: string;
  kdtId: string;
  /** Stock calls per second for the app and shop (default: youzanStock.rateLimit.perSecond). */
  stockRatePerSecond?: number;
}

export interface YouzanSimulator {
  url: string;
  close(): Promise<void>;
  upsertTrade(trade: YouzanTrade): void;
  calls: Array<{ path: string; pageNo: number | null; ok: boolean }>;
  /** Shipments youzan.logistics.online.confirm accepted, in order. */
  readonly shipments: YouzanSimShipment[];
  /** The next `times` confirm calls answer with `fault` instead of being processed. */
  failNext(fault: YouzanSimFault, times?: number): void;
  /** Seller refunds youzan.trade.refund.seller.active applied, in order. */
  readonly refunds: YouzanSimRefund[];
  /** The next `times` seller-refund calls answer with `fault` (502, or the gateway's rate limit) instead of being processed. */
  failNextRefund(fault: YouzanSimFault, times?: number): void;
  /** The stored trade, as pull and youzan.trade.get return it. */
  trade(tid: string): YouzanTrade | undefined;
  /** Listing stock behind youzan.item.quantity.update / youzan.item.get. */
  readonly listings: ListingStore;
  /** A buyer buys: the listing's stock drops and a paid trade (WAIT_SELLER_SEND_GOODS) is stored. Its tid, or null when the listing cannot sell that many. */
  sell(itemId: string, skuId: string, quantity?: number, outerSku?: string): string | null;
}

/** The JSON body; an empty or malformed one reads as {}. */
function bodyOf(req: SimRequest): Record<string, unknown> {
  try {
    return JSON.parse(req.body.toString('utf8') || '{}');
  } catch {
    return {};
  }
}

export async function startYouzanSimulator(opts: YouzanSimulatorOptions): Promise<YouzanSimulator> {
  const trades = new Map<string, YouzanTrade>();
  const tokens = new Set<string>();
  const calls: YouzanSimulator['calls'] = [];
  const shipments: YouzanSimShipment[] = [];
  const faults = new FaultQueue<YouzanSimFault>();
  const refunds: YouzanSimRefund[] = [];
  const refundFaults = new FaultQueue<YouzanSimFault>();
  const listings = new ListingStore({ ratePerSecond: opts.stockRatePerSecond ?? youzanStock.rateLimit.perSecond });

  const answer = (req: SimRequest, { json: body, ok, pageNo, httpStatus }: YouzanAnswer): SimResponse => {
    calls.push({ path: req.path, pageNo: pageNo ?? null, ok });
    return httpStatus === undefined ? json(body) : { status: httpStatus, contentType: 'text/html', body: String(body) };
  };
  const gwError = (code: number, msg: string): YouzanAnswer => ({ json: { gw_err_resp: { err_code: code, err_msg: msg } }, ok: false });
  const withToken =
    (handler: YouzanRoute['handler']): SimHandler =>
    async (req) => {
      if (req.path === CONFIRM_PATH) {
        const fault = faults.take();
        if (fault === 'server-error') {
          calls.push({ path: req.path, pageNo: null, ok: false });
          return { status: 502, contentType: 'text/html', body: '<html>502 Bad Gateway</html>' };
        }
        if (fault === 'rate-limit') return answer(req, gwError(GW_RATE_LIMITED, '调用频率超限'));
      }
      if (!tokens.has(req.query.get('access_token') ?? '')) return answer(req, gwError(4203, 'access_token不存在或已过期'));
      return answer(req, await handler(bodyOf(req)));
    };
  const token: SimHandler = (req) => {
    const body = bodyOf(req);
    const refuse = (code: number, message: string) => answer(req, { json: { success: false, code, message, data: null }, ok: false });
    const good = body.client_id === opts.clientId && typeof body.client_secret === 'string' && safeEqual(body.client_secret, opts.clientSecret);
    if (!good) return refuse(40010, 'client_id或client_secret错误');
    if (body.authorize_type !== 'silent' || String(body.grant_id) !== opts.kdtId) return refuse(40011, '授权店铺不存在');
    const issued = `simtoken_${createHash('sha256').update(`${opts.clientId}|${tokens.size}`).digest('hex').slice(0, 24)}`;
    tokens.add(issued);
    return answer(req, {
      json: {
        success: true,
        code: 200,
        message: null,
        data: { access_token: issued, expires: Date.now() + 7 * 86_400_000, scope: 'trade', authority_id: opts.kdtId },
      },
      ok: true,
    });
  };

  const server = await startSimServer({
    port: opts.port,
    routes: [
      { method: 'POST', path: '/auth/token', handler: token },
      ...[...queryApi(trades), ...shipApi(trades, shipments), ...stockApi(listings), ...cancelApi({ trades, refunds, refundFaults })].map((r) => ({
        method: 'POST' as const,
        path: r.path,
        handler: withToken(r.handler),
      })),
    ],
    notFound: (req) => answer(req, gwError(4004, `api not found: ${req.path}`)),
  });
  return {
    url: server.url,
    calls,
    upsertTrade: (trade) => trades.set(trade.full_order_info.order_info.tid, structuredClone(trade)),
    shipments,
    failNext: (fault, times = 1) => faults.add(fault, times),
    refunds,
    failNextRefund: (fault, times = 1) => refundFaults.add(fault, times),
    trade: (tid) => trades.get(tid),
    listings,
    sell: (itemId, skuId, quantity = 1, outerSku) => sellListing(listings, trades, { itemId, skuId, quantity, outerSku }),
    close: () => server.close(),
  };
}
