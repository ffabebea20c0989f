import { MEITUAN_CANCEL_CODES, ORDER_CANCEL_PATH } from '../../connectors/meituan/unfillable.js';
import { type FaultQueue, json, type ShipFault, type SimResponse, type SimRoute } from '../kit/index.js';
import { type MeituanOrders, withStatus } from './orders.js';
import { cancellationFields } from './push.js';
import { ng } from './query-api.js';

/*
 * 商家取消订单, order/cancel (open-shangou docDetail/114; connectors/meituan/README.md "Paid orders
 * the hub cannot fill"), behind the simulator's signature check, GET with the parameters in the
 * query as integrators call it (any method is routed, as the other order APIs here).
 *
 * As documented, the merchant may cancel from receipt until the order completes: a paid (2/3),
 * confirmed (4, whatever the delivery state) or legacy delivered (6) order becomes cancelled (9),
 * utime moves, so order/getOrderDetail (pull) returns it cancelled. A completed (8) order is
 * refused, an unknown one is 808, and one cancelled already is refused (the stand-in code, as
 * Meituan's answer for it is not documented). Listing stock is not touched. Each cancellation
 * records the 取消订单推送 fields Meituan would push to the store's callback (deal_op_type 6, open
 * platform: UNVERIFIED whether a merchant's own API cancellation is pushed at all); the simulator
 * delivers no pushes itself. Injected faults answer order/cancel first.
 */
export interface MeituanSimCancellation {
  orderId: string;
  reason: string;
  reasonCode: string | null;
  /** The cancellation push's fields (meituanFieldsPush signs and encodes them). */
  push: Record<string, string>;
}

export interface CancelState {
  orders: MeituanOrders;
  cancellations: MeituanSimCancellation[];
  cancelFaults: FaultQueue<ShipFault>;
}

export const CANCEL_PATH = `/api/v1/${ORDER_CANCEL_PATH}`;
const CANCELLABLE = new Set(['2', '3', '4', '6']);
/** 1301 其他原因 (the appendix's list of codes Meituan sends): the push's code when the merchant gave none. UNVERIFIED. */
const OTHER_REASON = '1301';

/** An injected fault answers the cancel call before it is even authenticated, like the logistics sync's. */
export function cancelFault(faults: FaultQueue<ShipFault>): SimResponse | undefined {
  const fault = faults.take();
  if (fault === 'server-error') return { status: 502, contentType: 'text/html', body: '<html>502 Bad Gateway</html>' };
  return fault === 'rate-limit' ? ng(MEITUAN_CANCEL_CODES.rateLimited, '超过流量限制') : undefined;
}

export function cancelApi(state: CancelState): SimRoute<Record<string, string>>[] {
  return [
    {
      method: 'ANY',
      path: CANCEL_PATH,
      handler: (params) => {
        const orderId = params.order_id ?? '';
        if (!/^\d+$/.test(orderId)) return ng(701, '缺少参数: order_id');
        const reasonCode = params.reason_code ?? null;
        if (reasonCode !== null && !/^\d{1,9}$/.test(reasonCode)) return ng(701, 'reason_code不合法');
        const order = state.orders.byId.get(orderId);
        if (!order) return ng(MEITUAN_CANCEL_CODES.orderNotFound, '订单不存在');
        if (order.status === '9') return ng(MEITUAN_CANCEL_CODES.statusForbids, '订单已取消');
        if (!CANCELLABLE.has(order.status)) return ng(MEITUAN_CANCEL_CODES.statusForbids, `订单状态不允许取消: ${order.status}`);
        state.orders.byId.set(orderId, withStatus(order, '9', new Date(), order.logistics_status));
        const reason = params.reason ?? '';
        state.cancellations.push({ orderId, reason, reasonCode, push: cancellationFields(orderId, reasonCode ?? OTHER_REASON, reason, '6') });
        return json('{"data":"ok"}');
      },
    },
  ];
}
