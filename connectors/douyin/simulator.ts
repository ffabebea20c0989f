/*
 * A faithful Douyin shop (抖店) channel simulator. Douyin's servers cannot be reached from here, so
 * the connector is exercised against payloads, headers and an order query API built from what the
 * public SDKs document (README.md lists the sources and what stays unverified):
 *   - message pushes: a JSON array of {tag, msg_id, data} where data is a JSON string with bare
 *     int64 ids, headers app-id and event-sign = md5(app_key + body + app_secret);
 *   - order.searchList: POST with app_key/method/access_token/timestamp/v/sign_method/sign in the
 *     query string and param_json as the body, answered with bare int64 ids, code 10000.
 *
 * Orders carry obviously fake receiver data (SIM_PII) so tests can prove none of it leaks.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { text as readBody } from 'node:stream/consumers';
import type { AddressInfo } from 'node:net';
import type { InboundPush } from '../contract.js';
import type { DouyinPushBatch, DouyinShopOrder, DouyinSkuOrder } from './payload.js';
import { checkApiTimestamp, DEFAULT_TOLERANCE_MS, safeEqual, signDouyinApiRequest, signDouyinPush, type DouyinSignMethod } from './signature.js';

export const SIM_PII = {
  receiver: '测试员甲乙丙',
  phone: '13800000042',
  encryptedPhone: '#13800000042#SIMULATEDENC==#',
  street: '模拟街道办事处',
  detail: '仿真路 42 号 幻想小区 7 栋 701',
  encryptedDetail: '#仿真路42号#SIMULATEDENC==#',
  buyerWords: '请放在门卫处，联系测试员甲乙丙',
} as const;

export interface SimSku {
  skuId: string;
  outSkuId?: string;
  quantity: number;
  /** Unit price in fen. */
  priceFen: number;
  preSaleType?: number;
}

export interface SimDouyinOrderOptions {
  orderId: string;
  shopId?: string;
  skus: SimSku[];
  createdAt: Date;
  postFen?: number;
  province?: string;
  city?: string;
  tradeType?: number;
}

const secs = (d: Date) => Math.floor(d.getTime() / 1000);

export function makeDouyinOrder(opts: SimDouyinOrderOptions): DouyinShopOrder {
  const created = secs(opts.createdAt);
  const post = opts.postFen ?? 0;
  const goods = opts.skus.reduce((sum, s) => sum + s.priceFen * s.quantity, 0);
  const addr = {
    province: { name: opts.province ?? '浙江省', id: '33' },
    city: { name: opts.city ?? '杭州市', id: '330100' },
    town: { name: '西湖区', id: '330106' },
    street: { name: SIM_PII.street, id: '330106001' },
    detail: SIM_PII.detail,
    encrypt_detail: SIM_PII.encryptedDetail,
  };
  const skuOrders: DouyinSkuOrder[] = opts.skus.map((s, i) => ({
    order_id: `${opts.orderId.slice(0, -2)}${String(10 + i)}`,
    parent_order_id: opts.orderId,
    sku_id: s.skuId,
    product_id: `3${s.skuId.slice(1)}`,
    out_sku_id: s.outSkuId ?? '',
    code: s.outSkuId ?? '',
    item_num: s.quantity,
    origin_amount: s.priceFen,
    sum_amount: s.priceFen * s.quantity,
    pay_amount: s.priceFen * s.quantity,
    pre_sale_type: s.preSaleType ?? 0,
    trade_type: opts.tradeType ?? 0,
    order_status: 1,
    product_name: `模拟商品 ${i + 1}`,
    post_receiver: SIM_PII.receiver,
    post_tel: SIM_PII.phone,
    encrypt_post_tel: SIM_PII.encryptedPhone,
    post_addr: addr,
  }));
  return {
    order_id: opts.orderId,
    shop_id: opts.shopId ?? '77001234',
    shop_name: '模拟旗舰店',
    order_status: 1,
    order_status_desc: '待支付',
    create_time: created,
    update_time: created,
    pay_time: 0,
    finish_time: 0,
    order_amount: goods + post,
    pay_amount: goods + post,
    post_amount: post,
    promotion_amount: 0,
    sku_order_list: skuOrders,
    order_phase_list: [],
    post_addr: addr,
    mask_post_addr: { ...addr, detail: '仿***号', encrypt_detail: undefined, street: { name: '模***处', id: '330106001' } },
    post_receiver: SIM_PII.receiver,
    encrypt_post_receiver: '#测试员#SIMULATEDENC==#',
    post_tel: SIM_PII.phone,
    encrypt_post_tel: SIM_PII.encryptedPhone,
    buyer_words: SIM_PII.buyerWords,
    doudian_open_id: 'SIMopenid0042',
  };
}

const STATUS_DESC: Record<number, string> = { 1: '待支付', 105: '已支付', 2: '备货中', 101: '部分发货', 3: '已发货', 4: '已取消', 5: '已完成' };

/** The order as the query API would return it after a status change at `at`. */
export function withDouyinStatus(order: DouyinShopOrder, orderStatus: number, at: Date, mainStatus?: number): DouyinShopOrder {
  const t = secs(at);
  const next: DouyinShopOrder = {
    ...order,
    order_status: orderStatus,
    order_status_desc: STATUS_DESC[orderStatus] ?? String(orderStatus),
    update_time: t,
    sku_order_list: order.sku_order_list.map((s) => ({ ...s, order_status: orderStatus })),
  };
  if (mainStatus !== undefined) next.main_status = mainStatus;
  if (orderStatus === 105 || orderStatus === 2) next.pay_time = next.pay_time || t;
  if (orderStatus === 5) next.finish_time = t;
  return next;
}

// ---------------------------------------------------------------------------------------------
// Message pushes

/** One event of a push batch, exactly as the schema types it. */
export type DouyinEvent = DouyinPushBatch[number];

/** JSON text with the listed keys' digit-string values written as bare numbers, as Douyin does. */
export function withBareIds(value: unknown, keys: readonly string[]): string {
  let text = JSON.stringify(value);
  for (const key of keys) {
    text = text.replace(new RegExp(`("${key}":)"(\\d+)"`, 'g'), '$1$2');
    text = text.replace(new RegExp(`("${key}":\\[)([^\\]]*)(\\])`, 'g'), (_m, h: string, body: string, t: string) => `${h}${body.replace(/"(\d+)"/g, '$1')}${t}`);
  }
  return text;
}

const TAG_TIME: Record<string, string> = {
  '100': 'create_time', '101': 'pay_time', '102': 'update_time', '103': 'complete_time',
  '105': 'update_time', '106': 'cancel_time', '108': 'update_time', '109': 'modify_time',
};

/**
 * One order message for `order` (its current status), the way the message service sends it.
 * msg_id is derived from tag + order + time, so a redelivery of the same message keeps it.
 */
export function douyinOrderMessage(tag: string, order: DouyinShopOrder, at: Date = new Date(order.update_time * 1000)): DouyinEvent {
  const data: Record<string, unknown> = {
    biz: 2,
    order_status: order.order_status,
    order_type: 0,
    p_id: order.order_id,
    s_ids: order.sku_order_list.map((s) => s.order_id),
    shop_id: String(order.shop_id),
  };
  const timeField = TAG_TIME[tag];
  if (timeField) data[timeField] = secs(at);
  if (tag === '101') Object.assign(data, { pay_amount: order.pay_amount, pay_type: 1 });
  if (tag === '106') data.cancel_reason = '买家取消';
  if (tag === '109') Object.assign(data, { total_amount: order.pay_amount, post_amount: order.post_amount ?? 0 });
  if (tag === '102' || tag === '105') {
    data.receiver_msg = { name: SIM_PII.receiver, tel: SIM_PII.phone, addr: JSON.stringify(order.post_addr) };
  }
  const text = withBareIds(data, ['p_id', 's_ids', 'shop_id']);
  const msgId = createHash('sha256').update(`${tag}|${order.order_id}|${secs(at)}`).digest('hex').slice(0, 19);
  return { tag, msg_id: `7${msgId.replace(/[a-f]/g, (c) => String(c.charCodeAt(0) % 10))}`, data: text };
}

export interface SimulatedPush {
  headers: Record<string, string>;
  body: string;
}

export function douyinPush(events: DouyinEvent[], appKey: string, appSecret: string): SimulatedPush {
  const body = JSON.stringify(events);
  return {
    headers: { 'Content-Type': 'application/json', 'app-id': appKey, 'event-sign': signDouyinPush(body, appKey, appSecret) },
    body,
  };
}

export function toInboundPush(push: SimulatedPush, receivedAt: number): InboundPush {
  const headers: InboundPush['headers'] = {};
  for (const [name, value] of Object.entries(push.headers)) headers[name.toLowerCase()] = value;
  return { headers, rawBody: Buffer.from(push.body, 'utf8'), receivedAt };
}

// ---------------------------------------------------------------------------------------------
// Order query API server

export interface DouyinSimulatorOptions {
  port?: number;
  appKey: string;
  appSecret: string;
  accessToken: string;
  toleranceMs?: number;
  now?: () => number;
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
}

export type ShipFault = 'server-error' | 'rate-limit';

export interface SimShipment {
  orderId: string;
  companyCode: string;
  logisticsCode: string;
}

/** Courier codes the simulated shop has enabled (a subset). */
const KNOWN_COMPANIES = new Set(['shunfeng', 'zhongtong', 'yuantong', 'jd', 'yunda', 'shentong', 'ems']);
const METHOD_PATHS: Readonly<Record<string, string>> = { 'order.searchList': '/order/searchList', 'order.logisticsAdd': '/order/logisticsAdd' };

/** Douyin's error envelope (code values UNVERIFIED, shape from BaseDoudianOpApiResponse). */
function apiError(code: number, msg: string, subCode: string, subMsg: string) {
  return { code, msg, sub_code: subCode, sub_msg: subMsg, log_id: 'SIMLOG0000000000000000', data: null };
}

export async function startDouyinSimulator(opts: DouyinSimulatorOptions): Promise<DouyinSimulator> {
  const orders = new Map<string, DouyinShopOrder>();
  const calls: DouyinSimulator['calls'] = [];
  const shipments: SimShipment[] = [];
  const faults: ShipFault[] = [];
  const now = opts.now ?? Date.now;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const paramJson = await readBody(req);
    const answer = (body: unknown, code: number, page: number | null) => {
      calls.push({ method: url.searchParams.get('method') ?? '', page, code });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const route = Object.entries(METHOD_PATHS).find(([, path]) => path === url.pathname)?.[0];
    if (req.method !== 'POST' || !route) {
      return answer(apiError(40001, '不存在的方法名', 'isv.method-not-exist', url.pathname), 40001, null);
    }
    const q = (k: string) => url.searchParams.get(k) ?? '';
    if (route === 'order.logisticsAdd' && faults[0] === 'server-error') {
      faults.shift();
      calls.push({ method: route, page: null, code: 503 });
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('Service Unavailable');
      return;
    }
    if (q('app_key') !== opts.appKey) return answer(apiError(30001, 'app_key不存在', 'isv.app-key-not-exist', ''), 30001, null);
    if (q('method') !== route || q('v') !== '2') return answer(apiError(40002, '参数错误', 'isv.parameter-invalid', 'method/v'), 40002, null);
    const signMethod = (q('sign_method') || 'md5') as DouyinSignMethod;
    if (signMethod !== 'md5' && signMethod !== 'hmac-sha256') return answer(apiError(40002, '参数错误', 'isv.parameter-invalid', 'sign_method'), 40002, null);
    const expected = signDouyinApiRequest({ appKey: opts.appKey, appSecret: opts.appSecret, method: q('method'), paramJson, timestamp: q('timestamp'), signMethod });
    if (!safeEqual(q('sign').toLowerCase(), expected)) return answer(apiError(30002, '验签失败', 'isv.signature-invalid', 'sign不合法'), 30002, null);
    const fresh = checkApiTimestamp(q('timestamp'), now(), opts.toleranceMs ?? DEFAULT_TOLERANCE_MS);
    if (!fresh.ok) return answer(apiError(30003, '时间戳过期', 'isv.timestamp-invalid', fresh.reason), 30003, null);
    if (q('access_token') !== opts.accessToken) return answer(apiError(30004, 'access_token不合法', 'isv.access-token-invalid', ''), 30004, null);

    if (route === 'order.logisticsAdd') {
      const r = logisticsAdd(paramJson);
      return answer(r, r.code, null);
    }
    let params: { update_time_start?: number; update_time_end?: number; page?: number; size?: number };
    try {
      params = JSON.parse(paramJson);
    } catch {
      return answer(apiError(40002, '参数错误', 'isv.parameter-invalid', 'param_json'), 40002, null);
    }
    const page = params.page ?? 0;
    const size = Math.min(params.size ?? 10, 100);
    const start = params.update_time_start ?? 0;
    const end = params.update_time_end ?? Number.MAX_SAFE_INTEGER;
    const matching = [...orders.values()]
      .filter((o) => o.update_time >= start && o.update_time <= end)
      .sort((a, b) => a.update_time - b.update_time || (a.order_id < b.order_id ? -1 : 1));
    const slice = matching.slice(page * size, page * size + size);
    const body = { code: 10000, msg: 'success', sub_code: '', sub_msg: '', log_id: 'SIMLOG0000000000000001', data: { page, size, total: matching.length, shop_order_list: slice } };
    return answer(withBareIds(body, ['sku_id', 'product_id', 'shop_id']), 10000, page);
  };

  /** 订单发货: a paid order (备货中 / 部分发货) moves to 已发货 at the current time. */
  function logisticsAdd(paramJson: string) {
    if (faults[0] === 'rate-limit') { faults.shift(); return apiError(50002, '服务繁忙', 'isp.flow-limit', '当前请求过于频繁，请稍后重试'); }
    let p: { order_id?: unknown; company_code?: unknown; logistics_code?: unknown };
    try {
      p = JSON.parse(paramJson);
    } catch {
      return apiError(40002, '参数错误', 'isv.parameter-invalid', 'param_json');
    }
    const order = orders.get(String(p.order_id ?? ''));
    if (!order) return apiError(50002, '业务处理失败', 'isv.business-failed:order-not-exist', '订单不存在');
    if (order.order_status === 3 || order.order_status === 5) return apiError(50002, '业务处理失败', 'isv.business-failed:order-shipped', '订单已发货，请勿重复发货');
    if (order.order_status !== 2 && order.order_status !== 101) return apiError(50002, '业务处理失败', 'isv.business-failed:status', `订单状态${order.order_status}不允许发货`);
    if (!KNOWN_COMPANIES.has(String(p.company_code ?? ''))) return apiError(40002, '参数错误', 'isv.parameter-invalid:company_code', '物流公司不存在');
    if (!p.logistics_code) return apiError(40002, '参数错误', 'isv.parameter-invalid:logistics_code', '运单号不能为空');
    orders.set(order.order_id, withDouyinStatus(order, 3, new Date(now())));
    shipments.push({ orderId: order.order_id, companyCode: String(p.company_code), logisticsCode: String(p.logistics_code) });
    return { code: 10000, msg: 'success', sub_code: '', sub_msg: '', log_id: 'SIMLOG0000000000000002', data: {} };
  }

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
    upsertOrder: (order) => orders.set(order.order_id, structuredClone(order)),
    order: (orderId) => orders.get(orderId),
    shipments,
    injectShipFaults: (count, kind) => { for (let i = 0; i < count; i++) faults.push(kind); },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
