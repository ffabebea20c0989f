/*
 * A faithful Meituan Waimai channel simulator. Meituan's servers cannot be reached from here, so
 * the connector is exercised against payloads, pushes and an order API built from what Meituan
 * documents and what its integrators' code shows (README.md lists the sources and what is
 * unverified):
 *   - order pushes: POST to the merchant's callback URL, system parameters app_id / timestamp / sig
 *     in the query, order fields form-encoded in the body with every value encoded twice, signed
 *     md5(callbackUrl + "?" + sorted k=v… + secret);
 *   - the order API: GET order/getOrderIdByDaySeq and order/getOrderDetail, signed the same way
 *     (url = endpoint without query); a bad sig is answered {"data":"ng","error":{"code":703,…}}.
 *     order_id and money are bare JSON numbers, as Meituan sends them (ids beyond 2^53 included);
 *   - sync-back: POST ecommerce/order/logistics/sync (自配送 delivery info), signed the same way,
 *     which sets the order's logistics_status and utime, with injectable faults.
 *
 * Orders carry obviously fake personal data (SIM_PII) so tests can prove none of it leaks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { text as readBody } from 'node:stream/consumers';
import type { AddressInfo } from 'node:net';
import type { InboundPush } from '../contract.js';
import { formEncode, parseForm } from './form.js';
import { fenToYuan, yuanToFen } from './money.js';
import type { MeituanOrder } from './payload.js';
import { LOGISTICS_SYNC_PATH, MEITUAN_SHIP_CODES } from './ship.js';
import { meituanSig, verifyMeituanParams } from './signature.js';
import { chinaDateOf } from './timestamp.js';

export const SIM_PII = {
  recipientName: '蔺测试(先生)',
  recipientPhone: '13800000000_4321',
  backupPhone: '13900000000_8765',
  recipientAddress: '模拟大道1号测试大厦B座1901@#上海市上海市浦东新区模拟大道1号',
  detailAddress: '模拟大道1号测试大厦B座1901',
  caution: '【如遇缺货】：缺货时电话与我沟通 收餐人隐私号 13800000000_4321，手机号 138****0000',
  invoiceTitle: '蔺测试个人',
  taxpayerId: '91310000TEST00001X',
  latitude: '31230416',
  longitude: '121473701',
  riderName: '骑手测试员甲',
  riderPhone: '13700000000_2468',
} as const;

export interface SimLine {
  sku_id?: string;
  app_food_code?: string;
  name?: string;
  quantity: number;
  /** Unit price, yuan ("25.5"). */
  price: string;
  boxNum?: number;
  boxPrice?: string;
}

export interface SimOrderOptions {
  /** Decimal string; may exceed 2^53. */
  orderId: string;
  wmOrderIdView?: string;
  appPoiCode: string;
  lines: SimLine[];
  createdAt: Date;
  status?: string;
  /** yuan */
  shippingFee?: string;
  presale?: boolean;
  /** A region in recipient_address_detail (medical B2C orders); null omits the field. */
  region?: { province: string; city: string } | null;
}

const seconds = (d: Date) => String(Math.floor(d.getTime() / 1000));

export function makeMeituanOrder(opts: SimOrderOptions): MeituanOrder {
  const fen = (yuan: string) => {
    const parsed = yuanToFen(yuan);
    if (!parsed.ok) throw new Error(`simulator: ${parsed.reason}`);
    return parsed.value;
  };
  const goods = opts.lines.reduce((sum, l) => sum + fen(l.price) * l.quantity + fen(l.boxPrice ?? '0') * (l.boxNum ?? 0), 0);
  const shipping = fen(opts.shippingFee ?? '0');
  const detail = opts.lines.map((l, i) => ({
    app_food_code: l.app_food_code ?? '',
    box_num: l.boxNum ?? 0,
    box_price: Number(l.boxPrice ?? '0'),
    cart_id: 0,
    food_discount: 1,
    food_name: l.name ?? `菜品${i + 1}`,
    food_property: '',
    price: Number(l.price),
    quantity: l.quantity,
    sku_id: l.sku_id ?? '',
    spec: '',
    unit: '份',
  }));
  const created = seconds(opts.createdAt);
  const order: MeituanOrder = {
    order_id: opts.orderId,
    wm_order_id_view: opts.wmOrderIdView ?? opts.orderId,
    app_poi_code: opts.appPoiCode,
    wm_poi_name: '模拟门店',
    wm_poi_address: '门店测试地址',
    wm_poi_phone: '021-00000000',
    recipient_address: SIM_PII.recipientAddress,
    recipient_phone: SIM_PII.recipientPhone,
    backup_recipient_phone: JSON.stringify([SIM_PII.backupPhone]),
    recipient_name: SIM_PII.recipientName,
    shipping_fee: fenToYuan(shipping),
    total: fenToYuan(goods + shipping),
    original_price: fenToYuan(goods + shipping),
    caution: SIM_PII.caution,
    shipper_phone: '',
    status: opts.status ?? '2',
    city_id: '310100',
    has_invoiced: '1',
    invoice_title: SIM_PII.invoiceTitle,
    taxpayer_id: SIM_PII.taxpayerId,
    ctime: created,
    utime: created,
    delivery_time: '0',
    is_third_shipping: '0',
    pay_type: '2',
    pick_type: '0',
    latitude: SIM_PII.latitude,
    longitude: SIM_PII.longitude,
    day_seq: '0',
    is_favorites: 'false',
    is_poi_first_order: 'false',
    is_pre_sale_order: opts.presale ? 'true' : 'false',
    dinners_number: '0',
    logistics_code: '1001',
    detail: JSON.stringify(detail),
    extras: JSON.stringify([{ mt_charge: 0, poi_charge: 0, reduce_fee: 0, remark: '', type: 0 }]),
    avg_send_time: '1800',
  };
  if (opts.region) {
    order.recipient_address_detail = JSON.stringify({
      province: opts.region.province, city: opts.region.city, area: '浦东新区', town: '模拟街道', detail_address: SIM_PII.detailAddress,
    });
  }
  return order;
}

/** The order as Meituan reports it after a status (and optionally delivery status) change at `at`. */
export function withStatus(order: MeituanOrder, status: string, at: Date, logisticsStatus?: string): MeituanOrder {
  const next: MeituanOrder = { ...order, status, utime: seconds(at) };
  if (logisticsStatus === undefined) delete next.logistics_status;
  else next.logistics_status = logisticsStatus;
  return next;
}

export interface SimulatedPush {
  headers: Record<string, string>;
  query: Record<string, string>;
  body: string;
}

export interface PushSigning {
  appId: string;
  secret: string;
  /** The callback URL registered with Meituan (scheme://host/path). */
  pushUrl: string;
  /** Epoch seconds; defaults to now. */
  timestamp?: number;
}

/** One order push as Meituan sends it: system params in the query, order fields double-encoded in the body. */
export function meituanPush(order: MeituanOrder, signing: PushSigning): SimulatedPush {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(order)) if (typeof v === 'string') fields[k] = v;
  return meituanFieldsPush(fields, signing);
}

/** Any push (full order or slim) from its fields, signed and encoded like an order push. */
export function meituanFieldsPush(fields: Readonly<Record<string, string>>, signing: PushSigning): SimulatedPush {
  const timestamp = String(signing.timestamp ?? Math.floor(Date.now() / 1000));
  const system = { app_id: signing.appId, timestamp };
  const sig = meituanSig(signing.pushUrl, { ...fields, ...system }, signing.secret);
  const body = Object.entries(fields).map(([k, v]) => `${formEncode(k)}=${formEncode(formEncode(v))}`).join('&');
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    query: { ...system, sig },
    body,
  };
}

/* ------------------------------------------------------------------ slim pushes (fields as documented, README "Slim pushes") */

/** 取消订单推送. deal_op_type: 1 user, 2 merchant, 3 support, 4 BD, 5 system, 6 open platform. */
export function cancellationFields(orderId: string, reasonCode = '1002', reason = '用户取消', dealOpType = '1'): Record<string, string> {
  return { order_id: orderId, reason_code: reasonCode, reason, deal_op_type: dealOpType };
}

/** 全额退款推送 (partial: pass money and food, 部分退款推送). notify_type apply/agree/reject/cancelRefund/cancelRefundComplaint. */
export function refundFields(orderId: string, notifyType: string, at: Date, partial?: { money: string; food: string }): Record<string, string> {
  const resType: Record<string, string> = { apply: '0', agree: '2', reject: '1', cancelRefund: '7', cancelRefundComplaint: '8' };
  return {
    order_id: orderId, notify_type: notifyType, refund_id: '90010001', ctime: seconds(at), reason: '商品少送', res_type: resType[notifyType] ?? '0',
    is_appeal: '0', pictures: '[]', service_type: '0', ...(partial ?? {}),
  };
}

/** 退款状态推送: refund_status 3 full success, 4 full failure, 13 partial success, 14 partial failure. */
export function refundStatusFields(orderId: string, refundStatus: string, appliedAt: Date, updatedAt: Date): Record<string, string> {
  return { order_id: orderId, refund_id: '90010001', refund_status: refundStatus, money: '25.5', ctime: seconds(appliedAt), utime: seconds(updatedAt) };
}

/** 配送状态推送 (美配): the rider's name and phone are PII and must never leave the connector. */
export function logisticsFields(orderId: string, logisticsStatus: string, at: Date): Record<string, string> {
  return {
    order_id: orderId, wm_order_id_view: orderId, logistics_status: logisticsStatus, time: seconds(at),
    dispatcher_name: SIM_PII.riderName, dispatcher_mobile: SIM_PII.riderPhone,
  };
}

export function toInboundPush(push: SimulatedPush, receivedAt: number): InboundPush {
  return { headers: { ...push.headers }, query: { ...push.query }, rawBody: Buffer.from(push.body, 'utf8'), receivedAt };
}

/* ------------------------------------------------------------------ order API server */

/** Fields Meituan's order API writes as JSON numbers / booleans rather than strings. */
const NUMERIC = new Set([
  'order_id', 'wm_order_id_view', 'status', 'logistics_status', 'ctime', 'utime', 'total', 'original_price', 'shipping_fee',
  'city_id', 'has_invoiced', 'delivery_time', 'is_third_shipping', 'pay_type', 'pick_type', 'latitude', 'longitude',
  'day_seq', 'dinners_number', 'avg_send_time',
]);
const BOOLEAN = new Set(['is_favorites', 'is_poi_first_order', 'is_pre_sale_order']);

/** Renders an order the way order/getOrderDetail does: numbers bare (bigints included), booleans bare. */
export function renderOrderDetailJson(order: MeituanOrder): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(order)) {
    if (typeof v !== 'string') continue;
    const raw = (NUMERIC.has(k) && /^-?\d+(\.\d+)?$/.test(v)) || (BOOLEAN.has(k) && (v === 'true' || v === 'false'));
    parts.push(`${JSON.stringify(k)}:${raw ? v : JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Faults the logistics-sync endpoint can be told to answer with, for the next n calls. */
export type MeituanSimFault = 'server-error' | 'rate-limit';

/** One accepted ecommerce/order/logistics/sync call: its application parameters. */
export type MeituanSimShipment = Record<string, string>;

export interface MeituanSimulator {
  url: string;
  /** What shop.endpoint should be: `${url}/api/v1`. */
  apiBase: string;
  upsertOrder(order: MeituanOrder): void;
  /** Signed requests answered (rejected ones included). */
  requestCount(): number;
  /** Accepted logistics syncs, in order (a repeat is accepted and recorded again, as an update). */
  readonly shipments: MeituanSimShipment[];
  /** The next `times` logistics-sync calls answer with `fault` instead of being processed. */
  failNext(fault: MeituanSimFault, times?: number): void;
  close(): Promise<void>;
}

/** logistics_provider_code values of docDetail/355 (10001 顺丰 … 10017 其他, 10032 美团跑腿). */
export const SIM_LOGISTICS_PROVIDERS: ReadonlySet<string> = new Set([
  ...Array.from({ length: 17 }, (_, i) => String(10001 + i)), '10032',
]);
const SIM_LOGISTICS_STATUSES = new Set(['0', '1', '5', '10', '15', '20', '40', '100']);
const SYNC_REQUIRED = ['order_id', 'third_carrier_order_id', 'courier_name', 'courier_phone', 'logistics_provider_code', 'logistics_status', 'latitude', 'longitude'];

export interface MeituanSimulatorOptions {
  port?: number;
  appId: string;
  secret: string;
  toleranceSeconds?: number;
}

export async function startMeituanSimulator(opts: MeituanSimulatorOptions): Promise<MeituanSimulator> {
  const orders = new Map<string, MeituanOrder>();
  /** `${app_poi_code}|${yyyymmdd}` → order ids by day sequence (index + 1). */
  const daySeqs = new Map<string, string[]>();
  let requests = 0;
  let base = '';
  const shipments: MeituanSimShipment[] = [];
  const faults: MeituanSimFault[] = [];

  /** 自配送同步配送信息: a confirmed (4) order takes the delivery state; utime moves. */
  const syncLogistics = (res: ServerResponse, params: Record<string, string>) => {
    const missing = SYNC_REQUIRED.filter((k) => !params[k]);
    if (missing.length > 0) return ng(res, 701, `缺少参数: ${missing.join(',')}`);
    if (!SIM_LOGISTICS_PROVIDERS.has(params.logistics_provider_code!)) return ng(res, 701, 'logistics_provider_code不合法');
    if (!SIM_LOGISTICS_STATUSES.has(params.logistics_status!)) return ng(res, 701, 'logistics_status不合法');
    const order = orders.get(params.order_id!);
    if (!order) return ng(res, MEITUAN_SHIP_CODES.orderNotFound, '订单不存在');
    if (order.status !== '4') return ng(res, MEITUAN_SHIP_CODES.statusForbids, `订单状态不允许同步配送信息: ${order.status}`);
    orders.set(order.order_id, { ...order, logistics_status: params.logistics_status!, utime: String(Math.floor(Date.now() / 1000)) });
    shipments.push(Object.fromEntries(SYNC_REQUIRED.map((k) => [k, params[k]!])));
    return send(res, '{"data":"ok"}');
  };

  const send = (res: ServerResponse, body: string) => {
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
    res.end(body);
  };
  const ng = (res: ServerResponse, code: number, msg: string) => send(res, JSON.stringify({ data: 'ng', error: { code, msg } }));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    requests += 1;
    const url = new URL(req.url ?? '/', base);
    const params: Record<string, string> = {};
    for (const [k, v] of url.searchParams) params[k] = v;
    if (req.method === 'POST') {
      // Our API calls: system parameters in the query, application parameters in a (once-encoded) form body.
      const form = parseForm(await readBody(req));
      if (!form.ok) return ng(res, 701, form.reason);
      for (const [k, v] of form.value) {
        if (Object.hasOwn(params, k)) return ng(res, 701, `参数重复: ${k}`);
        params[k] = v;
      }
    }
    if (req.method === 'POST' && url.pathname === `/api/v1/${LOGISTICS_SYNC_PATH}`) {
      const fault = faults.shift();
      if (fault === 'server-error') {
        res.writeHead(502, { 'content-type': 'text/html' });
        return void res.end('<html>502 Bad Gateway</html>');
      }
      if (fault === 'rate-limit') return ng(res, MEITUAN_SHIP_CODES.rateLimited, '超过流量限制');
    }
    if (!params.app_id || !params.timestamp || !params.sig) return ng(res, 701, '缺少参数，数据不完整');
    if (params.app_id !== opts.appId) return ng(res, 702, 'app_id不存在');
    const checked = verifyMeituanParams(params, {
      url: `${base}${url.pathname}`, secret: opts.secret, nowMs: Date.now(), toleranceSeconds: opts.toleranceSeconds,
    });
    if (!checked.ok) return ng(res, 703, '签名验证错误');

    if (req.method === 'POST' && url.pathname === `/api/v1/${LOGISTICS_SYNC_PATH}`) return syncLogistics(res, params);
    if (url.pathname === '/api/v1/order/getOrderIdByDaySeq') {
      const ids = daySeqs.get(`${params.app_poi_code}|${params.date_time}`) ?? [];
      const seq = Number(params.day_seq);
      const id = Number.isInteger(seq) && seq >= 1 ? ids[seq - 1] : undefined;
      if (!id) return ng(res, 808, '订单不存在');
      return send(res, `{"data":{"order_id":${id}}}`);
    }
    if (url.pathname === '/api/v1/order/getOrderDetail') {
      const order = orders.get(params.order_id ?? '');
      if (!order) return ng(res, 808, '订单不存在');
      return send(res, `{"data":${renderOrderDetailJson(order)}}`);
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: 'ng', error: { code: 404, msg: 'no such API' } }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => ng(res, 600, `内部错误: ${err.message}`));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    apiBase: `${base}/api/v1`,
    upsertOrder(order) {
      if (!orders.has(order.order_id)) {
        const key = `${order.app_poi_code}|${chinaDateOf(Number(order.ctime) * 1000)}`;
        const list = daySeqs.get(key) ?? [];
        list.push(order.order_id);
        daySeqs.set(key, list);
      }
      orders.set(order.order_id, order);
    },
    requestCount: () => requests,
    shipments,
    failNext(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
