import type { Failure, Result } from '../../lib/result.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import { buyerRegion, present } from '../common/fields.js';
import { type InboundPush, type OrderFact, orderEventOf, type ShopConfig } from '../contract.js';
import { isKuaishouOrder, type KuaishouItem, type KuaishouMessage, type KuaishouOrder, type KuaishouPayload } from './payload.js';
import { kuaishouStatusKey, lookupStatus } from './status-map.js';
import { epochMs, fen, quantity } from './values.js';

export const KUAISHOU_CHANNEL = 'kuaishou';

/*
 * Order messages whose info is {oid, sellerId, status, updateTime}. Source: the message docs
 * (open.kwaixiaodian.com/zone/new/docs/msg?name=<event>) as mirrored by the Go SDK structs and
 * ks_shop_go_sdk constants cited in README.md.
 */
export const STATUS_EVENTS: ReadonlySet<string> = new Set([
  'kwaishop_order_paySuccess', // 订单已支付
  'kwaishop_order_delivering', // 订单已发货
  'kwaishop_order_deliverySuccess', // 订单已收货
  'kwaishop_order_orderSuccess', // 订单交易成功
  'kwaishop_order_orderFail', // 订单交易失败 (cancelled orders end here)
]);
/** 订单新增: {oid, sellerId, createTime, openId, buyerOpenId}, no status: a new order awaits payment (10). */
export const ADD_ORDER_EVENT = 'kwaishop_order_addOrder';
/** Known messages that are not order-status changes: acknowledged, nothing published. */
export const IGNORED_EVENTS: ReadonlySet<string> = new Set([
  'kwaishop_order_totalFeeChange', // fee change; the next pull carries the new total
  'kwaishop_order_addNote', // seller note
  'kwaishop_order_addressUpdateAudit', // address change review
  'kwaishop_aftersales_addRefund', // after-sale lifecycle: the order's refund state comes with pull()
  'kwaishop_aftersales_updateRefund',
]);

/** One payload → its events: a message yields 0 or 1, a pulled order exactly 1. */
export function normalizeKuaishou(payload: KuaishouPayload, shop: ShopConfig, push: InboundPush): Result<OrderEvent>[] {
  if (isKuaishouOrder(payload)) return [normalizeKuaishouOrder(payload, shop, push)];
  return normalizeKuaishouMessage(payload, shop, push);
}

/** What a message or an order tells; these channels sell in China, in CNY. */
type Fact = Omit<OrderFact, 'currency' | 'buyerCountry'>;

function event(fact: Fact, shop: ShopConfig, push: InboundPush): OrderEvent {
  return orderEventOf(KUAISHOU_CHANNEL, shop, push, { ...fact, currency: 'CNY', buyerCountry: 'CN' });
}

function unknownStatus(key: string): Failure {
  return { ok: false, reason: `unknown Kuaishou status "${key}"` };
}

/*
 * A push message carries ids, a status and a time only: no lines, no money, no address. The event
 * it yields is a status fact with totalMinor 0, lines [], no region and presale false, which mean
 * "not carried by the push", not "zero". The full order comes from open.order.cursor.list via pull()
 * (reconciliation), whose events carry everything. See README "What a push carries".
 */
export function normalizeKuaishouMessage(message: KuaishouMessage, shop: ShopConfig, push: InboundPush): Result<OrderEvent>[] {
  if (message.test) return []; // the console's connectivity check: acknowledge, publish nothing
  if (IGNORED_EVENTS.has(message.event)) return [];
  const isAdd = message.event === ADD_ORDER_EVENT;
  if (!isAdd && !STATUS_EVENTS.has(message.event)) {
    return [{ ok: false, reason: `unknown Kuaishou event "${message.event}"` }];
  }
  const info = message.info;
  const oid = info.oid ?? message.bizId;
  if (oid === undefined) return [{ ok: false, reason: `${message.event} message has neither info.oid nor bizId` }];
  if (info.oid !== undefined && message.bizId !== undefined && info.oid !== message.bizId) {
    return [{ ok: false, reason: `${message.event} message: info.oid ${info.oid} differs from bizId ${message.bizId}` }];
  }

  let statusValue: number;
  let time: Result<number>;
  if (isAdd) {
    statusValue = info.status ?? 10;
    time = epochMs('info.createTime', info.createTime);
  } else {
    if (info.status === undefined) return [{ ok: false, reason: `${message.event} message has no info.status` }];
    statusValue = info.status;
    time = epochMs('info.updateTime', info.updateTime);
  }
  const key = kuaishouStatusKey(statusValue);
  const status = lookupStatus(key);
  if (status === undefined) return [unknownStatus(key)];
  if (!time.ok) return [time];

  return [
    {
      ok: true,
      value: event(
        {
          channelOrderId: String(oid),
          status,
          channelStatus: key,
          occurredAt: time.value,
          totalMinor: 0,
          lines: [],
          buyerProvince: null,
          buyerCity: null,
          presale: false,
        },
        shop,
        push,
      ),
    },
  ];
}

/** The stock key: the merchant's SKU code (skuNick) when set, else Kuaishou's skuId. */
export function skuOf(item: KuaishouItem): string {
  return present(item.skuNick) ?? String(item.skuId);
}

/** The listing sold, for stock sync: Kuaishou's itemId (null when absent) and skuId, as digits. */
export function listingOf(item: KuaishouItem): { itemId: string | null; skuId: string } {
  return { itemId: item.itemId === undefined ? null : String(item.itemId), skuId: String(item.skuId) };
}

export function normalizeKuaishouOrder(order: KuaishouOrder, shop: ShopConfig, push: InboundPush): Result<OrderEvent> {
  const base = order.orderBaseInfo;
  const newestRefund = order.orderRefundList?.[0]?.refundStatus;
  const key = kuaishouStatusKey(base.status, newestRefund);
  const status = lookupStatus(key);
  if (status === undefined) return unknownStatus(key);

  const occurredAt = epochMs('orderBaseInfo.updateTime', base.updateTime);
  if (!occurredAt.ok) return occurredAt;
  const total = fen('orderBaseInfo.totalFee', base.totalFee);
  if (!total.ok) return total;

  const item = order.orderItemInfo;
  const price = fen('orderItemInfo.price', item.price);
  if (!price.ok) return price;
  const num = quantity('orderItemInfo.num', item.num);
  if (!num.ok) return num;

  return {
    ok: true,
    value: event(
      {
        channelOrderId: String(base.oid),
        status,
        channelStatus: key,
        occurredAt: occurredAt.value,
        totalMinor: total.value,
        lines: [{ sku: skuOf(item), quantity: num.value, unitPriceMinor: price.value, ...listingOf(item) }],
        ...buyerRegion('CN', order.orderAddress?.province, order.orderAddress?.city),
        presale: base.preSale === 1,
      },
      shop,
      push,
    ),
  };
}
