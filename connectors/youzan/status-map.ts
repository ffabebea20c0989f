import type { OrderStatus } from '../../topics/schemas/order-event.js';

/*
 * Youzan trade status → canonical status, as data.
 *
 * Lookup key (also the event's channelStatus):
 *   "<order_info.status>"                      when refund_state is 0 or absent;
 *   "<order_info.status>/refund_state:<n>"     otherwise.
 *
 * Status words: channels.md and the Youzan trade docs quoted by integrations (WAIT_BUYER_PAY,
 * TRADE_PAID, WAIT_CONFIRM, WAIT_SELLER_SEND_GOODS, WAIT_BUYER_CONFIRM_GOODS, TRADE_SUCCESS,
 * TRADE_CLOSED). refund_state codes (1 partial refunding, 2 partial refunded, 11 full refunding,
 * 12 full refunded) are UNVERIFIED (README.md).
 */
const REFUND_BY_STATE: Readonly<Record<string, OrderStatus>> = { '1': 'REFUNDING', '2': 'REFUNDING', '11': 'REFUNDING', '12': 'REFUNDED' };
const AFTER_PAYMENT = ['TRADE_PAID', 'WAIT_CONFIRM', 'WAIT_SELLER_SEND_GOODS', 'WAIT_BUYER_CONFIRM_GOODS', 'TRADE_SUCCESS'] as const;

function build(): Record<string, OrderStatus> {
  const map: Record<string, OrderStatus> = {
    WAIT_BUYER_PAY: 'CREATED', //            待付款 (also deposit-presale stages before the balance)
    TRADE_PAID: 'PAID', //                   已支付 (momentary)
    WAIT_CONFIRM: 'PAID', //                 待确认: paid, group forming
    WAIT_SELLER_SEND_GOODS: 'PAID', //       待发货
    WAIT_BUYER_CONFIRM_GOODS: 'SHIPPED', //  已发货
    TRADE_SUCCESS: 'COMPLETED', //           已完成
    TRADE_CLOSED: 'CANCELLED', //            已关闭 without a refund: unpaid timeout / cancelled
    'TRADE_CLOSED/refund_state:12': 'REFUNDED', // closed after a full refund
  };
  for (const status of AFTER_PAYMENT) {
    for (const [state, canonical] of Object.entries(REFUND_BY_STATE)) map[`${status}/refund_state:${state}`] = canonical;
  }
  return map;
}

export const statusMap: Readonly<Record<string, OrderStatus>> = Object.freeze(build());

export function youzanStatusKey(status: string, refundState?: number | null): string {
  return refundState ? `${status}/refund_state:${refundState}` : status;
}

export function lookupStatus(key: string): OrderStatus | undefined {
  return Object.hasOwn(statusMap, key) ? statusMap[key] : undefined;
}
