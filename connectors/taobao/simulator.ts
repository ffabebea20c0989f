/*
 * A faithful Taobao/Tmall channel simulator. Taobao's servers (TOP router, TMC message service)
 * cannot be reached from here, so this is built from their documented payloads and signing:
 * - TOP router: POST /router/rest, form or query parameters, TOP md5 signing, ±10 min timestamp
 *   window, error_response on failure; methods taobao.trades.sold.increment.get (modified-time
 *   window, paging, has_next) and taobao.trade.fullinfo.get.
 * - TMC: a WebSocket speaking the binary TMC frame (tmc-frame.ts): CONNECT with a signed
 *   app_key/group_name/timestamp → CONNECTACK with a token (or a status code and close); data
 *   frames with id/topic/content; the client's confirm removes a message; unconfirmed messages
 *   are redelivered after ackTimeoutMs, on reconnect, and on the client's pull request.
 * Ids above 2^53 are written as raw JSON numbers alongside tid_str/oid_str, as TOP does, so a
 * client that trusts the number gets a rounded id. The `fields` parameter is not honoured: every
 * response carries the full trade, receiver PII included, so the PII tests test something.
 * Payloads carry obviously fake personal data (SIM_PII); tests assert none of it leaks.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { text as readBody } from 'node:stream/consumers';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { fenToYuan, yuanToFen } from './money.js';
import type { TaobaoOrder, TaobaoTrade } from './payload.js';
import { safeEqual, topSign, verifyTopSign } from './signature.js';
import { formatChinaTime, parseChinaTime } from './timestamp.js';
import { byte, date, decodeFrame, encodeFrame, i64, MessageKind, MessageType, str, textOf, type TmcFrame } from './tmc-frame.js';

/** Company codes the simulated taobao.logistics.companies.get lists (a subset). */
const KNOWN_COMPANIES = new Set(['SF', 'ZTO', 'YTO', 'STO', 'YUNDA', 'EMS', 'JD', 'POSTB']);

export const SIM_PII = {
  buyerNick: 'tb_lin_xiaoyu_8842',
  receiverName: '林晓雨',
  receiverMobile: '13800138000',
  receiverPhone: '0571-88886666',
  receiverAddress: '文三路 477 号 华星科技大厦 12 楼 1203 室',
  receiverZip: '310012',
  buyerMessage: '请放快递柜, 电话联系林晓雨',
} as const;

export interface SimLine {
  outerSkuId?: string | null;
  skuId?: string | null;
  outerIid?: string | null;
  numIid?: number;
  num: number;
  /** Unit price, yuan string ("199.00"). */
  price: string;
  title?: string;
}

export interface SimTradeOptions {
  /** Decimal string; Taobao tids are 16–19 digits. */
  tid: string;
  lines: SimLine[];
  createdAt: Date;
  province?: string;
  city?: string;
  postFee?: string;
  /** Presale with deposit: type "step". */
  step?: boolean;
}

function sum(amounts: number[]): number {
  return amounts.reduce((a, b) => a + b, 0);
}

function fen(amount: string): number {
  const r = yuanToFen(amount);
  if (!r.ok) throw new Error(`simulator: ${r.reason}`);
  return r.value;
}

export function makeTaobaoTrade(opts: SimTradeOptions): TaobaoTrade {
  const created = formatChinaTime(opts.createdAt.getTime());
  const orders: TaobaoOrder[] = opts.lines.map((line, i) => {
    const lineFen = fen(line.price) * line.num;
    const oid = (BigInt(opts.tid) + BigInt(i + 1)).toString();
    return {
      oid_str: oid,
      num_iid: line.numIid ?? 600_000_000_000 + i,
      sku_id: line.skuId === undefined ? String(5_000_000_000_000 + i) : line.skuId,
      outer_sku_id: line.outerSkuId,
      outer_iid: line.outerIid,
      num: line.num,
      price: line.price,
      total_fee: fenToYuan(lineFen),
      payment: fenToYuan(lineFen),
      discount_fee: '0.00',
      adjust_fee: '0.00',
      refund_status: 'NO_REFUND',
      status: 'WAIT_BUYER_PAY',
      title: line.title ?? `商品 ${i + 1}`,
      pic_path: 'https://img.alicdn.com/sim.jpg',
    };
  });
  const goods = sum(orders.map((o) => fen(o.total_fee!)));
  const post = fen(opts.postFee ?? '0.00');
  return {
    tid_str: opts.tid,
    status: 'WAIT_BUYER_PAY',
    type: opts.step ? 'step' : 'fixed',
    ...(opts.step ? { step_trade_status: 'FRONT_NOPAID_FINAL_NOPAID', step_paid_fee: '0.00' } : {}),
    payment: fenToYuan(goods + post),
    total_fee: fenToYuan(goods),
    post_fee: fenToYuan(post),
    discount_fee: '0.00',
    created,
    modified: created,
    pay_time: null,
    seller_nick: 'omni旗舰店',
    buyer_nick: SIM_PII.buyerNick,
    buyer_message: SIM_PII.buyerMessage,
    receiver_name: SIM_PII.receiverName,
    receiver_mobile: SIM_PII.receiverMobile,
    receiver_phone: SIM_PII.receiverPhone,
    receiver_address: SIM_PII.receiverAddress,
    receiver_zip: SIM_PII.receiverZip,
    receiver_country: '',
    receiver_state: opts.province ?? '浙江省',
    receiver_city: opts.city ?? '杭州市',
    receiver_district: '西湖区',
    orders: { order: orders },
  };
}

/** The trade after a status change at `at` (lines follow the trade status, as Taobao shows them). */
export function withStatus(trade: TaobaoTrade, status: string, at: Date, extra: Partial<TaobaoTrade> = {}): TaobaoTrade {
  const modified = formatChinaTime(at.getTime());
  const paid = !['WAIT_BUYER_PAY', 'TRADE_NO_CREATE_PAY', 'TRADE_CLOSED_BY_TAOBAO', 'PAY_PENDING', 'WAIT_PRE_AUTH_CONFIRM'].includes(status);
  return {
    ...trade,
    status,
    modified,
    pay_time: paid ? (trade.pay_time ?? modified) : trade.pay_time,
    orders: { ...trade.orders, order: trade.orders.order.map((o) => ({ ...o, status })) },
    ...extra,
  };
}

/** A refund state on one line (orders.order[index].refund_status), at `at`. */
export function withLineRefund(trade: TaobaoTrade, index: number, refundStatus: string, at: Date): TaobaoTrade {
  return {
    ...trade,
    modified: formatChinaTime(at.getTime()),
    orders: { ...trade.orders, order: trade.orders.order.map((o, i) => (i === index ? { ...o, refund_status: refundStatus } : o)) },
  };
}

/** TOP's JSON: ids are numbers (possibly beyond 2^53) next to their exact *_str twins. */
export function topJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/"tid_str":"(\d+)"/g, '"tid":$1,"tid_str":"$1"')
    .replace(/"oid_str":"(\d+)"/g, '"oid":$1,"oid_str":"$1"');
}

/** The TMC content of a trade message: ids and a status only (plus the buyer's nick, as Taobao sends). */
export function tmcContent(trade: TaobaoTrade, topic: string): string {
  const first = trade.orders.order[0];
  const base = `{"buyer_nick":${JSON.stringify(SIM_PII.buyerNick)},"payment":${JSON.stringify(trade.payment)},"oid":${first?.oid_str ?? trade.tid_str},"tid":${trade.tid_str},"type":${JSON.stringify(trade.type ?? 'fixed')},"seller_nick":"omni旗舰店"`;
  if (topic.startsWith('taobao_refund_')) return `{"refund_id":${BigInt(trade.tid_str!) + 900n},"tid":${trade.tid_str},"oid":${first?.oid_str ?? trade.tid_str},"refund_fee":${JSON.stringify(trade.payment)},"seller_nick":"omni旗舰店","buyer_nick":${JSON.stringify(SIM_PII.buyerNick)}}`;
  return `${base},"status":${JSON.stringify(trade.status)}}`;
}

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
}

export interface SimMessageState {
  id: string;
  topic: string;
  deliveries: number;
  confirmed: boolean;
}

interface SimMessage extends SimMessageState {
  content: string;
  pubTime: number;
  lastSentAt: number;
}

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
}

function errorResponse(code: number, msg: string, subCode?: string, subMsg = msg): string {
  return JSON.stringify({ error_response: { code, msg, ...(subCode ? { sub_code: subCode, sub_msg: subMsg } : {}), request_id: randomBytes(6).toString('hex') } });
}

/** Trade states in which the seller can still ship (taobao.logistics.offline.send). */
const SHIPPABLE = new Set(['WAIT_SELLER_SEND_GOODS', 'SELLER_CONSIGNED_PART']);
/** States after shipment: a repeated send is answered "already shipped". */
const SHIPPED = new Set(['WAIT_BUYER_CONFIRM_GOODS', 'TRADE_BUYER_SIGNED', 'TRADE_FINISHED']);

export type ShipFault = 'server-error' | 'rate-limit';

export interface SimShipment {
  tid: string;
  outSid: string;
  companyCode: string;
}

export async function startTaobaoSimulator(opts: TaobaoSimulatorOptions): Promise<TaobaoSimulator> {
  const groupName = opts.groupName ?? 'default';
  const sellerId = opts.sellerId ?? '2200012345678';
  const ackTimeoutMs = opts.ackTimeoutMs ?? 5 * 60_000;
  const tolerance = opts.timestampToleranceMs ?? 10 * 60_000;
  const trades = new Map<string, TaobaoTrade>();
  const queue: SimMessage[] = [];
  const clients = new Map<WebSocket, string>(); // authenticated socket → token
  const apiCalls: TaobaoSimulator['apiCalls'] = [];
  const shipments: SimShipment[] = [];
  const faults: ShipFault[] = [];
  let nextId = 8_000_000_000_000_000_000n;

  function answerApi(params: Record<string, string>): string {
    const method = params.method ?? '';
    const fail = (code: number, msg: string, sub?: string, subMsg?: string) => { apiCalls.push({ method, ok: false, code }); return errorResponse(code, msg, sub, subMsg); };
    if (!method) return fail(21, 'Missing Method');
    if (!params.app_key) return fail(28, 'Missing App Key');
    if (params.app_key !== opts.appKey) return fail(29, 'Invalid App Key');
    if (!params.timestamp) return fail(30, 'Missing Timestamp');
    const ts = parseChinaTime('timestamp', params.timestamp);
    if (!ts.ok || Math.abs(ts.value - Date.now()) > tolerance) return fail(31, 'Invalid Timestamp');
    if (!params.sign) return fail(25, 'Invalid Signature');
    if (!verifyTopSign(params, opts.appSecret)) return fail(25, 'Invalid Signature');
    if (!params.session) return fail(26, 'Missing Session');
    if (params.session !== opts.sessionKey) return fail(27, 'Invalid Session');

    if (method === 'taobao.trade.fullinfo.get') {
      const trade = params.tid ? trades.get(params.tid) : undefined;
      if (!trade) return fail(15, 'Remote service error', 'isv.trade-not-exist');
      apiCalls.push({ method, ok: true });
      return topJson({ trade_fullinfo_get_response: { trade } });
    }
    if (method === 'taobao.trades.sold.increment.get') {
      const start = parseChinaTime('start_modified', params.start_modified ?? '');
      const end = parseChinaTime('end_modified', params.end_modified ?? '');
      if (!start.ok || !end.ok) return fail(40, 'Missing Required Arguments', 'isv.missing-parameter:start_modified/end_modified');
      if (end.value < start.value || end.value - start.value > 24 * 3600_000) return fail(41, 'Invalid Arguments', 'isv.invalid-parameter:time range exceeds one day');
      const page = Number(params.page_no ?? '1');
      const size = Number(params.page_size ?? '40');
      if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 100) return fail(41, 'Invalid Arguments', 'isv.invalid-parameter:page');
      const matching = [...trades.values()]
        .map((t) => ({ t, at: parseChinaTime('modified', t.modified) }))
        .filter((x) => x.at.ok && x.at.value >= start.value && x.at.value <= end.value)
        .sort((a, b) => (a.at.ok && b.at.ok ? a.at.value - b.at.value : 0) || (a.t.tid_str! < b.t.tid_str! ? -1 : 1))
        .map((x) => x.t);
      const slice = matching.slice((page - 1) * size, page * size);
      apiCalls.push({ method, ok: true });
      return topJson({ trades_sold_increment_get_response: {
        total_results: matching.length,
        has_next: page * size < matching.length,
        trades: { trade: slice },
      } });
    }
    if (method === 'taobao.logistics.offline.send') {
      if (faults[0] === 'rate-limit') { faults.shift(); return fail(7, 'App Call Limited', 'accesscontrol.limited-by-app-access-count', 'This ban will last for 1 more seconds'); }
      if (!params.tid || !params.out_sid || !params.company_code) return fail(40, 'Missing Required Arguments', 'isv.missing-parameter:tid/out_sid/company_code');
      const trade = trades.get(params.tid);
      if (!trade) return fail(15, 'Remote service error', 'isv.logistics-offline-service-error:B01', '订单不存在');
      if (SHIPPED.has(trade.status)) return fail(15, 'Remote service error', 'isv.logistics-offline-service-error:B04', '订单已发货,不能重复发货');
      if (!SHIPPABLE.has(trade.status)) return fail(15, 'Remote service error', 'isv.logistics-offline-service-error:B02', `交易状态${trade.status}不允许发货`);
      if (!KNOWN_COMPANIES.has(params.company_code)) return fail(15, 'Remote service error', 'isv.logistics-offline-service-error:S01', `物流公司${params.company_code}不存在`);
      trades.set(params.tid, withStatus(trade, 'WAIT_BUYER_CONFIRM_GOODS', new Date(), { consign_time: formatChinaTime(Date.now()) } as Partial<TaobaoTrade>));
      shipments.push({ tid: params.tid, outSid: params.out_sid, companyCode: params.company_code });
      apiCalls.push({ method, ok: true });
      return JSON.stringify({ logistics_offline_send_response: { shipping: { is_success: true } } });
    }
    return fail(22, 'Invalid Method');
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sim');
      if (url.pathname !== '/router/rest') { res.writeHead(404).end(); return; }
      const params: Record<string, string> = Object.fromEntries(url.searchParams);
      if (req.method === 'POST') Object.assign(params, Object.fromEntries(new URLSearchParams(await readBody(req))));
      if (params.method === 'taobao.logistics.offline.send' && faults[0] === 'server-error') {
        faults.shift();
        apiCalls.push({ method: params.method, ok: false, code: 502 });
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' }).end(answerApi(params));
    })();
  });

  const deliver = (socket: WebSocket, token: string, m: SimMessage) => {
    const frame: TmcFrame = {
      messageType: MessageType.SEND,
      token,
      content: {
        __kind: byte(MessageKind.Data),
        id: i64(BigInt(m.id)),
        topic: str(m.topic),
        content: str(m.content),
        pub_time: date(m.pubTime),
        pub_app_key: str('12497914'),
        user_id: i64(BigInt(sellerId)),
        nick: str('omni旗舰店'),
        outgoing_time: date(Date.now()),
      },
    };
    m.deliveries++;
    m.lastSentAt = Date.now();
    socket.send(encodeFrame(frame));
  };
  const anyClient = () => clients.entries().next().value as [WebSocket, string] | undefined;
  const flush = (onlyOverdue: boolean) => {
    const client = anyClient();
    if (!client) return;
    const now = Date.now();
    for (const m of queue) {
      if (m.confirmed) continue;
      if (m.deliveries === 0 || !onlyOverdue || now - m.lastSentAt >= ackTimeoutMs) deliver(client[0], client[1], m);
    }
  };

  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      const decoded = decodeFrame(data);
      if (!decoded.ok) { socket.close(1003, 'bad frame'); return; }
      const frame = decoded.value;
      if (frame.messageType === MessageType.CONNECT) {
        const p = Object.fromEntries(Object.entries(frame.content).map(([k, v]) => [k, textOf(v)]));
        const signed = { app_key: p.app_key, group_name: p.group_name, timestamp: p.timestamp };
        const refuse = (code: number, phrase: string) => {
          socket.send(encodeFrame({ messageType: MessageType.CONNECTACK, statusCode: code, statusPhrase: phrase, content: {} }));
          socket.close();
        };
        if (p.app_key !== opts.appKey) return refuse(401, 'invalid app_key');
        if (p.group_name !== groupName) return refuse(401, `unknown group ${p.group_name}`);
        if (!p.timestamp || !/^\d+$/.test(p.timestamp) || Math.abs(Number(p.timestamp) - Date.now()) > tolerance) return refuse(401, 'invalid timestamp');
        if (!p.sign || !safeEqual(p.sign.toUpperCase(), topSign(signed, opts.appSecret))) return refuse(401, 'invalid sign');
        const token = randomBytes(16).toString('hex');
        clients.set(socket, token);
        socket.send(encodeFrame({ messageType: MessageType.CONNECTACK, token, content: {} }));
        // A (re)connected client gets everything still unconfirmed.
        for (const m of queue) if (!m.confirmed) deliver(socket, token, m);
        return;
      }
      const token = clients.get(socket);
      if (!token || frame.token === undefined || !safeEqual(frame.token, token)) { socket.close(1008, 'invalid token'); return; }
      const kind = frame.content.__kind;
      const kindValue = kind && kind.t === 'byte' ? kind.v : undefined;
      if (frame.messageType === MessageType.SEND && kindValue === MessageKind.Confirm) {
        const id = textOf(frame.content.id);
        const m = queue.find((x) => x.id === id);
        if (m) m.confirmed = true;
      } else if (frame.messageType === MessageType.SEND && kindValue === MessageKind.PullRequest) {
        flush(true);
      }
    });
    socket.on('close', () => { clients.delete(socket); });
  });
  const redelivery = setInterval(() => flush(true), Math.max(10, Math.floor(ackTimeoutMs / 4)));

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
    shipments,
    trade: (tid) => trades.get(tid),
    injectShipFaults(count, kind) { for (let i = 0; i < count; i++) faults.push(kind); },
    upsertOrder(trade) {
      if (!trade.tid_str) throw new Error('simulator trades carry tid_str');
      trades.set(trade.tid_str, trade);
    },
    publish(topic, tid) {
      const trade = trades.get(tid);
      if (!trade) throw new Error(`simulator: no trade ${tid}`);
      const m: SimMessage = { id: String(nextId++), topic, content: tmcContent(trade, topic), pubTime: Date.now(), lastSentAt: 0, deliveries: 0, confirmed: false };
      queue.push(m);
      const client = anyClient();
      if (client) deliver(client[0], client[1], m);
      return m.id;
    },
    messages: () => queue.map(({ id, topic, deliveries, confirmed }) => ({ id, topic, deliveries, confirmed })),
    connections: () => clients.size,
  };
}
