import type { OrderStatus } from '../../topics/schemas/order-event.js';

/*
 * JD POP orderState → canonical status. One field, so the key is the raw word, which is also the
 * event's channelStatus. README.md gives the source and the reasoning for every row.
 *
 * - Awaiting stock-out / shipment, or held (paused, awaiting a code): PAID. Stock must stay
 *   reserved; cash-on-delivery orders sit here unpaid too, and still need their stock.
 * - Goods handed to the carrier or to JD's distribution centre: SHIPPED.
 * - Finished: COMPLETED.
 * - LOCKED (the buyer asked to cancel a paid order; JD locks it while that is decided) and
 *   DELIVERY_RETURN (refused in delivery, goods returning): REFUNDING — the outcome is open.
 * - Cancelled, or cancelled through its parent order (split orders): CANCELLED.
 * UN_KNOWN ("unknown, contact JD operations") and anything else are dead-lettered.
 */
export const statusMap: Readonly<Record<string, OrderStatus>> = Object.freeze({
  WAIT_SELLER_STOCK_OUT: 'PAID',
  WAIT_SELLER_DELIVERY: 'PAID',
  PAUSE: 'PAID',
  POP_ORDER_PAUSE: 'PAID',
  WAIT_SEND_CODE: 'PAID',
  SEND_TO_DISTRIBUTION_CENER: 'SHIPPED',
  DISTRIBUTION_CENTER_RECEIVED: 'SHIPPED',
  WAIT_GOODS_RECEIVE_CONFIRM: 'SHIPPED',
  RECEIPTS_CONFIRM: 'COMPLETED',
  FINISHED_L: 'COMPLETED',
  LOCKED: 'REFUNDING',
  DELIVERY_RETURN: 'REFUNDING',
  TRADE_CANCELED: 'CANCELLED',
  PARENT_TRADE_CANCELED: 'CANCELLED',
});

/** The states pull() asks enSearch for: every documented one (JOS requires order_state). */
export const QUERY_STATES: readonly string[] = Object.keys(statusMap);

export function lookupStatus(key: string): OrderStatus | undefined {
  return Object.hasOwn(statusMap, key) ? statusMap[key] : undefined;
}
