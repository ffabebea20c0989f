/*
 * A faithful Pinduoduo channel simulator. PDD's servers (gw-api router, message-api WebSocket)
 * cannot be reached from here, so this is built from their documented payloads and signing:
 * - Router: POST /api/router (JSON or form body), PDD md5 signing, epoch-second timestamp within
 *   ±10 min, access_token check, error_response on failure; types
 *   pdd.order.number.list.increment.get (updated-time window ≤ 30 min, paging, total_count,
 *   has_next) and pdd.order.information.get.
 * - Message channel: WebSocket at /message/{client_id}/{ts}/{sign}, the sign checked at the
 *   upgrade (a bad one is answered HTTP 401); Common frames {id, commandType, time, sendTime,
 *   message: {type, mallID, content}}; the client's Ack removes a message; unacknowledged ones
 *   are redelivered after ackTimeoutMs and on reconnect; HeartBeat is answered with HeartBeat.
 * Message ids are beyond 2^53 and written as raw JSON integers. Money is written as JSON numbers
 * by default (moneyAs: 'string' for the other documented form). Orders carry obviously fake
 * receiver data (SIM_PII); tests assert none of it leaks.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { text as readBody } from 'node:stream/consumers';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { fenToYuanNumber, fenToYuanString, yuanToFen } from './money.js';
import type { PddItem, PddOrder } from './payload.js';
import { connectSignature, safeEqual, verifyPddSign } from './signature.js';
import { formatChinaTime, parseChinaTime } from './timestamp.js';

export const SIM_PII = {
  receiverName: '王建国',
  receiverPhone: '13912345678',
  address: '江苏省南京市鼓楼区中山北路 88 号 3 栋 502',
  receiverAddress: '中山北路 88 号 3 栋 502',
  buyerMemo: '下午送, 找王建国',
} as const;

export interface SimItem {
  outerId?: string | null;
  skuId?: number | null;
  outerGoodsId?: string | null;
  count: number;
  /** Unit price, yuan decimal string ("19.90"). */
  price: string;
}

export interface SimOrderOptions {
  orderSn: string;
  items: SimItem[];
  createdAt: Date;
  province?: string;
  city?: string;
  postage?: string;
  moneyAs?: 'number' | 'string';
  /** Deposit order (trade_type 1), deposit not yet paid. */
  deposit?: boolean;
  preSale?: boolean;
}

function fen(amount: string): number {
  const r = yuanToFen(amount);
  if (!r.ok) throw new Error(`simulator: ${r.reason}`);
  return r.value;
}

export function makePddOrder(opts: SimOrderOptions): PddOrder {
  const asMoney = (f: number) => (opts.moneyAs === 'string' ? fenToYuanString(f) : fenToYuanNumber(f));
  const created = formatChinaTime(opts.createdAt.getTime());
  const items: PddItem[] = opts.items.map((item, i) => ({
    goods_id: 300_000_000_000 + i,
    sku_id: item.skuId === undefined ? 1_200_000_000_000 + i : item.skuId,
    outer_id: item.outerId,
    outer_goods_id: item.outerGoodsId,
    goods_name: `拼单商品 ${i + 1}`,
    goods_spec: '默认',
    goods_count: item.count,
    goods_price: asMoney(fen(item.price)),
    goods_img: 'https://img.pddpic.com/sim.jpg',
  }));
  const goods = opts.items.reduce((s, it) => s + fen(it.price) * it.count, 0);
  const postage = fen(opts.postage ?? '0.00');
  return {
    order_sn: opts.orderSn,
    order_status: 1,
    refund_status: 1,
    group_status: 1,
    confirm_status: 1,
    trade_type: opts.deposit ? 1 : 0,
    step_order_info: opts.deposit ? { step_trade_status: 0, advanced_paid_fee: asMoney(0), step_paid_fee: asMoney(0) } : null,
    is_pre_sale: opts.preSale ? 1 : 0,
    pre_sale_time: opts.preSale ? formatChinaTime(opts.createdAt.getTime() + 7 * 86_400_000) : '',
    pay_amount: asMoney(goods + postage),
    goods_amount: asMoney(goods),
    discount_amount: asMoney(0),
    postage: asMoney(postage),
    created_time: created,
    confirm_time: created,
    pay_time: created,
    updated_at: created,
    country: '中国',
    province: opts.province ?? '江苏省',
    city: opts.city ?? '南京市',
    town: '鼓楼区',
    receiver_name: SIM_PII.receiverName,
    receiver_phone: SIM_PII.receiverPhone,
    address: SIM_PII.address,
    receiver_address: SIM_PII.receiverAddress,
    buyer_memo: SIM_PII.buyerMemo,
    remark: '',
    tracking_number: '',
    item_list: items,
  };
}

/** The order after a change at `at`. */
export function withPddStatus(
  order: PddOrder,
  change: Partial<Pick<PddOrder, 'order_status' | 'refund_status' | 'group_status' | 'confirm_status' | 'step_order_info'>>,
  at: Date,
): PddOrder {
  return { ...order, ...change, updated_at: formatChinaTime(at.getTime()) };
}

export interface PddSimulatorOptions {
  port?: number;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  mallId?: number;
  ackTimeoutMs?: number;
  timestampToleranceMs?: number;
}

export interface SimMessageState {
  id: string;
  type: string;
  deliveries: number;
  acked: boolean;
}

interface SimMessage extends SimMessageState {
  mallId: number;
  content: string;
  sendTime: number;
  lastSentAt: number;
}

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
}

export type ShipFault = 'server-error' | 'rate-limit';

export interface SimShipment {
  orderSn: string;
  logisticsId: string;
  trackingNumber: string;
}

/** Courier ids the simulated pdd.logistics.companies.get lists (a subset). */
const KNOWN_LOGISTICS = new Set(['44', '115', '85', '120', '121', '1']);

function errorResponse(code: number, msg: string): string {
  return JSON.stringify({ error_response: { error_code: code, error_msg: msg, sub_code: null, sub_msg: '', request_id: randomBytes(8).toString('hex') } });
}

export async function startPddSimulator(opts: PddSimulatorOptions): Promise<PddSimulator> {
  const mallId = opts.mallId ?? 445_566_778;
  const ackTimeoutMs = opts.ackTimeoutMs ?? 60_000;
  const tolerance = opts.timestampToleranceMs ?? 10 * 60_000;
  const orders = new Map<string, PddOrder>();
  const queue: SimMessage[] = [];
  const clients = new Set<WebSocket>();
  const apiCalls: PddSimulator['apiCalls'] = [];
  const shipments: SimShipment[] = [];
  const faults: ShipFault[] = [];
  let refused = 0;
  let nextId = 7_300_000_000_000_000_001n;

  function answerApi(params: Record<string, string>): string {
    const type = params.type ?? '';
    const fail = (code: number, msg: string) => { apiCalls.push({ type, ok: false, code }); return errorResponse(code, msg); };
    if (params.client_id !== opts.clientId) return fail(10001, 'client_id不存在');
    const ts = Number(params.timestamp);
    if (!params.timestamp || !/^\d+$/.test(params.timestamp) || Math.abs(ts * 1000 - Date.now()) > tolerance) return fail(10002, 'timestamp已过期');
    if (!verifyPddSign(params, opts.clientSecret)) return fail(10003, 'sign校验失败');
    if (params.access_token !== opts.accessToken) return fail(10019, 'access_token已过期');

    if (type === 'pdd.order.information.get') {
      const order = params.order_sn ? orders.get(params.order_sn) : undefined;
      if (!order) return fail(50000, '订单不存在');
      apiCalls.push({ type, ok: true });
      return JSON.stringify({ order_info_get_response: { order_info: order } });
    }
    if (type === 'pdd.order.number.list.increment.get') {
      const start = Number(params.start_updated_at);
      const end = Number(params.end_updated_at);
      if (!Number.isInteger(start) || !Number.isInteger(end) || end < start || end - start > 30 * 60) return fail(10000, '参数错误: 时间跨度不能超过30分钟');
      const page = Number(params.page ?? '1');
      const size = Number(params.page_size ?? '100');
      if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 100) return fail(10000, '参数错误: page/page_size');
      const at = (o: PddOrder) => { const r = parseChinaTime('updated_at', o.updated_at); return r.ok ? r.value / 1000 : Number.NaN; };
      const matching = [...orders.values()]
        .filter((o) => at(o) >= start && at(o) <= end)
        .sort((a, b) => at(a) - at(b) || (a.order_sn < b.order_sn ? -1 : 1));
      apiCalls.push({ type, ok: true });
      return JSON.stringify({ order_sn_increment_get_response: {
        total_count: matching.length,
        has_next: page * size < matching.length,
        order_sn_list: matching.slice((page - 1) * size, page * size),
      } });
    }
    if (type === 'pdd.logistics.online.send') {
      if (faults[0] === 'rate-limit') { faults.shift(); return fail(70031, '调用过于频繁，请调整调用频率'); }
      const order = params.order_sn ? orders.get(params.order_sn) : undefined;
      if (!order) return fail(50000, '订单不存在');
      if (order.order_status !== 1) return fail(50000, order.order_status >= 2 ? '订单已发货，请勿重复发货' : '订单状态不允许发货');
      if (order.refund_status !== 1) return fail(50000, '订单售后中，不允许发货');
      if (!KNOWN_LOGISTICS.has(params.logistics_id ?? '')) return fail(10000, '参数错误: logistics_id 不存在');
      if (!params.tracking_number) return fail(10000, '参数错误: tracking_number 不能为空');
      orders.set(order.order_sn, { ...withPddStatus(order, { order_status: 2 }, new Date()), tracking_number: params.tracking_number });
      shipments.push({ orderSn: order.order_sn, logisticsId: params.logistics_id!, trackingNumber: params.tracking_number });
      apiCalls.push({ type, ok: true });
      return JSON.stringify({ logistics_online_send_response: { is_success: true } });
    }
    return fail(10000, `未知接口 ${type}`);
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sim');
      if (url.pathname !== '/api/router' || req.method !== 'POST') { res.writeHead(404).end(); return; }
      const text = await readBody(req);
      let params: Record<string, string>;
      try {
        params = (req.headers['content-type'] ?? '').includes('json')
          ? Object.fromEntries(Object.entries(JSON.parse(text) as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
          : Object.fromEntries(new URLSearchParams(text));
      } catch {
        res.writeHead(200, { 'content-type': 'application/json' }).end(errorResponse(10000, '参数错误'));
        return;
      }
      if (params.type === 'pdd.logistics.online.send' && faults[0] === 'server-error') {
        faults.shift();
        apiCalls.push({ type: params.type, ok: false, code: 503 });
        res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(answerApi(params));
    })();
  });

  const frameOf = (m: SimMessage) =>
    `{"id":${m.id},"commandType":"Common","time":${Date.now()},"sendTime":${m.sendTime},"message":{"type":${JSON.stringify(m.type)},"mallID":${m.mallId},"content":${JSON.stringify(m.content)}}}`;
  const deliver = (socket: WebSocket, m: SimMessage) => {
    m.deliveries++;
    m.lastSentAt = Date.now();
    socket.send(frameOf(m));
  };
  const anyClient = () => clients.values().next().value as WebSocket | undefined;

  const wss = new WebSocketServer({
    server,
    verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
      const m = /^\/message\/([^/]+)\/(\d+)\/([^/]+)$/.exec((info.req.url ?? '').split('?')[0]!);
      const reject = () => { refused++; done(false, 401, 'Unauthorized'); };
      if (!m) return reject();
      const [clientId, ts, sign] = [decodeURIComponent(m[1]!), m[2]!, decodeURIComponent(m[3]!)];
      if (clientId !== opts.clientId || Math.abs(Number(ts) - Date.now()) > tolerance) return reject();
      if (!safeEqual(sign, connectSignature(clientId, ts, opts.clientSecret))) return reject();
      done(true);
    },
  });
  wss.on('connection', (socket) => {
    clients.add(socket);
    for (const m of queue) if (!m.acked) deliver(socket, m);
    socket.on('message', (data: Buffer) => {
      let frame: { commandType?: unknown; id?: unknown };
      try {
        // Ids are beyond 2^53: compare them as text.
        frame = JSON.parse(data.toString('utf8').replace(/"id"\s*:\s*(\d+)/, '"id":"$1"')) as typeof frame;
      } catch {
        return;
      }
      if (frame.commandType === 'HeartBeat') socket.send(JSON.stringify({ commandType: 'HeartBeat', time: Date.now() }));
      if (frame.commandType === 'Ack') {
        const m = queue.find((x) => x.id === String(frame.id));
        if (m) m.acked = true;
      }
    });
    socket.on('close', () => { clients.delete(socket); });
  });
  const redelivery = setInterval(() => {
    const client = anyClient();
    if (!client) return;
    for (const m of queue) if (!m.acked && Date.now() - m.lastSentAt >= ackTimeoutMs) deliver(client, m);
  }, Math.max(10, Math.floor(ackTimeoutMs / 4)));

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiCalls,
    async close() {
      clearInterval(redelivery);
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    upsertOrder(order) { orders.set(order.order_sn, order); },
    order: (orderSn) => orders.get(orderSn),
    shipments,
    injectShipFaults(count, kind) { for (let i = 0; i < count; i++) faults.push(kind); },
    publish(type, orderSn, forMall = mallId) {
      if (!orders.has(orderSn)) throw new Error(`simulator: no order ${orderSn}`);
      const m: SimMessage = {
        id: String(nextId++), type, mallId: forMall, content: JSON.stringify({ tid: orderSn, mall_id: forMall }),
        sendTime: Date.now(), lastSentAt: 0, deliveries: 0, acked: false,
      };
      queue.push(m);
      const client = anyClient();
      if (client) deliver(client, m);
      return m.id;
    },
    messages: () => queue.map(({ id, type, deliveries, acked }) => ({ id, type, deliveries, acked })),
    connections: () => clients.size,
    refusedConnections: () => refused,
  };
}
