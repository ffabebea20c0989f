/*
 * A faithful Youzan (有赞) channel simulator. Youzan's servers cannot be reached from here, so the
 * connector is exercised against payloads built from what public integrations document (sources
 * and unverified points in README.md):
 *   - pushes: JSON envelope {client_id, id, kdt_id, kdt_name, msg, type, status, version, test,
 *     mode, sendCount, msg_id}, msg = form-URL-encoded JSON ({full_order_info}), headers
 *     Event-Sign = md5(client_id + body + client_secret), Event-Type, Client-Id;
 *   - the API: POST /auth/token (client_id + client_secret → access_token),
 *     POST /api/youzan.trades.sold.get/4.0.0?access_token=… (update-time window, paged) and
 *     POST /api/youzan.logistics.online.confirm/3.0.0?access_token=… (ship: the trade moves to
 *     WAIT_BUYER_CONFIRM_GOODS, so trades.sold.get returns it shipped), with injectable faults.
 *
 * Trades carry obviously fake buyer/receiver data (SIM_PII) so tests can prove none of it leaks.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InboundPush } from '../contract.js';
import { fenToYuan } from './money.js';
import type { YouzanLine, YouzanPush, YouzanTrade } from './payload.js';
import { CONFIRM_PATH, GW_RATE_LIMITED, YOUZAN_SHIP_CODES } from './ship.js';
import { safeEqual, signYouzanBody, signYouzanMsg } from './signature.js';
import { formatChinaTime, parseChinaTime } from './timestamp.js';

export const SIM_PII = {
  receiverName: '模拟收件人丁戊',
  receiverTel: '13900000077',
  address: '虚构大道 77 号 演示公寓 3 单元 302',
  postalCode: '310099',
  buyerPhone: '13700000066',
  nickname: '演示买家昵称',
  openId: 'SIMyzopenid0077',
  buyerMessage: '请电话联系模拟收件人丁戊',
} as const;

export interface SimYouzanLine {
  outerSkuId?: string;
  skuId?: number;
  itemId?: number;
  outerItemId?: string;
  quantity: number;
  /** Unit price in fen (rendered as a yuan string). */
  priceFen: number;
  preSale?: boolean;
}

export interface SimYouzanTradeOptions {
  tid: string;
  lines: SimYouzanLine[];
  createdAt: Date;
  postFen?: number;
  province?: string;
  city?: string;
  downPaymentPresale?: boolean;
}

export function makeYouzanTrade(opts: SimYouzanTradeOptions): YouzanTrade {
  const created = formatChinaTime(opts.createdAt.getTime());
  const post = opts.postFen ?? 0;
  const goods = opts.lines.reduce((sum, l) => sum + l.priceFen * l.quantity, 0);
  const orders: YouzanLine[] = opts.lines.map((l, i) => ({
    oid: `${opts.tid.slice(1, 12)}${String(100 + i)}`,
    item_id: l.itemId ?? 500_000_000 + i,
    sku_id: l.skuId ?? 0,
    outer_sku_id: l.outerSkuId ?? '',
    outer_item_id: l.outerItemId ?? '',
    num: l.quantity,
    price: fenToYuan(l.priceFen),
    total_fee: fenToYuan(l.priceFen * l.quantity),
    payment: fenToYuan(l.priceFen * l.quantity),
    title: `演示商品 ${i + 1}`,
    sku_properties_name: '[{"k":"颜色","v":"红"}]',
    is_pre_sale: l.preSale ? '1' : '0',
  }));
  return {
    full_order_info: {
      order_info: {
        tid: opts.tid,
        status: 'WAIT_BUYER_PAY',
        status_str: '待支付',
        type: 0,
        created,
        update_time: created,
        pay_time: {},
        consign_time: {},
        success_time: {},
        expired_time: formatChinaTime(opts.createdAt.getTime() + 30 * 60_000),
        refund_state: 0,
        close_type: 0,
        order_tags: { is_payed: false, is_secured_transactions: true, is_down_payment_pre: opts.downPaymentPresale ?? false },
        order_extra: { is_from_cart: 'false' },
      },
      pay_info: { payment: fenToYuan(goods + post), total_fee: fenToYuan(goods), post_fee: fenToYuan(post), transaction: [] },
      orders,
      address_info: {
        delivery_province: opts.province ?? '浙江省',
        delivery_city: opts.city ?? '杭州市',
        delivery_district: '余杭区',
        delivery_address: SIM_PII.address,
        delivery_postal_code: SIM_PII.postalCode,
        receiver_name: SIM_PII.receiverName,
        receiver_tel: SIM_PII.receiverTel,
        self_fetch_info: '',
      },
      buyer_info: { buyer_phone: SIM_PII.buyerPhone, fans_nickname: SIM_PII.nickname, yz_open_id: SIM_PII.openId, fans_type: 1 },
      remark_info: { buyer_message: SIM_PII.buyerMessage },
      source_info: { is_offline_order: false, source: { platform: 'wx', wx_entrance: 'direct_buy' } },
    },
  };
}

const STATUS_STR: Record<string, string> = {
  WAIT_BUYER_PAY: '待支付', TRADE_PAID: '已支付', WAIT_CONFIRM: '待确认', WAIT_SELLER_SEND_GOODS: '待发货',
  WAIT_BUYER_CONFIRM_GOODS: '已发货', TRADE_SUCCESS: '已完成', TRADE_CLOSED: '已关闭',
};

/** The trade after a status change at `at` (Youzan bumps update_time on every change). */
export function withYouzanStatus(trade: YouzanTrade, status: string, at: Date, refundState = 0): YouzanTrade {
  const next = structuredClone(trade);
  const info = next.full_order_info.order_info;
  const t = formatChinaTime(at.getTime());
  info.status = status;
  info.status_str = STATUS_STR[status] ?? status;
  info.update_time = t;
  info.refund_state = refundState;
  if (status !== 'WAIT_BUYER_PAY' && status !== 'TRADE_CLOSED' && typeof info.pay_time !== 'string') info.pay_time = t;
  if (status === 'WAIT_BUYER_CONFIRM_GOODS') info.consign_time = t;
  if (status === 'TRADE_SUCCESS') info.success_time = t;
  return next;
}

/** Java URLEncoder style (what Youzan's msg looks like): space → "+", ! ' ( ) ~ escaped. */
export function formUrlEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

/** Envelope status words seen in pushes ("PAID" for trade_TradePaid, …); informational only. */
const ENVELOPE_STATUS: Record<string, string> = {
  trade_TradeCreate: 'WAIT_BUYER_PAY', trade_TradeBuyerPay: 'WAIT_SELLER_SEND_GOODS', trade_TradePaid: 'PAID',
  trade_TradeSellerShip: 'WAIT_BUYER_CONFIRM_GOODS', trade_TradePartlySellerShip: 'WAIT_SELLER_SEND_GOODS',
  trade_TradeSuccess: 'TRADE_SUCCESS', trade_TradeClose: 'TRADE_CLOSED',
};

export interface EnvelopeOptions {
  clientId: string;
  kdtId: number;
  /** Drop orders[]/address_info/buyer_info from msg, like the documented trade_TradePaid example. */
  slim?: boolean;
  test?: boolean;
  sendCount?: number;
  /** Include the legacy body sign computed with this secret. */
  legacySignSecret?: string;
}

export function youzanEnvelope(trade: YouzanTrade, type: string, opts: EnvelopeOptions): YouzanPush {
  const info = trade.full_order_info;
  const body = opts.slim
    ? { full_order_info: { order_info: info.order_info, pay_info: info.pay_info, remark_info: info.remark_info, source_info: info.source_info } }
    : trade;
  const msg = formUrlEncode(JSON.stringify(body));
  const updated = parseChinaTime('update_time', info.order_info.update_time);
  const version = updated.ok ? Math.floor(updated.value / 1000) : 0;
  const envelope: YouzanPush = {
    msg,
    kdt_name: '演示有赞店',
    test: opts.test ?? false,
    type,
    version,
    client_id: opts.clientId,
    mode: 1,
    kdt_id: opts.kdtId,
    id: info.order_info.tid,
    msg_id: createHash('sha256').update(`${type}|${info.order_info.tid}|${version}`).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5'),
    status: ENVELOPE_STATUS[type] ?? info.order_info.status,
    sendCount: opts.sendCount ?? 0,
  };
  if (opts.legacySignSecret) envelope.sign = signYouzanMsg(msg, opts.clientId, opts.legacySignSecret);
  return envelope;
}

export interface SimulatedPush {
  headers: Record<string, string>;
  body: string;
}

export function youzanPush(envelope: YouzanPush, clientSecret: string | null): SimulatedPush {
  const body = JSON.stringify(envelope);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Event-Type': envelope.type, 'Client-Id': envelope.client_id };
  if (clientSecret !== null) headers['Event-Sign'] = signYouzanBody(body, envelope.client_id, clientSecret);
  return { headers, body };
}

export function toInboundPush(push: SimulatedPush, receivedAt: number): InboundPush {
  const headers: InboundPush['headers'] = {};
  for (const [name, value] of Object.entries(push.headers)) headers[name.toLowerCase()] = value;
  return { headers, rawBody: Buffer.from(push.body, 'utf8'), receivedAt };
}

// ---------------------------------------------------------------------------------------------
// API server

export interface YouzanSimulatorOptions {
  port?: number;
  clientId: string;
  clientSecret: string;
  kdtId: string;
}

/** Faults the ship endpoint can be told to answer with, for the next n calls. */
export type YouzanSimFault = 'server-error' | 'rate-limit';

export interface YouzanSimShipment {
  tid: string;
  outStype: string;
  outSid: string;
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
}

/**
 * Logistics company ids the simulated youzan.logistics.express.get would list (1 申通 … 7 顺丰速运,
 * 138 京东); see carriers.ts for which are verified.
 */
export const SIM_EXPRESS_IDS: ReadonlySet<string> = new Set(['1', '2', '3', '4', '5', '6', '7', '138']);
const SHIPPABLE = new Set(['TRADE_PAID', 'WAIT_SELLER_SEND_GOODS']);
const SHIPPED = new Set(['WAIT_BUYER_CONFIRM_GOODS', 'TRADE_SUCCESS']);

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    return {};
  }
}

export async function startYouzanSimulator(opts: YouzanSimulatorOptions): Promise<YouzanSimulator> {
  const trades = new Map<string, YouzanTrade>();
  const tokens = new Set<string>();
  const calls: YouzanSimulator['calls'] = [];
  const shipments: YouzanSimShipment[] = [];
  const faults: YouzanSimFault[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const body = await readJson(req);
    const send = (json: unknown, ok: boolean, pageNo: number | null = null) => {
      calls.push({ path: url.pathname, pageNo, ok });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (req.method === 'POST' && url.pathname === '/auth/token') {
      const good = body.client_id === opts.clientId && typeof body.client_secret === 'string' && safeEqual(body.client_secret, opts.clientSecret);
      if (!good) return send({ success: false, code: 40010, message: 'client_id或client_secret错误', data: null }, false);
      if (body.authorize_type !== 'silent' || String(body.grant_id) !== opts.kdtId) return send({ success: false, code: 40011, message: '授权店铺不存在', data: null }, false);
      const token = `simtoken_${createHash('sha256').update(`${opts.clientId}|${tokens.size}`).digest('hex').slice(0, 24)}`;
      tokens.add(token);
      return send({ success: true, code: 200, message: null, data: { access_token: token, expires: Date.now() + 7 * 86_400_000, scope: 'trade', authority_id: opts.kdtId } }, true);
    }
    if (req.method === 'POST' && url.pathname === '/api/youzan.trades.sold.get/4.0.0') {
      const token = url.searchParams.get('access_token') ?? '';
      if (!tokens.has(token)) return send({ gw_err_resp: { err_code: 4203, err_msg: 'access_token不存在或已过期' } }, false);
      const start = parseChinaTime('start_update', body.start_update);
      const end = parseChinaTime('end_update', body.end_update);
      if (!start.ok || !end.ok) return send({ success: false, code: 50000, message: '参数错误: start_update/end_update', data: null }, false);
      const pageNo = Number(body.page_no ?? 1);
      const pageSize = Math.min(Number(body.page_size ?? 20), 100);
      const inWindow = [...trades.values()]
        .map((t) => ({ t, at: parseChinaTime('u', t.full_order_info.order_info.update_time) }))
        .filter((x) => x.at.ok && x.at.value >= start.value && x.at.value <= end.value)
        .sort((a, b) => (a.at.ok && b.at.ok ? a.at.value - b.at.value : 0) || (a.t.full_order_info.order_info.tid < b.t.full_order_info.order_info.tid ? -1 : 1))
        .map((x) => x.t);
      const page = inWindow.slice((pageNo - 1) * pageSize, pageNo * pageSize);
      return send({ success: true, code: 200, message: 'successful', data: { full_order_info_list: page, total_results: inWindow.length } }, true, pageNo);
    }
    if (req.method === 'POST' && url.pathname === CONFIRM_PATH) {
      const fault = faults.shift();
      if (fault === 'server-error') {
        calls.push({ path: url.pathname, pageNo: null, ok: false });
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end('<html>502 Bad Gateway</html>');
      }
      if (fault === 'rate-limit') return send({ gw_err_resp: { err_code: GW_RATE_LIMITED, err_msg: '调用频率超限' } }, false);
      if (!tokens.has(url.searchParams.get('access_token') ?? '')) return send({ gw_err_resp: { err_code: 4203, err_msg: 'access_token不存在或已过期' } }, false);
      const refuse = (code: number, message: string) => send({ success: false, code, message, data: null }, false);
      const tid = typeof body.tid === 'string' ? body.tid : '';
      const outStype = String(body.out_stype ?? '');
      const outSid = typeof body.out_sid === 'string' ? body.out_sid.trim() : '';
      if (!SIM_EXPRESS_IDS.has(outStype)) return refuse(YOUZAN_SHIP_CODES.badCompany, `物流公司不存在: ${outStype}`);
      if (!outSid) return refuse(YOUZAN_SHIP_CODES.badCompany, '快递单号不能为空');
      const trade = trades.get(tid);
      if (!trade) return refuse(YOUZAN_SHIP_CODES.tradeNotFound, '订单不存在');
      const status = trade.full_order_info.order_info.status;
      if (SHIPPED.has(status)) return refuse(YOUZAN_SHIP_CODES.alreadyShipped, '订单已发货，请勿重复发货');
      if (!SHIPPABLE.has(status)) return refuse(YOUZAN_SHIP_CODES.statusForbids, `订单状态不允许发货: ${status}`);
      trades.set(tid, withYouzanStatus(trade, 'WAIT_BUYER_CONFIRM_GOODS', new Date()));
      shipments.push({ tid, outStype, outSid });
      return send({ success: true, code: 200, message: 'successful', data: { is_success: true } }, true);
    }
    return send({ gw_err_resp: { err_code: 4004, err_msg: `api not found: ${url.pathname}` } }, false);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      res.writeHead(500);
      res.end(err.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    upsertTrade: (trade) => trades.set(trade.full_order_info.order_info.tid, structuredClone(trade)),
    shipments,
    failNext: (fault, times = 1) => {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
