import type { OrderStatus } from '../../topics/schemas/order-event.js';
import type { ShopifyOrder } from './payload.js';

/*
 * Shopify has no single order status: it reports two independent axes plus a cancellation
 * timestamp. They are folded into one key, and the key is looked up in the table below:
 *
 *   key = `${financial_status}/${fulfillment_status ?? 'unfulfilled'}` + ('/cancelled' if cancelled_at)
 *
 * (null fulfillment_status is written "unfulfilled", which is how Shopify's admin shows it.)
 * The key doubles as the event's channelStatus, so an auditor can look any event up here.
 *
 * Rules the table follows (README has the reasoning):
 * - cancelled_at set → CANCELLED, except financial refunded → REFUNDED.
 * - refund words win over fulfillment: refunded → REFUNDED, partially_refunded → REFUNDING.
 * - fulfilled → SHIPPED whatever the payment state (COD and net-terms orders ship unpaid).
 * - partial fulfillment does not move the order: the payment axis decides (PAID or CREATED),
 *   because the order is not fully shipped yet.
 * - pending, authorized and partially_paid → CREATED: nothing (or not all) has been captured;
 *   Shopify's own `financial_status=unpaid` filter groups authorized with partially_paid.
 * - voided → CANCELLED, expired → CLOSED, only while nothing has shipped.
 * Combinations left out on purpose (→ dead-lettered for a human): goods shipped against a
 * voided or expired payment, and "restocked" on an order that is neither cancelled nor refunded.
 */
export const statusMap: Readonly<Record<string, OrderStatus>> = Object.freeze({
  // Live orders (cancelled_at null).
  'pending/unfulfilled': 'CREATED',
  'pending/partial': 'CREATED',
  'pending/fulfilled': 'SHIPPED',
  'authorized/unfulfilled': 'CREATED',
  'authorized/partial': 'CREATED',
  'authorized/fulfilled': 'SHIPPED',
  'partially_paid/unfulfilled': 'CREATED',
  'partially_paid/partial': 'CREATED',
  'partially_paid/fulfilled': 'SHIPPED',
  'paid/unfulfilled': 'PAID',
  'paid/partial': 'PAID',
  'paid/fulfilled': 'SHIPPED',
  'partially_refunded/unfulfilled': 'REFUNDING',
  'partially_refunded/partial': 'REFUNDING',
  'partially_refunded/fulfilled': 'REFUNDING',
  'partially_refunded/restocked': 'REFUNDING',
  'refunded/unfulfilled': 'REFUNDED',
  'refunded/partial': 'REFUNDED',
  'refunded/fulfilled': 'REFUNDED',
  'refunded/restocked': 'REFUNDED',
  'voided/unfulfilled': 'CANCELLED',
  'expired/unfulfilled': 'CLOSED',

  // Cancelled orders (cancelled_at set): the cancellation decides, whatever shipped.
  'pending/unfulfilled/cancelled': 'CANCELLED',
  'pending/partial/cancelled': 'CANCELLED',
  'pending/fulfilled/cancelled': 'CANCELLED',
  'pending/restocked/cancelled': 'CANCELLED',
  'authorized/unfulfilled/cancelled': 'CANCELLED',
  'authorized/partial/cancelled': 'CANCELLED',
  'authorized/fulfilled/cancelled': 'CANCELLED',
  'authorized/restocked/cancelled': 'CANCELLED',
  'partially_paid/unfulfilled/cancelled': 'CANCELLED',
  'partially_paid/partial/cancelled': 'CANCELLED',
  'partially_paid/fulfilled/cancelled': 'CANCELLED',
  'partially_paid/restocked/cancelled': 'CANCELLED',
  'paid/unfulfilled/cancelled': 'CANCELLED',
  'paid/partial/cancelled': 'CANCELLED',
  'paid/fulfilled/cancelled': 'CANCELLED',
  'paid/restocked/cancelled': 'CANCELLED',
  'partially_refunded/unfulfilled/cancelled': 'CANCELLED',
  'partially_refunded/partial/cancelled': 'CANCELLED',
  'partially_refunded/fulfilled/cancelled': 'CANCELLED',
  'partially_refunded/restocked/cancelled': 'CANCELLED',
  'refunded/unfulfilled/cancelled': 'REFUNDED',
  'refunded/partial/cancelled': 'REFUNDED',
  'refunded/fulfilled/cancelled': 'REFUNDED',
  'refunded/restocked/cancelled': 'REFUNDED',
  'voided/unfulfilled/cancelled': 'CANCELLED',
  'voided/partial/cancelled': 'CANCELLED',
  'voided/fulfilled/cancelled': 'CANCELLED',
  'voided/restocked/cancelled': 'CANCELLED',
  'expired/unfulfilled/cancelled': 'CANCELLED',
  'expired/partial/cancelled': 'CANCELLED',
  'expired/fulfilled/cancelled': 'CANCELLED',
  'expired/restocked/cancelled': 'CANCELLED',
});

type StatusFields = Pick<ShopifyOrder, 'financial_status' | 'fulfillment_status' | 'cancelled_at'>;

/** The lookup key, which is also the audit string kept as channelStatus ("paid/unfulfilled"). */
export function shopifyStatusKey(order: StatusFields): string {
  const financial = order.financial_status ?? 'null';
  const fulfillment = order.fulfillment_status ?? 'unfulfilled';
  return `${financial}/${fulfillment}${order.cancelled_at ? '/cancelled' : ''}`;
}

/** Own-property lookup only, so keys like "constructor" or "__proto__" can never match. */
export function lookupStatus(key: string): OrderStatus | undefined {
  return Object.hasOwn(statusMap, key) ? statusMap[key] : undefined;
}
