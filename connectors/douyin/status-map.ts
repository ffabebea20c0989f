import type { OrderStatus } from '../../topics/schemas/order-event.js';

/*
 * Douyin order status → canonical status, as data.
 *
 * Lookup key (also explained in README.md):
 *   "main_status:<n>"  when the order carries a main_status listed below (it refines order_status:
 *                      a refund that completed, or a partly paid deposit presale);
 *   "<order_status>"   otherwise.
 * The push messages carry only order_status; the query API returns both.
 *
 * order_status values: zsmhub/doudian-sdk order_searchList_response.go ("1 待确认/待支付-订单创建完毕;
 * 105-已支付; 2-备货中; 101-部分发货; 3-已发货（全部发货）; 4-已取消; 5 已完成（已收货）").
 * main_status values: /work/shared/reference/channels.md only (UNVERIFIED; the SDK marks the field
 * 【已废弃】 deprecated without listing values).
 */
export const statusMap: Readonly<Record<string, OrderStatus>> = Object.freeze({
  '1': 'CREATED', //       待支付: created, not paid
  '105': 'PAID', //        已支付: paid, risk/pending checks not done yet (tag 110 "已支付待处理")
  '2': 'PAID', //          备货中 / 待发货: paid, awaiting shipment
  '101': 'PAID', //        部分发货: partly shipped; not all goods left, so still PAID (as Shopify "partial")
  '3': 'SHIPPED', //       已发货（全部发货）
  '4': 'CANCELLED', //     已取消
  '5': 'COMPLETED', //     已完成（已收货）
  'main_status:103': 'CREATED', // 部分支付: deposit paid, balance not (UNVERIFIED value)
  'main_status:21': 'REFUNDED', //  发货前退款完结 (UNVERIFIED value)
  'main_status:22': 'REFUNDED', //  发货后退款完结 (UNVERIFIED value)
  'main_status:39': 'REFUNDED', //  收货后退款完结 (UNVERIFIED value)
});

/** The lookup key for an order; see the file comment. */
export function douyinStatusKey(orderStatus: number, mainStatus?: number | null): string {
  if (mainStatus !== undefined && mainStatus !== null && hasKey(`main_status:${mainStatus}`)) return `main_status:${mainStatus}`;
  return String(orderStatus);
}

/** The raw words kept as channelStatus: "order_status" or "order_status/main_status". */
export function douyinChannelStatus(orderStatus: number, mainStatus?: number | null): string {
  return mainStatus === undefined || mainStatus === null ? String(orderStatus) : `${orderStatus}/${mainStatus}`;
}

function hasKey(key: string): boolean {
  return Object.hasOwn(statusMap, key);
}

export function lookupStatus(key: string): OrderStatus | undefined {
  return hasKey(key) ? statusMap[key] : undefined;
}

/**
 * Push message tags that describe an order (zsmhub/doudian-sdk message/*.go). Each maps to the
 * data field holding the time of the change; tags outside this table are not order messages.
 */
export const ORDER_MESSAGE_TIME_FIELD: Readonly<
  Record<string, 'create_time' | 'pay_time' | 'update_time' | 'complete_time' | 'cancel_time' | 'modify_time' | null>
> = Object.freeze({
  '100': 'create_time', //  doudian_trade_TradeCreate 订单创建
  '101': 'pay_time', //     doudian_trade_TradePaid 订单支付/确认
  '102': 'update_time', //  doudian_trade_TradeSellerShip 卖家发货
  '103': 'complete_time', // doudian_trade_TradeSuccess 交易完成
  '105': 'update_time', //  doudian_trade_TradeAddressChanged 买家收货信息变更
  '106': 'cancel_time', //  doudian_trade_TradeCanceled 订单取消
  '108': 'update_time', //  doudian_trade_TradePartlySellerShip 卖家部分发货
  '109': 'modify_time', //  doudian_trade_TradeAmountChanged 订单金额修改
  '110': null, //           doudian_trade_TradePending 订单已支付待处理: carries no time (see README)
});
