import type { DouyinShopOrder } from '../../connectors/douyin/payload.js';
import type { FaultQueue, ShipFault } from '../kit/index.js';
import { withDouyinStatus } from './orders.js';
import { apiError, type DouyinAnswer } from './query-api.js';

export type { ShipFault } from '../kit/index.js';

export interface SimShipment {
  orderId: string;
  companyCode: string;
  logisticsCode: string;
}

/** Courier codes the simulated shop has enabled (a subset). */
const KNOWN_COMPANIES = new Set(['shunfeng', 'zhongtong', 'yuantong', 'jd', 'yunda', 'shentong', 'ems']);

/** order.logisticsAdd (订单发货): a paid order (备货中 / 部分发货) moves to 已发货 at the current time. */
export function logisticsAdd(
  paramJson: string,
  orders: Map<string, DouyinShopOrder>,
  shipments: SimShipment[],
  faults: FaultQueue<ShipFault>,
  now: number,
): DouyinAnswer {
  if (faults.takeIf('rate-limit')) return apiError(50002, '服务繁忙', 'isp.flow-limit', '当前请求过于频繁，请稍后重试');
  let p: { order_id?: unknown; company_code?: unknown; logistics_code?: unknown };
  try {
    p = JSON.parse(paramJson);
  } catch {
    return apiError(40002, '参数错误', 'isv.parameter-invalid', 'param_json');
  }
  const order = orders.get(String(p.order_id ?? ''));
  if (!order) return apiError(50002, '业务处理失败', 'isv.business-failed:order-not-exist', '订单不存在');
  if (order.order_status === 3 || order.order_status === 5)
    return apiError(50002, '业务处理失败', 'isv.business-failed:order-shipped', '订单已发货，请勿重复发货');
  if (order.order_status !== 2 && order.order_status !== 101)
    return apiError(50002, '业务处理失败', 'isv.business-failed:status', `订单状态${order.order_status}不允许发货`);
  if (!KNOWN_COMPANIES.has(String(p.company_code ?? ''))) return apiError(40002, '参数错误', 'isv.parameter-invalid:company_code', '物流公司不存在');
  if (!p.logistics_code) return apiError(40002, '参数错误', 'isv.parameter-invalid:logistics_code', '运单号不能为空');
  orders.set(order.order_id, withDouyinStatus(order, 3, new Date(now)));
  shipments.push({ orderId: order.order_id, companyCode: String(p.company_code), logisticsCode: String(p.logistics_code) });
  return { code: 10000, body: { code: 10000, msg: 'success', sub_code: '', sub_msg: '', log_id: 'SIMLOG0000000000000002', data: {} } };
}
