import { randomBytes } from 'node:crypto';
import type { WechatOrder } from '../../connectors/wechat/payload.js';
import { DELIVERY_SEND_PATH } from '../../connectors/wechat/ship.js';
import { FaultQueue, json, type SimHandler, type SimRequest, type SimResponse, startSimServer } from '../kit/index.js';
import { SIM_ERRORS } from './errors.js';
import { queryApi } from './query-api.js';
import { shipApi, type WechatSimFault, type WechatSimShipment } from './ship-api.js';

/*
 * The order API with its errcode/errmsg answers: GET /cgi-bin/token issues access tokens; every
 * other call is a POST with ?access_token= and a JSON body (query-api.ts, ship-api.ts).
 */
type WechatBody = Record<string, unknown> & { errcode?: number };
/** A POST route of the order API: the JSON body of an authorized call → the answer. */
export interface WechatRoute {
  path: string;
  handler: (body: Record<string, unknown>) => WechatBody;
}

export interface WechatSimulatorOptions {
  port?: number;
  appId: string;
  appSecret: string;
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
}

export async function startWechatSimulator(options: WechatSimulatorOptions): Promise<WechatSimulator> {
  const orders = new Map<string, WechatOrder>();
  const tokens = new Set<string>();
  const calls: WechatSimulator['calls'] = [];
  const shipments: WechatSimShipment[] = [];
  const faults = new FaultQueue<WechatSimFault>();

  const answer = (req: SimRequest, body: WechatBody): SimResponse => {
    calls.push({ path: req.path, errcode: body.errcode ?? 0 });
    return json(body);
  };
  const authorized =
    (handler: WechatRoute['handler']): SimHandler =>
    (req) => {
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
      return answer(req, handler(body));
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
      ...[...queryApi(orders), ...shipApi(orders, shipments)].map((r) => ({ method: 'POST' as const, path: r.path, handler: authorized(r.handler) })),
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
    close: () => server.close(),
  };
}
