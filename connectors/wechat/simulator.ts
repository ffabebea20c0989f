/*
 * A FAITHFUL WECHAT CHANNELS SHOP (微信小店) CHANNEL SIMULATOR. WeChat's servers cannot be reached
 * from here, so the connector is exercised against this stand-in, built from the documented
 * message push (safe mode: query signature/msg_signature, JSON {ToUserName, Encrypt}, the
 * WXBizMsgCrypt AES scheme), the channels_ec_order_* event bodies, and the order API
 * (/cgi-bin/token, /channels/ec/order/list/get, /channels/ec/order/get, and for sync-back
 * /channels/ec/order/delivery/send, which moves the order to 30 待收货, with injectable faults) with
 * its errcode/errmsg answers. README.md lists the sources and what is UNVERIFIED.
 *
 * Orders carry realistic, obviously fake personal data (SIM_PII) so tests can prove none of it
 * reaches the canonical event.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { text as readBody } from 'node:stream/consumers';
import type { AddressInfo } from 'node:net';
import type { InboundPush } from '../contract.js';
import { aesKeyOf, encryptWechat } from './crypto.js';
import type { WechatOrder } from './payload.js';
import { MAX_RANGE_SECONDS } from './pull.js';
import { DELIVERY_SEND_PATH, WECHAT_ERRCODES } from './ship.js';
import { sha1Sorted } from './signature.js';

export const SIM_PII = {
  userName: '模拟收件人乙',
  telNumber: '13900000000',
  detailInfo: '仿真大道 88 号 3 单元 1201',
  postalCode: '518000',
  openid: 'oSIMbuyer-openid-0001',
  unionid: 'oSIMbuyer-unionid-0001',
  customerNotes: '周末送货（模拟备注）',
  county: '南山区',
} as const;

export interface SimWechatLine {
  skuId: string;
  outSkuId?: string;
  skuCode?: string;
  count: number;
  /** Unit price, fen. */
  salePrice: number;
  presale?: boolean;
}

export interface SimWechatOrderOptions {
  orderId: string;
  status: number;
  createTime: number;
  updateTime?: number;
  lines: SimWechatLine[];
  freight?: number;
  discount?: number;
  province?: string | null;
  city?: string | null;
  onAftersale?: number;
}

/** `order` as /channels/ec/order/get returns it. */
export function makeWechatOrder(o: SimWechatOrderOptions): WechatOrder {
  const productPrice = o.lines.reduce((sum, l) => sum + l.salePrice * l.count, 0);
  const freight = o.freight ?? 0;
  const discount = o.discount ?? 0;
  return {
    order_id: o.orderId,
    status: o.status,
    create_time: o.createTime,
    update_time: o.updateTime ?? o.createTime,
    openid: SIM_PII.openid,
    unionid: SIM_PII.unionid,
    order_detail: {
      product_infos: o.lines.map((l, i) => ({
        product_id: `10000000${i}`,
        sku_id: l.skuId,
        thumb_img: 'https://mmecimage.cn/p/sim/thumb.jpg',
        sku_cnt: l.count,
        sale_price: l.salePrice,
        title: `模拟商品 ${i + 1}`,
        on_aftersale_sku_cnt: 0,
        finish_aftersale_sku_cnt: 0,
        sku_code: l.skuCode ?? '',
        market_price: l.salePrice,
        sku_attrs: [{ attr_key: '规格', attr_value: '默认' }],
        real_price: l.salePrice * l.count,
        out_product_id: '',
        out_sku_id: l.outSkuId ?? '',
        is_discounted: false,
        sku_deliver_info: { stock_type: l.presale ? 1 : 0 },
      })),
      pay_info: o.status === 10 || o.status === 250 ? {} : { prepay_id: 'wx_sim_prepay', transaction_id: '4200000000000000000', pay_time: o.createTime + 30 },
      price_info: {
        product_price: productPrice,
        order_price: productPrice + freight - discount,
        freight,
        discounted_price: discount,
        is_discounted: discount > 0,
      },
      delivery_info: {
        address_info: {
          user_name: SIM_PII.userName,
          postal_code: SIM_PII.postalCode,
          province_name: o.province === undefined ? '广东省' : o.province,
          city_name: o.city === undefined ? '深圳市' : o.city,
          county_name: SIM_PII.county,
          detail_info: SIM_PII.detailInfo,
          national_code: '440305',
          tel_number: SIM_PII.telNumber,
        },
        delivery_product_info: [],
        ship_done_time: 0,
        deliver_method: 0,
      },
      ext_info: { customer_notes: SIM_PII.customerNotes, merchant_notes: '' },
    },
    aftersale_detail: { on_aftersale_order_cnt: o.onAftersale ?? 0, aftersale_order_list: [] },
  };
}

/**
 * A decrypted event as WeChat writes it: order_id as a bare JSON integer (above 2^53, so only
 * this text form keeps its digits).
 */
export function wechatEventJson(o: {
  event: string; orderId: string; createTime: number; toUserName?: string; info?: Record<string, number>;
}): string {
  const info = Object.entries(o.info ?? {}).map(([k, v]) => `,"${k}":${v}`).join('');
  return `{"ToUserName":"${o.toUserName ?? 'gh_simshop0001'}","FromUserName":"${SIM_PII.openid}","CreateTime":${o.createTime},`
    + `"MsgType":"event","Event":"${o.event}","order_info":{"order_id":${o.orderId}${info}}}`;
}

export interface WechatSecrets {
  token: string;
  encodingAESKey: string;
  appId: string;
  userName?: string;
}

export interface SimWechatPush {
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

/** Exactly what WeChat sends in safe mode with the JSON data format. */
export function wechatPush(eventJson: string, secrets: WechatSecrets, at: { timestamp: number; nonce?: string }): SimWechatPush {
  const key = aesKeyOf(secrets.encodingAESKey);
  if (!key.ok) throw new Error(`simulator: ${key.reason}`);
  const encrypt = encryptWechat(eventJson, secrets.appId, key.value);
  const timestamp = String(at.timestamp);
  const nonce = at.nonce ?? String(randomBytes(4).readUInt32BE());
  return {
    query: {
      signature: sha1Sorted([secrets.token, timestamp, nonce]),
      timestamp,
      nonce,
      openid: SIM_PII.openid,
      encrypt_type: 'aes',
      msg_signature: sha1Sorted([secrets.token, timestamp, nonce, encrypt]),
    },
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ToUserName: secrets.userName ?? 'gh_simshop0001', Encrypt: encrypt }),
  };
}

export function toInboundPush(push: SimWechatPush, receivedAt: number): InboundPush {
  return { headers: { ...push.headers }, query: { ...push.query }, rawBody: Buffer.from(push.body, 'utf8'), receivedAt };
}

/**
 * Delivers like WeChat: POST and wait up to 5 s for "success" (or an empty body); otherwise retry,
 * 3 attempts in all (retry delay scaled down in tests).
 */
export async function deliverWechatPush(
  url: string,
  push: SimWechatPush,
  options: { timeoutMs?: number; attempts?: number; retryDelayMs?: number } = {},
): Promise<{ acked: boolean; attempts: number }> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1000));
    try {
      const response = await fetch(`${url}?${new URLSearchParams(push.query)}`, {
        method: 'POST', headers: push.headers, body: push.body, signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      const text = (await response.text()).trim();
      if (response.ok && (text === 'success' || text === '')) return { acked: true, attempts: attempt };
    } catch {
      // timeout or refused: not acknowledged
    }
  }
  return { acked: false, attempts };
}

// ───────────────────────────── order API server ─────────────────────────────

/** errcode/errmsg answers, as WeChat's global error code list words them. 47001 for a bad range is UNVERIFIED. */
export const SIM_ERRORS = {
  appid: { errcode: 40013, errmsg: 'invalid appid' },
  appsecret: { errcode: 40125, errmsg: 'invalid appsecret' },
  token: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' },
  format: { errcode: 47001, errmsg: 'data format error' },
  notFound: { errcode: 100002, errmsg: 'order not found' },
  // delivery/send: 40097 invalid args is seen in the wild; 45011 is WeChat's minute quota; the two
  // status answers are UNVERIFIED stand-ins (alreadyShipped shared with ship.ts).
  invalidArgs: { errcode: WECHAT_ERRCODES.invalidArgs, errmsg: 'invalid args' },
  rateLimit: { errcode: WECHAT_ERRCODES.minuteQuota, errmsg: 'api minute-quota reach limit' },
  alreadyShipped: { errcode: WECHAT_ERRCODES.alreadyShipped, errmsg: 'order already delivered' },
  statusForbids: { errcode: 10020010, errmsg: 'order status does not allow delivery' },
} as const;

/** Faults the ship endpoint can be told to answer with, for the next n calls. */
export type WechatSimFault = 'server-error' | 'rate-limit';

export interface WechatSimShipment {
  orderId: string;
  deliveryId: string;
  waybillId: string;
  products: Array<{ product_id: string; sku_id: string; product_cnt: number }>;
}

/** delivery_ids the simulated deliverycompanylist/new/get lists (a subset of the documented table). */
export const SIM_DELIVERY_IDS: ReadonlySet<string> = new Set(['ZTO', 'YTO', 'YUNDA', 'JTSD', 'STO', 'SF', 'JD', 'EMS']);

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
  const faults: WechatSimFault[] = [];

  /** 订单发货: every product of a 20/21 order in one parcel → 30 (待收货); refuses what WeChat would. */
  const deliver = (body: Record<string, unknown>): Record<string, unknown> & { errcode: number } => {
    const order = orders.get(String(body.order_id));
    if (!order) return SIM_ERRORS.notFound;
    const parcels = Array.isArray(body.delivery_list) ? (body.delivery_list as Array<Record<string, unknown>>) : [];
    if (parcels.length !== 1) return SIM_ERRORS.invalidArgs;
    const parcel = parcels[0]!;
    const products = Array.isArray(parcel.product_infos) ? (parcel.product_infos as WechatSimShipment['products']) : [];
    const known = new Set(order.order_detail.product_infos.map((p) => String(p.product_id)));
    if (typeof parcel.delivery_id !== 'string' || !SIM_DELIVERY_IDS.has(parcel.delivery_id)) return SIM_ERRORS.invalidArgs;
    if (typeof parcel.waybill_id !== 'string' || !parcel.waybill_id.trim() || parcel.deliver_type !== 1) return SIM_ERRORS.invalidArgs;
    if (products.length === 0 || products.some((p) => !known.has(String(p.product_id)) || !(p.product_cnt > 0))) return SIM_ERRORS.invalidArgs;
    if (order.status === 30 || order.status === 100) return SIM_ERRORS.alreadyShipped;
    if (order.status !== 20 && order.status !== 21) return SIM_ERRORS.statusForbids;
    const now = Math.floor(Date.now() / 1000);
    const shipped = structuredClone(order);
    shipped.status = 30;
    shipped.update_time = now;
    shipped.order_detail.delivery_info = {
      ...shipped.order_detail.delivery_info,
      delivery_product_info: [{ waybill_id: parcel.waybill_id, delivery_id: parcel.delivery_id, deliver_type: 1, delivery_time: now, product_infos: products }],
    };
    orders.set(String(order.order_id), shipped);
    shipments.push({ orderId: String(order.order_id), deliveryId: parcel.delivery_id, waybillId: parcel.waybill_id, products });
    return { errcode: 0, errmsg: 'ok' };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const answer = (body: Record<string, unknown> & { errcode?: number }, raw?: string) => {
      calls.push({ path: url.pathname, errcode: body.errcode ?? 0 });
      res.writeHead(200, { 'content-type': 'application/json; encoding=utf-8' });
      res.end(raw ?? JSON.stringify(body));
    };
    if (url.pathname === '/cgi-bin/token' && req.method === 'GET') {
      if (url.searchParams.get('grant_type') !== 'client_credential') return answer(SIM_ERRORS.format);
      if (url.searchParams.get('appid') !== options.appId) return answer(SIM_ERRORS.appid);
      if (url.searchParams.get('secret') !== options.appSecret) return answer(SIM_ERRORS.appsecret);
      const token = `SIM_ACCESS_TOKEN_${randomBytes(12).toString('hex')}`;
      tokens.add(token);
      return answer({ access_token: token, expires_in: 7200 });
    }
    if (req.method !== 'POST') return answer(SIM_ERRORS.format);
    if (url.pathname === DELIVERY_SEND_PATH) {
      const fault = faults.shift();
      if (fault === 'server-error') {
        calls.push({ path: url.pathname, errcode: 503 });
        res.writeHead(503, { 'content-type': 'text/html' });
        return void res.end('<html>503 Service Unavailable</html>');
      }
      if (fault === 'rate-limit') return answer(SIM_ERRORS.rateLimit);
    }
    if (!tokens.has(url.searchParams.get('access_token') ?? '')) return answer(SIM_ERRORS.token);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return answer(SIM_ERRORS.format);
    }

    if (url.pathname === '/channels/ec/order/list/get') {
      const range = body.update_time_range as { start_time?: unknown; end_time?: unknown } | undefined;
      const start = range?.start_time;
      const end = range?.end_time;
      if (typeof start !== 'number' || typeof end !== 'number' || end < start || end - start >= MAX_RANGE_SECONDS) return answer(SIM_ERRORS.format);
      const pageSize = typeof body.page_size === 'number' ? Math.min(Math.max(body.page_size, 1), 100) : 10;
      const offset = typeof body.next_key === 'string' && /^\d+$/.test(body.next_key) ? Number(body.next_key) : 0;
      const ids = [...orders.values()]
        .filter((o) => o.update_time >= start && o.update_time <= end)
        .sort((a, b) => a.update_time - b.update_time || String(a.order_id).localeCompare(String(b.order_id)))
        .map((o) => String(o.order_id));
      const page = ids.slice(offset, offset + pageSize);
      const hasMore = offset + pageSize < ids.length;
      return answer({ errcode: 0, errmsg: 'ok', order_id_list: page, next_key: String(offset + page.length), has_more: hasMore });
    }
    if (url.pathname === DELIVERY_SEND_PATH) return answer(deliver(body));
    if (url.pathname === '/channels/ec/order/get') {
      const order = orders.get(String(body.order_id));
      if (!order) return answer(SIM_ERRORS.notFound);
      return answer({ errcode: 0, errmsg: 'ok', order });
    }
    return answer(SIM_ERRORS.format);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    upsertOrder: (order) => orders.set(String(order.order_id), structuredClone(order)),
    revokeTokens: () => tokens.clear(),
    shipments,
    failNext: (fault, times = 1) => {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
