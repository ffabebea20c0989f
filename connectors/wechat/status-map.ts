import type { OrderStatus } from '../../topics/schemas/order-event.js';

/*
 * WeChat Channels shop order status (order.status):
 *   10 待付款, 12 礼物待收下, 13 凑单买凑团中, 20 待发货, 21 部分发货, 30 待收货, 100 完成,
 *   190 商品超卖商家取消订单, 200 全部商品售后之后订单取消, 250 未付款用户主动取消或超时未付款订单自动取消
 * Pulled orders with an after-sale in progress (aftersale_detail.on_aftersale_order_cnt > 0) get the
 * suffix "/aftersale" on their key.
 *
 * Push events carry no status number; their key is the event name, with "/finish_delivery=<0|1>"
 * for channels_ec_order_deliver. channelStatus is the key.
 */
export const statusMap: Readonly<Record<string, OrderStatus>> = Object.freeze({
  '10': 'CREATED',
  '12': 'CREATED', // a gift awaiting the recipient: not shippable yet
  '13': 'CREATED', // group buy still forming: not shippable yet
  '20': 'PAID',
  '21': 'PAID', // partly shipped: not fully shipped, so still PAID (as Shopify "paid/partial")
  '30': 'SHIPPED',
  '100': 'COMPLETED',
  '190': 'CANCELLED', // oversold, cancelled by the merchant
  '200': 'REFUNDED', // every item refunded through after-sale, then the order was cancelled
  '250': 'CANCELLED',
  '20/aftersale': 'REFUNDING',
  '21/aftersale': 'REFUNDING',
  '30/aftersale': 'REFUNDING',
  '100/aftersale': 'REFUNDING',
  channels_ec_order_new: 'CREATED',
  channels_ec_order_pay: 'PAID',
  channels_ec_order_wait_shipping: 'PAID',
  'channels_ec_order_deliver/finish_delivery=0': 'PAID',
  'channels_ec_order_deliver/finish_delivery=1': 'SHIPPED',
  channels_ec_order_cancel: 'CANCELLED',
  channels_ec_order_confirm: 'COMPLETED',
  channels_ec_order_settle: 'COMPLETED',
});

export function orderStatusKey(status: number, onAftersaleCount: number | undefined): string {
  return `${status}${onAftersaleCount !== undefined && onAftersaleCount > 0 ? '/aftersale' : ''}`;
}

export function eventStatusKey(event: string, finishDelivery: number | undefined): string {
  if (event !== 'channels_ec_order_deliver') return event;
  return `${event}/finish_delivery=${finishDelivery === undefined ? 'missing' : finishDelivery}`;
}

export function lookupStatus(key: string): OrderStatus | undefined {
  return Object.hasOwn(statusMap, key) ? statusMap[key] : undefined;
}
