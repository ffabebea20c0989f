/*
 * One builder per webhook channel: a simulated order at a lifecycle stage → the exact HTTP request
 * the platform sends (path with query, headers, body), built and signed by that channel's simulator
 * (simulators/<channel>/) with the shop's secrets from the shops file.
 */
import type { ShopConfig } from '../../connectors/contract.js';
import { douyinOrderMessage, douyinPush, makeDouyinOrder, withDouyinStatus } from '../../simulators/douyin/index.js';
import { kuaishouPush, makeKuaishouMessage, makeKuaishouOrder, statusMessageFor } from '../../simulators/kuaishou/index.js';
import { makeMeituanOrder, meituanPush, withStatus as withMeituanStatus } from '../../simulators/meituan/index.js';
import { makeShopifyOrder, shopifyPush, withCancellation, withStatus as withShopifyStatus } from '../../simulators/shopify/index.js';
import { wechatEventJson, wechatPush } from '../../simulators/wechat/index.js';
import { makeYouzanTrade, withYouzanStatus, youzanEnvelope, youzanPush } from '../../simulators/youzan/index.js';

/** The lifecycle steps the generator sends. Meituan pushes only paid orders: see meituanWire. */
export type Stage = 'create' | 'pay' | 'cancel';

export interface SimLine {
  /** The merchant's SKU code (the stock key). */
  sku: string;
  quantity: number;
  /** Unit price, fen (CNY minor units). */
  priceFen: number;
}

/** A channel-neutral order the builders render in each platform's shape. */
export interface SimOrder {
  channel: string;
  shopId: string;
  /** The platform's order id: decimal digits (Youzan adds its "E" prefix). */
  orderId: string;
  /** Epoch ms of each stage, as the platform would stamp it. */
  times: Record<Stage, number>;
  /** true when the order is cancelled after it was paid (a refund, on most platforms). */
  paidBeforeCancel: boolean;
  lines: SimLine[];
  province: { name: string; code: string; city: string };
}

export interface WireRequest {
  /** /webhooks/<channel>/<shopId>[?query] */
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface SignContext {
  /** Epoch ms "now" for the signatures that carry a timestamp (WeChat, Meituan query timestamp). */
  now: number;
  /** Deterministic nonce (WeChat). */
  nonce: string;
}

const secs = (ms: number) => Math.floor(ms / 1000);
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

function need(shop: ShopConfig, name: string): string {
  const value = shop.credentials?.[name];
  if (!value) throw new Error(`loadgen: ${shop.channel} shop ${shop.shopId} needs credentials.${name} (run "loadgen shops" for a complete file)`);
  return value;
}

function pathOf(order: SimOrder, query?: Record<string, string>): string {
  const base = `/webhooks/${order.channel}/${encodeURIComponent(order.shopId)}`;
  return query ? `${base}?${new URLSearchParams(query)}` : base;
}

function shopifyWire(order: SimOrder, stage: Stage, shop: ShopConfig): WireRequest {
  const created = makeShopifyOrder({
    id: Number(order.orderId),
    lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, price: yuan(l.priceFen) })),
    createdAt: new Date(order.times.create),
    province: { name: order.province.name, code: order.province.code },
    city: order.province.city,
    countryCode: 'CN',
    currency: 'CNY',
    utcOffsetMinutes: 480,
  });
  const paid = withShopifyStatus(created, 'paid', null, new Date(order.times.pay));
  const push =
    stage === 'create'
      ? shopifyPush(created, 'orders/create', shop.secret, shop.shopId)
      : stage === 'pay'
        ? shopifyPush(paid, 'orders/paid', shop.secret, shop.shopId)
        : shopifyPush(
            order.paidBeforeCancel
              ? withCancellation(paid, new Date(order.times.cancel), 'refunded')
              : withCancellation(created, new Date(order.times.cancel), 'voided'),
            'orders/cancelled',
            shop.secret,
            shop.shopId,
          );
  return { path: pathOf(order), ...push };
}

function douyinWire(order: SimOrder, stage: Stage, shop: ShopConfig): WireRequest {
  const created = makeDouyinOrder({
    orderId: order.orderId,
    shopId: shop.credentials?.douyinShopId,
    skus: order.lines.map((l, i) => ({ skuId: `17${order.orderId.slice(2, 17)}${i}`, outSkuId: l.sku, quantity: l.quantity, priceFen: l.priceFen })),
    createdAt: new Date(order.times.create),
    province: order.province.name,
    city: order.province.city,
  });
  // Tags: 100 TradeCreate, 101 TradePaid (order_status 2 备货中), 106 TradeCanceled (4 已取消).
  const event =
    stage === 'create'
      ? douyinOrderMessage('100', created)
      : stage === 'pay'
        ? douyinOrderMessage('101', withDouyinStatus(created, 2, new Date(order.times.pay)))
        : douyinOrderMessage('106', withDouyinStatus(created, 4, new Date(order.times.cancel)));
  return { path: pathOf(order), ...douyinPush([event], need(shop, 'appKey'), shop.secret) };
}

function youzanWire(order: SimOrder, stage: Stage, shop: ShopConfig): WireRequest {
  const created = makeYouzanTrade({
    tid: `E${order.orderId}`,
    lines: order.lines.map((l) => ({ outerSkuId: l.sku, quantity: l.quantity, priceFen: l.priceFen })),
    createdAt: new Date(order.times.create),
    province: order.province.name,
    city: order.province.city,
  });
  const envelope = { clientId: need(shop, 'clientId'), kdtId: Number(shop.credentials?.kdtId ?? '0') };
  const env =
    stage === 'create'
      ? youzanEnvelope(created, 'trade_TradeCreate', envelope)
      : stage === 'pay'
        ? youzanEnvelope(withYouzanStatus(created, 'WAIT_SELLER_SEND_GOODS', new Date(order.times.pay)), 'trade_TradeBuyerPay', envelope)
        : // Closed after a full refund (refund_state 12) when it had been paid; plain close otherwise.
          youzanEnvelope(
            withYouzanStatus(created, 'TRADE_CLOSED', new Date(order.times.cancel), order.paidBeforeCancel ? 12 : 0),
            'trade_TradeClose',
            envelope,
          );
  return { path: pathOf(order), ...youzanPush(env, shop.secret) };
}

function kuaishouWire(order: SimOrder, stage: Stage, shop: ShopConfig): WireRequest {
  const appKey = need(shop, 'appKey');
  const userId = Number(shop.credentials?.sellerId ?? '1');
  const oid = Number(order.orderId);
  const line = order.lines[0]!; // one SKU per Kuaishou order
  let message: Record<string, unknown>;
  if (stage === 'create') {
    message = makeKuaishouMessage({
      event: 'kwaishop_order_addOrder',
      appKey,
      userId,
      createTime: order.times.create + 1_000,
      info: { oid, sellerId: userId, createTime: order.times.create },
    });
  } else {
    const status = stage === 'pay' ? 30 : 80; // 30 已付款; 80 订单失败 (a cancelled order ends here)
    const at = order.times[stage];
    const ks = makeKuaishouOrder({
      oid,
      status,
      skuId: 1_000_000_000 + (oid % 1_000_000),
      skuNick: line.sku,
      num: line.quantity,
      price: line.priceFen,
      createTime: order.times.create,
      updateTime: at,
      province: order.province.name,
      city: order.province.city,
    });
    message = statusMessageFor(ks, stage === 'pay' ? 'kwaishop_order_paySuccess' : 'kwaishop_order_orderFail', appKey, userId);
  }
  return { path: pathOf(order), ...kuaishouPush(message, shop.secret) };
}

function wechatWire(order: SimOrder, stage: Stage, shop: ShopConfig, ctx: SignContext): WireRequest {
  const toUserName = shop.credentials?.userName;
  const json =
    stage === 'create'
      ? wechatEventJson({ event: 'channels_ec_order_new', orderId: order.orderId, createTime: secs(order.times.create), toUserName })
      : stage === 'pay'
        ? wechatEventJson({
            event: 'channels_ec_order_pay',
            orderId: order.orderId,
            createTime: secs(order.times.pay),
            toUserName,
            info: { pay_time: secs(order.times.pay) },
          })
        : wechatEventJson({
            event: 'channels_ec_order_cancel',
            orderId: order.orderId,
            createTime: secs(order.times.cancel),
            toUserName,
            info: { cancel_type: order.paidBeforeCancel ? 2 : 1 },
          });
  const push = wechatPush(
    json,
    { token: shop.secret, encodingAESKey: need(shop, 'encodingAESKey'), appId: need(shop, 'appId'), userName: toUserName },
    { timestamp: secs(ctx.now), nonce: ctx.nonce },
  );
  return { path: pathOf(order, push.query), headers: push.headers, body: push.body };
}

function meituanWire(order: SimOrder, stage: Stage, shop: ShopConfig, ctx: SignContext): WireRequest {
  // Meituan pushes paid orders only: the first push is status 2 (pushed to the merchant, PAID),
  // "pay" here is the merchant confirmation (4, ALLOCATED), cancel is 9.
  const base = makeMeituanOrder({
    orderId: order.orderId,
    appPoiCode: order.shopId,
    lines: order.lines.map((l) => ({ sku_id: l.sku, app_food_code: l.sku, quantity: l.quantity, price: yuan(l.priceFen) })),
    createdAt: new Date(order.times.create),
    status: '2',
  });
  const current = stage === 'create' ? base : withMeituanStatus(base, stage === 'pay' ? '4' : '9', new Date(order.times[stage]));
  const push = meituanPush(current, { appId: need(shop, 'appId'), secret: shop.secret, pushUrl: need(shop, 'pushUrl'), timestamp: secs(ctx.now) });
  return { path: pathOf(order, push.query), headers: push.headers, body: push.body };
}

type Builder = (order: SimOrder, stage: Stage, shop: ShopConfig, ctx: SignContext) => WireRequest;

export const WIRE_BUILDERS: Readonly<Record<string, Builder>> = {
  shopify: shopifyWire,
  douyin: douyinWire,
  youzan: youzanWire,
  kuaishou: kuaishouWire,
  wechat: wechatWire,
  meituan: meituanWire,
};

/** Digits of the platform's order id for load order `n` of run `prefix` (6 digits): shaped like the platform's ids. */
export function orderIdFor(channel: string, prefix: number, n: number): string {
  const p = String(prefix).padStart(6, '0');
  const pad = (len: number) => String(n).padStart(len, '0');
  switch (channel) {
    case 'shopify':
      return `${p}${pad(7)}`; //              13 digits, a safe JSON number
    case 'douyin':
      return `69${p}${pad(9)}00`; //           19 digits (int64, written bare)
    case 'youzan':
      return `2026${p}${pad(13)}`; //          E + 23 digits
    case 'kuaishou':
      return `2${p}${pad(8)}`; //            15 digits, below 2^53
    case 'wechat':
      return `37${p}${pad(11)}`; //            19 digits, beyond 2^53 (written bare)
    case 'meituan':
      return `2${p}${pad(11)}`; //            18 digits
    default:
      return `${p}${pad(9)}`;
  }
}
