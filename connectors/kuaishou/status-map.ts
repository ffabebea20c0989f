import type { OrderStatus } from '../../topics/schemas/order-event.js';

/*
 * Kuaishou order status (orderBaseInfo.status, and info.status of order messages):
 *   [0 未知状态] [10 待付款] [30 已付款] [40 已发货] [50 已签收] [70 订单成功] [80 订单失败]
 *   "订单取消后会转为订单失败状态" — a cancelled order ends in 80.
 * Key = the status number as text, plus, for pulled orders with a refund (orderRefundList, newest
 * first), a suffix from the newest refund: "/refunding" (refundStatus 10, 11, 20, 21, 22, 30, 40, 50)
 * or "/refunded" (60). A failed refund (70) adds nothing. Push messages carry no refund state, so
 * their key is the bare status.
 *
 * 0 ("unknown state") is deliberately absent: it cannot be mapped honestly, so it is dead-lettered.
 * Every combination not listed (a refund on an unpaid order, say) is dead-lettered too.
 */
export const statusMap: Readonly<Record<string, OrderStatus>> = Object.freeze({
  '10': 'CREATED',
  '30': 'PAID',
  '40': 'SHIPPED',
  '50': 'DELIVERED',
  '70': 'COMPLETED',
  '80': 'CANCELLED',
  '30/refunding': 'REFUNDING',
  '40/refunding': 'REFUNDING',
  '50/refunding': 'REFUNDING',
  '70/refunding': 'REFUNDING',
  '30/refunded': 'REFUNDED',
  '40/refunded': 'REFUNDED',
  '50/refunded': 'REFUNDED',
  '70/refunded': 'REFUNDED',
  '80/refunded': 'REFUNDED',
});

/** refundStatus values of an after-sale still in progress, and of a completed refund. */
export const REFUND_IN_PROGRESS: ReadonlySet<number> = new Set([10, 11, 20, 21, 22, 30, 40, 50]);
export const REFUND_DONE = 60;

export function refundSuffix(newestRefundStatus: number | undefined): string {
  if (newestRefundStatus === undefined) return '';
  if (REFUND_IN_PROGRESS.has(newestRefundStatus)) return '/refunding';
  if (newestRefundStatus === REFUND_DONE) return '/refunded';
  return '';
}

export function kuaishouStatusKey(status: number, newestRefundStatus?: number): string {
  return `${status}${refundSuffix(newestRefundStatus)}`;
}

/** Own-property lookup only, so "constructor" or "__proto__" never match. */
export function lookupStatus(key: string): OrderStatus | undefined {
  return Object.hasOwn(statusMap, key) ? statusMap[key] : undefined;
}
