/*
 * A faithful JD POP (JOS) channel simulator. JD's servers cannot be reached from here, so pull()
 * and the polling source are exercised against an order API built from what the JOS SDKs and
 * integrators document (README.md lists the sources and what is unverified):
 *   - POST (form) or GET https://api.jd.com/routerjson with method, app_key, access_token,
 *     timestamp ("yyyy-MM-dd HH:mm:ss", China time), v=2.0, 360buy_param_json and
 *     sign = UPPER(MD5(secret + sorted k+v + secret)); a bad sign or stale timestamp is answered
 *     {"error_response":{"code":"19",…}};
 *   - jingdong.pop.order.enSearch: start_date / end_date (inclusive) on modified (dateType 0) or
 *     orderStartTime (dateType 1), order_state list, page / page_size, sortType 0 asc / 1 desc;
 *     answer jingdong_pop_order_enSearch_responce.searchorderinfo_result {orderInfoList, orderTotal, apiResult}.
 *
 * Orders carry obviously fake personal data (SIM_PII) so tests can prove none of it leaks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { text as readBody } from 'node:stream/consumers';
import type { AddressInfo } from 'node:net';
import { fenToYuan, yuanToFen } from './money.js';
import type { JdOrder } from './payload.js';
import { verifyJdRequest } from './signature.js';
import { formatChinaTime, parseChinaTime } from './timestamp.js';

export const SIM_PII = {
  fullname: '京测试',
  mobile: '13700000000',
  telephone: '010-00000000',
  fullAddress: '北京市朝阳区模拟路88号测试小区3号楼2单元501',
  pin: 'jd_sim_buyer_pin_0042',
  remark: '请放快递柜，联系13700000000',
} as const;

export interface SimLine {
  skuId: string;
  outerSkuId?: string;
  quantity: number;
  /** yuan, "199.00" */
  price: string;
  name?: string;
}

export interface SimOrderOptions {
  orderId: string;
  lines: SimLine[];
  createdAt: Date;
  state?: string;
  /** yuan */
  freight?: string;
  /** yuan, merchant discount */
  discount?: string;
  province?: string;
  city?: string;
}

export function makeJdOrder(opts: SimOrderOptions): JdOrder {
  const fen = (y: string) => {
    const r = yuanToFen(y);
    if (!r.ok) throw new Error(`simulator: ${r.reason}`);
    return r.value;
  };
  const goods = opts.lines.reduce((s, l) => s + fen(l.price) * l.quantity, 0);
  const freight = fen(opts.freight ?? '0');
  const discount = fen(opts.discount ?? '0');
  const created = formatChinaTime(opts.createdAt.getTime());
  return {
    orderId: opts.orderId,
    venderId: '10086001',
    orderType: '22',
    payType: '4',
    orderTotalPrice: fenToYuan(goods),
    orderSellerPrice: fenToYuan(goods - discount),
    orderPayment: fenToYuan(goods - discount + freight),
    freightPrice: fenToYuan(freight),
    sellerDiscount: fenToYuan(discount),
    orderState: opts.state ?? 'WAIT_SELLER_STOCK_OUT',
    orderStateRemark: '',
    deliveryType: '任意时间',
    invoiceInfo: '不需要开具发票',
    orderRemark: SIM_PII.remark,
    orderStartTime: created,
    orderEndTime: '0001-01-01 00:00:00',
    paymentConfirmTime: created,
    modified: created,
    pin: SIM_PII.pin,
    consigneeInfo: {
      fullname: SIM_PII.fullname,
      telephone: SIM_PII.telephone,
      mobile: SIM_PII.mobile,
      fullAddress: SIM_PII.fullAddress,
      province: opts.province ?? '北京',
      city: opts.city ?? '朝阳区',
      county: '三环以内',
      town: '',
      provinceId: '1',
      cityId: '72',
    },
    itemInfoList: opts.lines.map((l, i) => ({
      skuId: l.skuId,
      outerSkuId: l.outerSkuId ?? '',
      skuName: l.name ?? `商品${i + 1}`,
      jdPrice: l.price,
      giftPoint: '0',
      wareId: `1000${l.skuId}`,
      itemTotal: String(l.quantity),
      productNo: '',
    })),
    couponDetailList: [],
    orderSource: '移动端订单',
    storeOrder: '',
  };
}

/** The order after a state change at `at` (modified moves with it). */
export function withState(order: JdOrder, state: string, at: Date): JdOrder {
  return { ...order, orderState: state, modified: formatChinaTime(at.getTime()) };
}

export interface JdSimulator {
  /** What shop.endpoint should be. */
  url: string;
  upsertOrder(order: JdOrder): void;
  /** The stored version of an order (after shipments). */
  order(orderId: string): JdOrder | undefined;
  requestCount(): number;
  /** Successful jingdong.pop.order.shipment calls. */
  shipments: SimShipment[];
  /** The next `count` jingdong.pop.order.shipment calls fail: HTTP 503, or router code 67 (call limit). */
  injectShipFaults(count: number, kind: ShipFault): void;
  close(): Promise<void>;
}

export type ShipFault = 'server-error' | 'rate-limit';

export interface SimShipment {
  orderId: string;
  logiCoprId: string;
  logiNo: string;
}

/** States in which the vendor ships (出库); and the ones after it, where a repeat is "already shipped". */
const SHIPPABLE = new Set(['WAIT_SELLER_STOCK_OUT']);
const SHIPPED = new Set(['SEND_TO_DISTRIBUTION_CENER', 'DISTRIBUTION_CENTER_RECEIVED', 'WAIT_GOODS_RECEIVE_CONFIRM', 'RECEIPTS_CONFIRM', 'FINISHED_L']);
/** Company ids the simulated vendor has enabled. */
const KNOWN_COMPANIES = new Set(['467', '1499', '463', '2087', '1327', '470', '465']);

export interface JdSimulatorOptions {
  port?: number;
  appKey: string;
  secret: string;
  accessToken: string;
  toleranceSeconds?: number;
}

export async function startJdSimulator(opts: JdSimulatorOptions): Promise<JdSimulator> {
  const orders = new Map<string, JdOrder>();
  const shipments: SimShipment[] = [];
  const faults: ShipFault[] = [];
  let requests = 0;

  const send = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, code: string, zh: string, en: string) => send(res, { error_response: { code, zh_desc: zh, en_desc: en } });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    requests += 1;
    const url = new URL(req.url ?? '/', 'http://sim');
    const params: Record<string, string> = {};
    for (const [k, v] of url.searchParams) params[k] = v;
    if (req.method === 'POST') for (const [k, v] of new URLSearchParams(await readBody(req))) params[k] = v;
    if (url.pathname !== '/routerjson') return error(res, '66', '请求的API不存在', 'Invalid method');
    if (params.app_key !== opts.appKey) return error(res, '15', '无效的app_key', 'Invalid app key');
    const signed = verifyJdRequest(params, opts.secret, Date.now(), opts.toleranceSeconds);
    if (!signed.ok) return error(res, '19', '无效签名', 'Invalid signature');
    if (params.access_token !== opts.accessToken) return error(res, '18', '无效的access_token', 'Invalid access token');
    if (params.method === 'jingdong.pop.order.shipment') {
      const fault = faults.shift();
      if (fault === 'server-error') { res.writeHead(503, { 'content-type': 'text/plain' }); res.end('Service Unavailable'); return; }
      if (fault === 'rate-limit') return error(res, '67', '调用次数超限', 'Call limit exceeded');
      return send(res, { jingdong_pop_order_shipment_responce: { code: '0', sopjosshipment_result: ship(params) } });
    }
    if (params.method !== 'jingdong.pop.order.enSearch') return error(res, '66', '请求的API不存在', 'Invalid method');

    let biz: Record<string, unknown>;
    try {
      biz = JSON.parse(params['360buy_param_json'] ?? '{}') as Record<string, unknown>;
    } catch {
      return error(res, '61', '参数错误', 'Invalid 360buy_param_json');
    }
    const start = parseChinaTime('start_date', String(biz.start_date ?? ''));
    const end = parseChinaTime('end_date', String(biz.end_date ?? ''));
    if (!start.ok || !end.ok || end.value < start.value || end.value - start.value > 31 * 86_400_000) {
      return send(res, { jingdong_pop_order_enSearch_responce: { code: '0', searchorderinfo_result: {
        apiResult: { success: false, englishErrCode: 'param error', chineseErr: '开始时间和结束时间不得相差超过1个月', numberCode: 10100001 },
        orderInfoList: [], orderTotal: 0,
      } } });
    }
    const states = new Set(String(biz.order_state ?? '').split(',').filter(Boolean));
    const byCreation = String(biz.dateType ?? '0') === '1';
    const page = Math.max(1, Number(biz.page ?? 1));
    const pageSize = Math.min(100, Math.max(1, Number(biz.page_size ?? 20)));
    const timeOf = (o: JdOrder) => {
      const t = parseChinaTime('t', byCreation ? o.orderStartTime : o.modified);
      return t.ok ? t.value : Number.NaN;
    };
    const matching = [...orders.values()]
      .filter((o) => (states.size === 0 || states.has(o.orderState)) && timeOf(o) >= start.value && timeOf(o) <= end.value)
      .sort((a, b) => (String(biz.sortType ?? '0') === '1' ? timeOf(b) - timeOf(a) : timeOf(a) - timeOf(b)) || a.orderId.localeCompare(b.orderId));
    return send(res, { jingdong_pop_order_enSearch_responce: { code: '0', searchorderinfo_result: {
      apiResult: { success: true, englishErrCode: '', chineseErr: '', numberCode: 10100000 },
      orderInfoList: matching.slice((page - 1) * pageSize, page * pageSize),
      orderTotal: matching.length,
    } } });
  }

  /** SOP shipment: moves the order to WAIT_GOODS_RECEIVE_CONFIRM at the current time. */
  function ship(params: Record<string, string>) {
    const fail = (zh: string, en: string) => ({ success: false, chineseErr: zh, englishErr: en });
    let biz: Record<string, unknown>;
    try {
      biz = JSON.parse(params['360buy_param_json'] ?? '{}') as Record<string, unknown>;
    } catch {
      return fail('参数错误', 'Invalid 360buy_param_json');
    }
    const orderId = String(biz.orderId ?? '');
    const order = orders.get(orderId);
    if (!order) return fail('订单不存在', 'order does not exist');
    if (SHIPPED.has(order.orderState)) return fail('订单已出库', 'order already shipped');
    if (!SHIPPABLE.has(order.orderState)) return fail(`订单状态${order.orderState}不允许出库`, 'order state does not allow shipment');
    if (!KNOWN_COMPANIES.has(String(biz.logiCoprId ?? ''))) return fail('物流公司不存在', 'unknown logistics company');
    if (!biz.logiNo) return fail('运单号不能为空', 'logiNo is required');
    orders.set(orderId, withState(order, 'WAIT_GOODS_RECEIVE_CONFIRM', new Date()));
    shipments.push({ orderId, logiCoprId: String(biz.logiCoprId), logiNo: String(biz.logiNo) });
    return { success: true, chineseErr: '', englishErr: '' };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => error(res, '1', '服务异常', (err as Error).message));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/routerjson`,
    upsertOrder: (order) => void orders.set(order.orderId, order),
    requestCount: () => requests,
    order: (orderId) => orders.get(orderId),
    shipments,
    injectShipFaults: (count, kind) => { for (let i = 0; i < count; i++) faults.push(kind); },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
