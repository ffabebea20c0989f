/*
 * A "shipped" (or further) push for the six webhook channels, in the same platform shapes the
 * load generator uses (cli/loadgen/channels.ts builds create / pay / cancel only). Used by
 * test/all-channels.spec.ts to deliver a late "paid" AFTER the order shipped and prove the hub
 * does not regress it. Each builder renders the same order (same ids, lines, creation time) as
 * WIRE_BUILDERS does for that SimOrder, then moves it to the channel's shipped-class status.
 */

import type { SimOrder, WireRequest } from '../../cli/loadgen/channels.js';
import type { ShopConfig } from '../../connectors/contract.js';
import { douyinOrderMessage, douyinPush, makeDouyinOrder, withDouyinStatus } from '../../simulators/douyin/index.js';
import { kuaishouPush, makeKuaishouOrder, statusMessageFor } from '../../simulators/kuaishou/index.js';
import { makeMeituanOrder, meituanPush, withStatus as withMeituanStatus } from '../../simulators/meituan/index.js';
import { makeShopifyOrder, shopifyPush, withStatus as withShopifyStatus } from '../../simulators/shopify/index.js';
import { wechatEventJson, wechatPush } from '../../simulators/wechat/index.js';
import { makeYouzanTrade, withYouzanStatus, youzanEnvelope, youzanPush } from '../../simulators/youzan/index.js';

const secs = (ms: number) => Math.floor(ms / 1000);
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const cred = (shop: ShopConfig, name: string) => {
  const v = shop.credentials?.[name];
  if (!v) throw new Error(`late-ship: ${shop.channel}/${shop.shopId} lacks credentials.${name}`);
  return v;
};
const pathOf = (order: SimOrder, query?: Record<string, string>) =>
  `/webhooks/${order.channel}/${encodeURIComponent(order.shopId)}${query ? `?${new URLSearchParams(query)}` : ''}`;

/**
 * The push that moves `order` to its channel's shipped-class state at `at`, and the canonical
 * state that status means according to the channel's status map (documented meaning):
 *   shopify  orders/fulfilled, "paid/fulfilled"           → SHIPPED
 *   douyin   tag 102 TradeSellerShip, order_status 3 已发货 → SHIPPED
 *   youzan   trade_TradeSellerShip, WAIT_BUYER_CONFIRM_GOODS 已发货 → SHIPPED
 *   kuaishou kwaishop_order_delivering, status 40 已发货   → SHIPPED
 *   wechat   channels_ec_order_deliver, finish_delivery=1   → SHIPPED
 *   meituan  status 8 completed (order pushes carry no logistics; 8 is final) → COMPLETED
 */
export function shippedWire(
  order: SimOrder,
  shop: ShopConfig,
  at: number,
  now: number,
  nonce: string,
): { wire: WireRequest; expected: 'SHIPPED' | 'COMPLETED' } {
  switch (order.channel) {
    case 'shopify': {
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
      const shipped = withShopifyStatus(created, 'paid', 'fulfilled', new Date(at));
      return { wire: { path: pathOf(order), ...shopifyPush(shipped, 'orders/fulfilled', shop.secret, shop.shopId) }, expected: 'SHIPPED' };
    }
    case 'douyin': {
      const created = makeDouyinOrder({
        orderId: order.orderId,
        shopId: shop.credentials?.douyinShopId,
        skus: order.lines.map((l, i) => ({ skuId: `17${order.orderId.slice(2, 17)}${i}`, outSkuId: l.sku, quantity: l.quantity, priceFen: l.priceFen })),
        createdAt: new Date(order.times.create),
        province: order.province.name,
        city: order.province.city,
      });
      const event = douyinOrderMessage('102', withDouyinStatus(created, 3, new Date(at)));
      return { wire: { path: pathOf(order), ...douyinPush([event], cred(shop, 'appKey'), shop.secret) }, expected: 'SHIPPED' };
    }
    case 'youzan': {
      const created = makeYouzanTrade({
        tid: `E${order.orderId}`,
        lines: order.lines.map((l) => ({ outerSkuId: l.sku, quantity: l.quantity, priceFen: l.priceFen })),
        createdAt: new Date(order.times.create),
        province: order.province.name,
        city: order.province.city,
      });
      const paid = withYouzanStatus(created, 'WAIT_SELLER_SEND_GOODS', new Date(order.times.pay));
      const env = youzanEnvelope(withYouzanStatus(paid, 'WAIT_BUYER_CONFIRM_GOODS', new Date(at)), 'trade_TradeSellerShip', {
        clientId: cred(shop, 'clientId'),
        kdtId: Number(shop.credentials?.kdtId ?? '0'),
      });
      return { wire: { path: pathOf(order), ...youzanPush(env, shop.secret) }, expected: 'SHIPPED' };
    }
    case 'kuaishou': {
      const appKey = cred(shop, 'appKey');
      const userId = Number(shop.credentials?.sellerId ?? '1');
      const oid = Number(order.orderId);
      const line = order.lines[0]!;
      const ks = makeKuaishouOrder({
        oid,
        status: 40,
        skuId: 1_000_000_000 + (oid % 1_000_000),
        skuNick: line.sku,
        num: line.quantity,
        price: line.priceFen,
        createTime: order.times.create,
        updateTime: at,
        province: order.province.name,
        city: order.province.city,
      });
      return {
        wire: { path: pathOf(order), ...kuaishouPush(statusMessageFor(ks, 'kwaishop_order_delivering', appKey, userId), shop.secret) },
        expected: 'SHIPPED',
      };
    }
    case 'wechat': {
      const toUserName = shop.credentials?.userName;
      const json = wechatEventJson({
        event: 'channels_ec_order_deliver',
        orderId: order.orderId,
        createTime: secs(at),
        toUserName,
        info: { finish_delivery: 1 },
      });
      const push = wechatPush(
        json,
        { token: shop.secret, encodingAESKey: cred(shop, 'encodingAESKey'), appId: cred(shop, 'appId'), userName: toUserName },
        { timestamp: secs(now), nonce },
      );
      return { wire: { path: pathOf(order, push.query), headers: push.headers, body: push.body }, expected: 'SHIPPED' };
    }
    case 'meituan': {
      const base = makeMeituanOrder({
        orderId: order.orderId,
        appPoiCode: order.shopId,
        lines: order.lines.map((l) => ({ sku_id: l.sku, app_food_code: l.sku, quantity: l.quantity, price: yuan(l.priceFen) })),
        createdAt: new Date(order.times.create),
        status: '2',
      });
      const push = meituanPush(withMeituanStatus(base, '8', new Date(at)), {
        appId: cred(shop, 'appId'),
        secret: shop.secret,
        pushUrl: cred(shop, 'pushUrl'),
        timestamp: secs(now),
      });
      return { wire: { path: pathOf(order, push.query), headers: push.headers, body: push.body }, expected: 'COMPLETED' };
    }
    default:
      throw new Error(`late-ship: not a webhook channel: ${order.channel}`);
  }
}
