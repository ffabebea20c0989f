import type { OrderStatus } from '../../topics/schemas/order-event.js';
import type { PddOrder } from './payload.js';

/*
 * PDD reports an order on several independent axes. The key folds three of them:
 *
 *   key = `${order_status}/${refund_status}/${group_status}`        e.g. "2/1/1"
 *   except a deposit (定金) order whose final payment is still due:
 *   key = `step${step_order_info.step_trade_status}/${refund_status}` e.g. "step1/1"
 *   (a missing group_status is written "-", which matches nothing → dead-lettered)
 *
 * order_status 1 awaiting shipment · 2 shipped · 3 received (signed for / confirmed)
 * refund_status 1 none or closed · 2 after-sale in progress · 3 refunding · 4 refunded
 * group_status 0 forming · 1 formed · 2 failed
 * step_trade_status 0 deposit unpaid · 1 deposit paid, final unpaid · 2 both paid
 *
 * PDD only shows orders once paid, so order_status 1 means paid. Rules:
 * - group formed: 1 → PAID, 2 → SHIPPED, 3 → COMPLETED (PDD has no later "finished" state; the
 *   pdd_trade_TradeSuccess message fires on receipt).
 * - group forming: paid, but not shippable yet → PAID. Group failed: PDD voids the order and
 *   refunds the buyer → CANCELLED (REFUNDING/REFUNDED once the refund shows).
 * - refund_status 2 or 3 → REFUNDING, 4 → REFUNDED, whatever the other axes.
 * - deposit stages before the final payment → CREATED (not fully paid).
 * confirm_status is not part of the key: it tracks the group (0 while forming, 1 formed, 2 when
 * the order is cancelled, which PDD reports with refund_status 4). is_pre_sale only sets presale.
 * Combinations not listed (shipped while the group is forming, a refund on an unpaid deposit, …)
 * are dead-lettered rather than guessed.
 */
const entries: Array<[string, OrderStatus]> = [];
for (const os of [1, 2, 3] as const) {
  entries.push([`${os}/1/1`, os === 1 ? 'PAID' : os === 2 ? 'SHIPPED' : 'COMPLETED']);
  entries.push([`${os}/2/1`, 'REFUNDING'], [`${os}/3/1`, 'REFUNDING'], [`${os}/4/1`, 'REFUNDED']);
}
entries.push(['1/1/0', 'PAID'], ['1/2/0', 'REFUNDING'], ['1/3/0', 'REFUNDING'], ['1/4/0', 'REFUNDED']);
entries.push(['1/1/2', 'CANCELLED'], ['1/2/2', 'REFUNDING'], ['1/3/2', 'REFUNDING'], ['1/4/2', 'REFUNDED']);
entries.push(['step0/1', 'CREATED'], ['step1/1', 'CREATED'], ['step1/2', 'REFUNDING'], ['step1/3', 'REFUNDING'], ['step1/4', 'REFUNDED']);

export const statusMap: Readonly<Record<string, OrderStatus>> = Object.freeze(Object.fromEntries(entries));

type StatusFields = Pick<PddOrder, 'order_status' | 'refund_status' | 'group_status' | 'trade_type' | 'step_order_info'>;

export function pddStatusKey(order: StatusFields): string {
  const step = order.step_order_info?.step_trade_status;
  if (order.trade_type === 1 && (step === 0 || step === 1)) return `step${step}/${order.refund_status}`;
  return `${order.order_status}/${order.refund_status}/${order.group_status ?? '-'}`;
}

export function lookupStatus(key: string): OrderStatus | undefined {
  return Object.hasOwn(statusMap, key) ? statusMap[key] : undefined;
}
