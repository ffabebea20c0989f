import type { OrderStatus } from '../../topics/schemas/order-event.js';
import type { MeituanOrder } from './payload.js';

/*
 * Meituan reports the order status and, separately, the delivery (logistics) status. Pushes of
 * paid / confirmed orders carry `status` only; order details (pull) also carry
 * `logistics_status`. The lookup key is therefore
 *
 *   key = status                          when logistics_status is absent or empty
 *   key = `${status}/${logistics_status}` otherwise
 *
 * and the key is the event's channelStatus. Values:
 *   status: 1 user submitted, 2 pushed to the merchant (paid), 4 merchant confirmed,
 *           8 completed, 9 cancelled (current docs); 3 merchant received and 6 delivered appear in
 *           older integrations (legacy, mapped so they are not dead-lettered).
 *   logistics_status: 0 sent to delivery, 5 held by the delivery side, 10 confirmed (rider
 *           assigned), 15 rider at the store, 20 rider picked up, 40 delivered, 100 delivery cancelled.
 *
 * Rules (README has the reasoning): submitted → CREATED; pushed/received → PAID (Meituan pushes
 * only paid orders); confirmed → ALLOCATED until the rider picks up (SHIPPED) and delivers
 * (DELIVERED); a cancelled delivery order leaves the order confirmed (ALLOCATED); completed and
 * cancelled are final whatever the delivery says. Combinations that should not exist (a rider
 * picking up an unconfirmed order) are left out and dead-lettered.
 */
const LOGISTICS = ['0', '5', '10', '15', '20', '40', '100'] as const;

function everyLogistics(status: string, canonical: OrderStatus): Record<string, OrderStatus> {
  return Object.fromEntries(LOGISTICS.map((l) => [`${status}/${l}`, canonical]));
}

export const statusMap: Readonly<Record<string, OrderStatus>> = Object.freeze({
  // Order pushes (no logistics_status).
  '1': 'CREATED',
  '2': 'PAID',
  '3': 'PAID',
  '4': 'ALLOCATED',
  '6': 'SHIPPED',
  '8': 'COMPLETED',
  '9': 'CANCELLED',
  // Order details: before confirmation the delivery order is at most "sent" (0).
  '1/0': 'CREATED',
  '2/0': 'PAID',
  '3/0': 'PAID',
  // Confirmed: the delivery decides how far the goods got.
  '4/0': 'ALLOCATED',
  '4/5': 'ALLOCATED',
  '4/10': 'ALLOCATED',
  '4/15': 'ALLOCATED',
  '4/20': 'SHIPPED',
  '4/40': 'DELIVERED',
  '4/100': 'ALLOCATED',
  // Legacy "delivered" order status with the matching delivery states.
  '6/20': 'SHIPPED',
  '6/40': 'DELIVERED',
  // Final states win over whatever the delivery reports.
  ...everyLogistics('8', 'COMPLETED'),
  ...everyLogistics('9', 'CANCELLED'),
});

type StatusFields = Pick<MeituanOrder, 'status' | 'logistics_status'>;

export function meituanStatusKey(order: StatusFields): string {
  const logistics = order.logistics_status?.trim();
  return logistics ? `${order.status}/${logistics}` : order.status;
}

/** Own-property lookup only, so "constructor" or "__proto__" never match. */
export function lookupStatus(key: string): OrderStatus | undefined {
  return Object.hasOwn(statusMap, key) ? statusMap[key] : undefined;
}

/*
 * Slim pushes (push-kind.ts): no order status, only the change they announce. Keys are the
 * slimStatusKey() forms. Mapped only where the documented field says what happened to the order;
 * everything else (refund rejected or withdrawn, a failed refund, intermediate after-sale steps,
 * a delivery order that was only sent (0: the order may still be unconfirmed) or cancelled (100:
 * the order may be cancelled too, or re-dispatched)) is left out and dead-lettered with a reason.
 *
 *   cancel                 CANCELLED  取消订单推送: the user, merchant, support or system cancelled it
 *   refund/apply           REFUNDING  全额退款: the user asked for a full refund
 *   refund/agree           REFUNDED   全额退款: the refund was agreed (merchant, support, or automatically)
 *   refund/aftersale-1     REFUNDING  return-flow stores: after-sale request filed (已申请)
 *   partrefund/apply       REFUNDING  部分退款 requested
 *   partrefund/part        REFUNDING  部分退款 started by the merchant (value seen in integrations, unverified)
 *   partrefund/aftersale-1 REFUNDING
 *   partrefund/agree       REFUNDING  a partial refund leaves the order partly refunded (as Shopify's partially_refunded)
 *   refund_status/3        REFUNDED   退款状态: full refund succeeded
 *   refund_status/13       REFUNDING  退款状态: partial refund succeeded
 *   logistics/5,10,15      ALLOCATED  the delivery side holds / accepted / is at the store: the order is
 *                                     confirmed (the order table only allows these with status 4)
 *   logistics/20           SHIPPED    rider picked up
 *   logistics/40           DELIVERED  rider delivered
 */
export const slimStatusMap: Readonly<Record<string, OrderStatus>> = Object.freeze({
  cancel: 'CANCELLED',
  'refund/apply': 'REFUNDING',
  'refund/agree': 'REFUNDED',
  'refund/aftersale-1': 'REFUNDING',
  'partrefund/apply': 'REFUNDING',
  'partrefund/part': 'REFUNDING',
  'partrefund/aftersale-1': 'REFUNDING',
  'partrefund/agree': 'REFUNDING',
  'refund_status/3': 'REFUNDED',
  'refund_status/13': 'REFUNDING',
  'logistics/5': 'ALLOCATED',
  'logistics/10': 'ALLOCATED',
  'logistics/15': 'ALLOCATED',
  'logistics/20': 'SHIPPED',
  'logistics/40': 'DELIVERED',
});

export function lookupSlimStatus(key: string): OrderStatus | undefined {
  return Object.hasOwn(slimStatusMap, key) ? slimStatusMap[key] : undefined;
}

/** Every channelStatus this connector emits (order pushes, details and slim pushes), for ChannelConnector.statusMap. */
export const channelStatusMap: Readonly<Record<string, OrderStatus>> = Object.freeze({ ...statusMap, ...slimStatusMap });
