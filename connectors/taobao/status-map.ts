import type { OrderStatus } from '../../topics/schemas/order-event.js';
import type { TaobaoTrade } from './payload.js';

/*
 * Taobao's trade status, folded with two other facts into one key (which is also the event's
 * channelStatus, so an auditor can look any event up here):
 *
 *   key = status
 *       + `/${step_trade_status}`   only while status is WAIT_BUYER_PAY on a presale (step) trade
 *       + refund overlay            from the lines' refund_status, when any line has a refund:
 *           "/REFUND_IN_PROGRESS"   some line is WAIT_SELLER_AGREE, WAIT_BUYER_RETURN_GOODS,
 *                                   WAIT_SELLER_CONFIRM_GOODS or SELLER_REFUSE_BUYER
 *           "/REFUNDED"             otherwise, every line is SUCCESS
 *           "/PARTLY_REFUNDED"      otherwise, some line is SUCCESS
 *   (NO_REFUND and CLOSED — a refund request that was withdrawn or rejected — add nothing.)
 *
 * Why: Taobao keeps the trade status at e.g. WAIT_SELLER_SEND_GOODS while a refund runs on a
 * line; only when every line is refunded does the trade become TRADE_CLOSED. Without the overlay
 * a refund would be invisible. A deposit-paid presale stays WAIT_BUYER_PAY until the final
 * payment; the step status tells the stages apart.
 *
 * Rules (README has the sources):
 * - unpaid (WAIT_BUYER_PAY, TRADE_NO_CREATE_PAY, PAY_PENDING, WAIT_PRE_AUTH_CONFIRM) → CREATED,
 *   also for a presale whose deposit is paid but final payment is not: not fully paid.
 * - WAIT_SELLER_SEND_GOODS and PAID_FORBID_CONSIGN (paid, shipping blocked) → PAID.
 * - SELLER_CONSIGNED_PART → PAID: not everything shipped yet (same rule as Shopify "partial").
 * - WAIT_BUYER_CONFIRM_GOODS → SHIPPED; TRADE_BUYER_SIGNED (COD signed for) → DELIVERED;
 *   TRADE_FINISHED → COMPLETED.
 * - TRADE_CLOSED (closed after payment because the buyer was refunded) → REFUNDED;
 *   TRADE_CLOSED_BY_TAOBAO (closed before payment) → CANCELLED.
 * - refund overlay on a paid trade: in progress or partly refunded → REFUNDING, all lines → REFUNDED.
 * Combinations not listed (a refund on an unpaid trade, WAIT_BUYER_PAY with the final payment
 * made, …) are dead-lettered for a human rather than guessed.
 */
const PAID_STATES = [
  'WAIT_SELLER_SEND_GOODS',
  'PAID_FORBID_CONSIGN',
  'SELLER_CONSIGNED_PART',
  'WAIT_BUYER_CONFIRM_GOODS',
  'TRADE_BUYER_SIGNED',
  'TRADE_FINISHED',
] as const;

export const statusMap: Readonly<Record<string, OrderStatus>> = Object.freeze({
  WAIT_BUYER_PAY: 'CREATED',
  TRADE_NO_CREATE_PAY: 'CREATED',
  PAY_PENDING: 'CREATED',
  WAIT_PRE_AUTH_CONFIRM: 'CREATED',
  'WAIT_BUYER_PAY/FRONT_NOPAID_FINAL_NOPAID': 'CREATED',
  'WAIT_BUYER_PAY/FRONT_PAID_FINAL_NOPAID': 'CREATED',
  WAIT_SELLER_SEND_GOODS: 'PAID',
  PAID_FORBID_CONSIGN: 'PAID',
  SELLER_CONSIGNED_PART: 'PAID',
  WAIT_BUYER_CONFIRM_GOODS: 'SHIPPED',
  TRADE_BUYER_SIGNED: 'DELIVERED',
  TRADE_FINISHED: 'COMPLETED',
  TRADE_CLOSED: 'REFUNDED',
  'TRADE_CLOSED/REFUNDED': 'REFUNDED',
  TRADE_CLOSED_BY_TAOBAO: 'CANCELLED',
  ...Object.fromEntries(
    PAID_STATES.flatMap((s) => [
      [`${s}/REFUND_IN_PROGRESS`, 'REFUNDING'],
      [`${s}/PARTLY_REFUNDED`, 'REFUNDING'],
      [`${s}/REFUNDED`, 'REFUNDED'],
    ]),
  ),
});

const REFUND_IN_PROGRESS = new Set(['WAIT_SELLER_AGREE', 'WAIT_BUYER_RETURN_GOODS', 'WAIT_SELLER_CONFIRM_GOODS', 'SELLER_REFUSE_BUYER']);

type StatusFields = Pick<TaobaoTrade, 'status' | 'step_trade_status' | 'orders'>;

export function refundOverlay(lines: StatusFields['orders']['order']): string {
  const states = lines.map((l) => l.refund_status ?? 'NO_REFUND');
  if (states.some((s) => REFUND_IN_PROGRESS.has(s))) return '/REFUND_IN_PROGRESS';
  if (states.length > 0 && states.every((s) => s === 'SUCCESS')) return '/REFUNDED';
  if (states.some((s) => s === 'SUCCESS')) return '/PARTLY_REFUNDED';
  return '';
}

export function taobaoStatusKey(trade: StatusFields): string {
  const step = trade.status === 'WAIT_BUYER_PAY' && trade.step_trade_status ? `/${trade.step_trade_status}` : '';
  return `${trade.status}${step}${refundOverlay(trade.orders.order)}`;
}

/** Own-property lookup only, so "constructor" or "__proto__" never match. */
export function lookupStatus(key: string): OrderStatus | undefined {
  return Object.hasOwn(statusMap, key) ? statusMap[key] : undefined;
}
