/*
 * A FAITHFUL KUAISHOU (快手小店) CHANNEL SIMULATOR. Kuaishou's servers cannot be reached from here, so
 * the connector is exercised against this stand-in, built from the documented message envelope,
 * its AES/CBC/PKCS5 body encryption with the app's message secret, the open.order.cursor.list
 * response shape, open.seller.order.goods.deliver (ship: 30 → 40, idempotent for the same expressNo,
 * with injectable faults) and the documented API request signing (README.md lists sources and what is
 * UNVERIFIED, e.g. the exact error code for a bad sign).
 *
 * Orders carry realistic, obviously fake personal data (SIM_PII) so tests can prove none of it
 * reaches the canonical event.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { text as readBody } from 'node:stream/consumers';
import type { AddressInfo } from 'node:net';
import type { InboundPush } from '../contract.js';
import { encryptKuaishouMessage, messageKeyOf } from './crypto.js';
import type { KuaishouOrder } from './payload.js';
import { orderListPath, CURSOR_LIST_METHOD } from './pull.js';
import { DELIVER_METHOD } from './ship.js';
import { constantTimeEqual, verifyKuaishouRequest } from './signature.js';

/** Fake personal data; tests assert none of it appears in any event. */
export const SIM_PII = {
  consignee: '测试收货人甲',
  mobile: '13800000000',
  address: '模拟路 1024 号 7 栋 404 室',
  buyerNick: '模拟买家_一号',
  buyerOpenId: 'f1b68e8f2a4995ed14bf572415fe3aff',
  remark: '请放快递柜（模拟留言）',
  encryptedConsignee: '#SIM#encrypted-consignee#',
  encryptedMobile: '#SIM#encrypted-mobile#',
  encryptedAddress: '#SIM#encrypted-address#',
} as const;

export interface SimKuaishouOrderOptions {
  oid: number;
  status: number;
  skuId: number;
  skuNick?: string;
  num: number;
  /** Unit price in fen. */
  price: number;
  expressFee?: number;
  createTime: number;
  updateTime?: number;
  province?: string | null;
  city?: string | null;
  preSale?: boolean;
  /** Newest first, as Kuaishou lists them. */
  refunds?: Array<{ refundId: number; refundStatus: number }>;
}

/** An order as open.order.cursor.list returns it (fields per the Go SDK structs cited in README). */
export function makeKuaishouOrder(o: SimKuaishouOrderOptions): KuaishouOrder {
  const expressFee = o.expressFee ?? 0;
  const province = o.province === undefined ? '浙江省' : o.province;
  const city = o.city === undefined ? '杭州市' : o.city;
  return {
    orderBaseInfo: {
      oid: o.oid,
      status: o.status,
      totalFee: o.price * o.num + expressFee,
      expressFee,
      discountFee: 0,
      createTime: o.createTime,
      updateTime: o.updateTime ?? o.createTime,
      payTime: o.status >= 30 ? o.createTime + 60_000 : 0,
      sendTime: 0,
      recvTime: 0,
      preSale: o.preSale ? 1 : 0,
      buyerNick: SIM_PII.buyerNick,
      buyerOpenId: SIM_PII.buyerOpenId,
      remark: SIM_PII.remark,
      sellerNick: '模拟旗舰店',
      payType: 1,
      cpsType: 1,
      riskCode: 0,
    },
    orderItemInfo: {
      skuId: o.skuId,
      skuNick: o.skuNick ?? '',
      relSkuId: 0,
      itemId: o.skuId - 1,
      itemTitle: '模拟商品',
      num: o.num,
      price: o.price,
      originalPrice: o.price,
      discountFee: 0,
      itemType: 1,
      goodsCode: '',
    },
    orderAddress: {
      consignee: SIM_PII.consignee,
      mobile: SIM_PII.mobile,
      address: SIM_PII.address,
      encryptedConsignee: SIM_PII.encryptedConsignee,
      encryptedMobile: SIM_PII.encryptedMobile,
      encryptedAddress: SIM_PII.encryptedAddress,
      desensitiseConsignee: '测*',
      desensitiseMobile: '138****0000',
      desensitiseAddress: '模拟路****',
      province,
      provinceCode: 330000,
      city,
      cityCode: 330100,
      district: '西湖区',
      districtCode: 330106,
    },
    orderRefundList: o.refunds ?? [],
    orderLogisticsInfo: [],
    orderNote: { sellerNote: [] },
  };
}

export interface SimMessageOptions {
  event: string;
  appKey: string;
  userId: number;
  /** The business content; serialized into the envelope's `info` JSON string. */
  info: Record<string, unknown>;
  bizId?: number;
  createTime: number;
  eventId?: string;
  test?: boolean;
}

/** The decrypted envelope, as Kuaishou's ks_shop_go_sdk sample shows it. */
export function makeKuaishouMessage(o: SimMessageOptions): Record<string, unknown> {
  const bizId = o.bizId ?? (typeof o.info.oid === 'number' ? o.info.oid : undefined);
  return {
    eventId: o.eventId ?? `243_4027_${o.createTime}${bizId ?? 0}`.slice(0, 32),
    msgId: `84_${o.createTime}`,
    ...(bizId === undefined ? {} : { bizId }),
    userId: o.userId,
    openId: 'f1b68e8f2a4995ed14bf57245903fd9a',
    appKey: o.appKey,
    event: o.event,
    info: JSON.stringify(o.info),
    status: 2,
    createTime: o.createTime,
    updateTime: o.createTime + 2_000,
    operator: '2323245113',
    ...(o.test ? { test: true } : {}),
  };
}

/** The message Kuaishou sends for an order reaching `order.orderBaseInfo.status`. */
export function statusMessageFor(order: KuaishouOrder, event: string, appKey: string, userId: number): Record<string, unknown> {
  const base = order.orderBaseInfo;
  return makeKuaishouMessage({
    event, appKey, userId, createTime: base.updateTime + 1_000,
    info: { oid: base.oid, sellerId: userId, status: base.status, updateTime: base.updateTime },
  });
}

export interface SimPush {
  headers: Record<string, string>;
  body: string;
}

/** Exactly what Kuaishou POSTs: the base64 ciphertext as the whole body. */
export function kuaishouPush(message: Record<string, unknown> | string, messageSecret: string): SimPush {
  const key = messageKeyOf(messageSecret);
  if (!key.ok) throw new Error(`simulator: ${key.reason}`);
  const text = typeof message === 'string' ? message : JSON.stringify(message);
  return { headers: { 'content-type': 'application/json;charset=UTF-8' }, body: encryptKuaishouMessage(text, key.value) };
}

export function toInboundPush(push: SimPush, receivedAt: number): InboundPush {
  return { headers: { ...push.headers }, rawBody: Buffer.from(push.body, 'utf8'), receivedAt };
}

/** Kuaishou's documented retry schedule for unacknowledged messages. */
export const RETRY_DELAYS_MS = [5, 10, 20, 30, 60].map((minutes) => minutes * 60_000);

/**
 * Delivers like Kuaishou: POST, wait at most `timeoutMs` (3000) for a body whose JSON has
 * result === 1, otherwise retry after each delay (scaled down in tests). Returns the attempts made.
 */
export async function deliverKuaishouPush(
  url: string,
  push: SimPush,
  options: { timeoutMs?: number; retryDelaysMs?: number[] } = {},
): Promise<{ acked: boolean; attempts: number }> {
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, delays[attempt - 1]));
    try {
      const response = await fetch(url, {
        method: 'POST', headers: push.headers, body: push.body, signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
      });
      const text = await response.text();
      if ((JSON.parse(text) as { result?: unknown }).result === 1) return { acked: true, attempts: attempt + 1 };
    } catch {
      // timeout, refused connection or a non-JSON answer: not acknowledged
    }
  }
  return { acked: false, attempts: delays.length + 1 };
}

// ───────────────────────────── order query API server ─────────────────────────────

export interface KuaishouSimulatorOptions {
  port?: number;
  appKey: string;
  signSecret: string;
  accessToken: string;
  /** Request timestamp tolerance (ms); the platform's exact value is UNVERIFIED. */
  timestampToleranceMs?: number;
  now?: () => number;
}

/** Faults the ship endpoint can be told to answer with, for the next n calls. */
export type KuaishouSimFault = 'server-error' | 'rate-limit';

export interface KuaishouSimShipment {
  orderId: number;
  expressNo: string;
  expressCode: number;
}

export interface KuaishouSimulator {
  url: string;
  close(): Promise<void>;
  upsertOrder(order: KuaishouOrder): void;
  /** Every request the API answered, for assertions (method, result, page size). */
  readonly calls: Array<{ method: string; result: number; returned: number }>;
  /** Shipments open.seller.order.goods.deliver accepted, in order (idempotent repeats not counted). */
  readonly shipments: KuaishouSimShipment[];
  /** The next `times` deliver calls answer with `fault` instead of being processed. */
  failNext(fault: KuaishouSimFault, times?: number): void;
}

/** Express codes the simulated platform knows (its 快递公司 list): carriers.ts defaults plus a few. */
export const SIM_EXPRESS_CODES: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]);

/**
 * The error shape Kuaishou answers with (result ≠ 1, error_msg, code, msg, sub_code, sub_msg), as
 * captured in SDK comments. The specific result codes below are UNVERIFIED stand-ins.
 */
export const SIM_ERRORS = {
  sign: { result: 28, code: '28', msg: '签名验证失败', error_msg: 'sign verify failed' },
  appkey: { result: 3, code: '3', msg: 'appkey无效', error_msg: 'invalid appkey' },
  token: { result: 24, code: '24', msg: 'access_token无效', error_msg: 'invalid access_token' },
  timestamp: { result: 29, code: '29', msg: '时间戳无效', error_msg: 'timestamp expired' },
  param: { result: 2001, code: '807000', msg: '业务处理失败', error_msg: 'param invalid', sub_code: '2001' },
  method: { result: 4, code: '4', msg: 'method不存在', error_msg: 'unknown method' },
  // Ship (open.seller.order.goods.deliver). 24 AUTHORIZATION_REVOKED is sourced (FAQ K0006);
  // the rest are stand-ins, the retryable ones shared with ship.ts (KUAISHOU_RETRYABLE_RESULTS).
  rateLimit: { result: 803000, code: '803000', msg: '调用频率超限', error_msg: 'api call limit exceeded' },
  orderNotFound: { result: 2001, code: '807000', msg: '业务处理失败', error_msg: 'order not found', sub_code: 'ORDER_NOT_EXIST' },
  notShippable: { result: 2001, code: '807000', msg: '业务处理失败', error_msg: 'order status does not allow delivery', sub_code: 'ORDER_STATUS_ERROR' },
  express: { result: 2001, code: '807000', msg: '业务处理失败', error_msg: 'invalid expressCode or expressNo', sub_code: 'EXPRESS_INVALID' },
} as const;

function send(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify(body));
}

/** The order JSON `param` of a deliver call; orderId stays a JS number, as the simulator keys orders. */
interface DeliverParam {
  orderId?: unknown;
  expressNo?: unknown;
  expressCode?: unknown;
}

export async function startKuaishouSimulator(options: KuaishouSimulatorOptions): Promise<KuaishouSimulator> {
  const orders = new Map<number, KuaishouOrder>();
  const calls: KuaishouSimulator['calls'] = [];
  const shipments: KuaishouSimShipment[] = [];
  const faults: KuaishouSimFault[] = [];
  const tolerance = options.timestampToleranceMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  const deliverPath = `/${DELIVER_METHOD.replaceAll('.', '/')}`;

  /** Kuaishou's deliver: 30 (paid) → 40 (shipped); the same expressNo again is a success. */
  const deliver = (param: DeliverParam): { result: number } => {
    const { orderId, expressNo, expressCode } = param;
    if (typeof orderId !== 'number') return SIM_ERRORS.param;
    if (typeof expressNo !== 'string' || !expressNo.trim() || typeof expressCode !== 'number' || !SIM_EXPRESS_CODES.has(expressCode)) return SIM_ERRORS.express;
    const order = orders.get(orderId);
    if (!order) return SIM_ERRORS.orderNotFound;
    const base = order.orderBaseInfo;
    const logistics = (order.orderLogisticsInfo ?? []) as Array<{ expressNo?: string }>;
    if (base.status === 40 && logistics.some((l) => l.expressNo === expressNo)) return { result: 1 };
    if (base.status !== 30) return SIM_ERRORS.notShippable;
    const at = now();
    orders.set(orderId, {
      ...order,
      orderBaseInfo: { ...base, status: 40, updateTime: at, sendTime: at },
      orderLogisticsInfo: [{ expressNo, expressCode, logisticsId: shipments.length + 1 }],
    });
    shipments.push({ orderId, expressNo, expressCode });
    return { result: 1 };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const params: Record<string, string> = {};
    for (const [key, value] of url.searchParams) params[key] = value;
    if (req.method === 'POST') for (const [key, value] of new URLSearchParams(await readBody(req))) params[key] = value;
    const method = params.method ?? '';
    const answer = (body: { result: number }, returned = 0) => {
      calls.push({ method, result: body.result, returned });
      send(res, body);
    };
    const isList = req.method === 'GET' && url.pathname === orderListPath() && method === CURSOR_LIST_METHOD;
    const isDeliver = req.method === 'POST' && url.pathname === deliverPath && method === DELIVER_METHOD;
    if (!isList && !isDeliver) return answer(SIM_ERRORS.method);
    if (isDeliver) {
      const fault = faults.shift();
      if (fault === 'server-error') {
        calls.push({ method, result: 500, returned: 0 });
        res.writeHead(500, { 'content-type': 'text/plain' });
        return void res.end('Internal Server Error');
      }
      if (fault === 'rate-limit') return answer(SIM_ERRORS.rateLimit);
    }
    if (!params.appkey || !constantTimeEqual(params.appkey, options.appKey)) return answer(SIM_ERRORS.appkey);
    if (!verifyKuaishouRequest(params, options.signSecret).ok) return answer(SIM_ERRORS.sign);
    const timestamp = Number(params.timestamp);
    if (!Number.isSafeInteger(timestamp) || Math.abs(now() - timestamp) > tolerance) return answer(SIM_ERRORS.timestamp);
    if (!params.access_token || !constantTimeEqual(params.access_token, options.accessToken)) return answer(SIM_ERRORS.token);

    if (isDeliver) {
      let param: DeliverParam;
      try {
        param = JSON.parse(params.param ?? '') as DeliverParam;
      } catch {
        return answer(SIM_ERRORS.param);
      }
      return answer(deliver(param));
    }

    let query: { beginTime?: unknown; endTime?: unknown; pageSize?: unknown; cursor?: unknown; queryType?: unknown };
    try {
      query = JSON.parse(params.param ?? '') as typeof query;
    } catch {
      return answer(SIM_ERRORS.param);
    }
    const { beginTime, endTime } = query;
    if (typeof beginTime !== 'number' || typeof endTime !== 'number' || endTime < beginTime) return answer(SIM_ERRORS.param);
    const pageSize = typeof query.pageSize === 'number' ? Math.min(Math.max(query.pageSize, 1), 100) : 10;
    const byCreate = query.queryType === 1;
    const offset = typeof query.cursor === 'string' && /^\d+$/.test(query.cursor) ? Number(query.cursor) : 0;
    const timeOf = (o: KuaishouOrder) => (byCreate ? o.orderBaseInfo.createTime : o.orderBaseInfo.updateTime);
    const matching = [...orders.values()]
      .filter((o) => timeOf(o) >= beginTime && timeOf(o) <= endTime)
      .sort((a, b) => timeOf(a) - timeOf(b) || a.orderBaseInfo.oid - b.orderBaseInfo.oid);
    const page = matching.slice(offset, offset + pageSize);
    const next = offset + pageSize < matching.length ? String(offset + pageSize) : 'nomore';
    answer({ result: 1, ...{ data: { cursor: next, orderList: page, pageSize, beginTime, endTime } } } as { result: number }, page.length);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    shipments,
    upsertOrder: (order) => {
      orders.set(order.orderBaseInfo.oid, structuredClone(order));
    },
    failNext: (fault, times = 1) => {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
