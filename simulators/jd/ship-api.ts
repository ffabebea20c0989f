import type { JdOrder } from '../../connectors/jd/payload.js';
import { withState } from './orders.js';
import type { JosMethods } from './server.js';

export type { ShipFault } from '../kit/index.js';

/** jingdong.pop.order.shipment (SOP 出库): moves the order to WAIT_GOODS_RECEIVE_CONFIRM at the current time. */
export interface SimShipment {
  orderId: string;
  logiCoprId: string;
  logiNo: string;
}

/** States in which the vendor ships (出库); and the ones after it, where a repeat is "already shipped". */
const SHIPPABLE = new Set(['WAIT_SELLER_STOCK_OUT']);
const SHIPPED = new Set(['SEND_TO_DISTRIBUTION_CENER', 'DISTRIBUTION_CENTER_RECEIVED', 'WAIT_GOODS_RECEIVE_CONFIRM', 'RECEIPTS_CONFIRM', 'FINISHED_L']);
/** Company ids the simulated vendor has enabled. */
const KNOWN_COMPANIES = new Set(['467', '1499', '463', '2087', '1327', '470', '465']);

function ship(biz: Record<string, unknown> | undefined, orders: Map<string, JdOrder>, shipments: SimShipment[]) {
  const fail = (zh: string, en: string) => ({ success: false, chineseErr: zh, englishErr: en });
  if (!biz) return fail('参数错误', 'Invalid 360buy_param_json');
  const orderId = String(biz.orderId ?? '');
  const order = orders.get(orderId);
  if (!order) return fail('订单不存在', 'order does not exist');
  if (SHIPPED.has(order.orderState)) return fail('订单已出库', 'order already shipped');
  if (!SHIPPABLE.has(order.orderState)) return fail(`订单状态${order.orderState}不允许出库`, 'order state does not allow shipment');
  if (!KNOWN_COMPANIES.has(String(biz.logiCoprId ?? ''))) return fail('物流公司不存在', 'unknown logistics company');
  if (!biz.logiNo) return fail('运单号不能为空', 'logiNo is required');
  orders.set(orderId, withState(order, 'WAIT_GOODS_RECEIVE_CONFIRM', new Date()));
  shipments.push({ orderId, logiCoprId: String(biz.logiCoprId), logiNo: String(biz.logiNo) });
  return { success: true, chineseErr: '', englishErr: '' };
}

export function shipApi(orders: Map<string, JdOrder>, shipments: SimShipment[]): JosMethods {
  return {
    'jingdong.pop.order.shipment': (biz) => ({ jingdong_pop_order_shipment_responce: { code: '0', sopjosshipment_result: ship(biz, orders, shipments) } }),
  };
}
