import type { JdOrder } from '../../connectors/jd/payload.js';
import { JD_CALL_LIMIT_CODE } from '../../connectors/jd/stock.js';
import { JD_UNFILLABLE_METHOD } from '../../connectors/jd/unfillable.js';
import { type FaultQueue, json, type ShipFault, type SimResponse } from '../kit/index.js';
import { withState } from './orders.js';

/*
 * jingdong.order.orderDelete.apply (删单申请), behind the router's sign / token checks like every
 * JOS method: {order_id, del_apply_type 1–9, del_apply_reason}. Answer
 * jingdong_order_orderDelete_apply_responce {code, result {success, resultCode, resultDescribe}}
 * (ApiJosResult in the JOS Java SDK). JD reviews an application before it deletes the order; the
 * simulator approves it at once: the order moves to TRADE_CANCELED with modified = now, so enSearch
 * (pull) returns it cancelled. JD has no push for orders (the hub polls), so nothing is pushed.
 * Listing stock is left as it is. Refusals (result codes and texts are the simulator's, UNVERIFIED):
 * an unknown order, an order already handed to delivery, a LOCKED order (the buyer's own
 * cancellation is being decided), and an order already cancelled ("订单已取消").
 */
/** Faults a cancellation call answers instead of doing the work: HTTP 503, code 67, or an answer that comes after `slowMs`. */
export type CancelFault = ShipFault | 'timeout';

export interface SimOrderDelete {
  orderId: string;
  delApplyType: number;
  delApplyReason: string;
}

/** States a vendor may still ask JD to delete (not yet out of the warehouse). */
const DELETABLE = new Set(['WAIT_SELLER_STOCK_OUT', 'WAIT_SELLER_DELIVERY', 'PAUSE', 'POP_ORDER_PAUSE', 'WAIT_SEND_CODE']);
const CANCELLED = new Set(['TRADE_CANCELED', 'PARENT_TRADE_CANCELED']);

const responseKey = `${JD_UNFILLABLE_METHOD.replaceAll('.', '_')}_responce`;
const answer = (success: boolean, resultCode: string, resultDescribe: string) =>
  json({ [responseKey]: { code: '0', result: { success, resultCode, resultDescribe } } });
const routerError = (code: string, zh: string, en: string) => json({ error_response: { code, zh_desc: zh, en_desc: en } });

export interface CancelApiOptions {
  orders: Map<string, JdOrder>;
  deletes: SimOrderDelete[];
  faults: FaultQueue<CancelFault>;
  /** How long a 'timeout' fault holds the answer back. */
  slowMs: () => number;
  /** Answers held back by 'timeout' faults, until they go out. */
  held: Set<Promise<unknown>>;
}

export function cancelApi(opts: CancelApiOptions): Record<string, (biz: Record<string, unknown> | undefined) => Promise<SimResponse>> {
  return {
    [JD_UNFILLABLE_METHOD]: async (biz) => {
      const fault = opts.faults.take();
      if (fault === 'server-error') return { status: 503, contentType: 'text/plain', body: 'Service Unavailable' };
      if (fault === 'rate-limit') return routerError(JD_CALL_LIMIT_CODE, '调用次数超限', 'Call limit exceeded');
      const outcome = apply(biz, opts);
      if (fault === 'timeout') {
        const wait = new Promise((r) => setTimeout(r, opts.slowMs()));
        opts.held.add(wait);
        await wait;
        opts.held.delete(wait);
      }
      return outcome;
    },
  };
}

function apply(biz: Record<string, unknown> | undefined, { orders, deletes }: CancelApiOptions): SimResponse {
  if (!biz) return routerError('61', '参数错误', 'Invalid 360buy_param_json');
  const orderId = String(biz.order_id ?? '');
  const type = Number(biz.del_apply_type);
  if (!/^\d+$/.test(orderId)) return routerError('61', '参数错误', 'order_id is required');
  if (!Number.isInteger(type) || type < 1 || type > 9) return routerError('61', '参数错误', 'del_apply_type must be 1-9');
  const reason = typeof biz.del_apply_reason === 'string' ? biz.del_apply_reason : '';
  if (type === 9 && !reason) return answer(false, '10500003', '删单类型为其他时必须填写删单原因');
  const order = orders.get(orderId);
  if (!order) return answer(false, '10500001', '订单不存在');
  if (CANCELLED.has(order.orderState)) return answer(false, '10500004', '订单已取消，不能重复申请删单');
  if (order.orderState === 'LOCKED') return answer(false, '10500005', '订单已锁定（用户申请取消中），不能申请删单');
  if (!DELETABLE.has(order.orderState)) return answer(false, '10500002', `订单状态${order.orderState}已出库，不能申请删单`);
  orders.set(orderId, withState(order, 'TRADE_CANCELED', new Date()));
  deletes.push({ orderId, delApplyType: type, delApplyReason: reason });
  return answer(true, '0', '删单申请成功');
}
