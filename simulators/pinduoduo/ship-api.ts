import type { PddOrder } from '../../connectors/pinduoduo/payload.js';
import type { FaultQueue, ShipFault } from '../kit/index.js';
import { withPddStatus } from './orders.js';
import type { RouterTypes } from './server.js';

export type { ShipFault } from '../kit/index.js';

/** pdd.logistics.online.send: a paid order without after-sales moves to order_status 2. */
export interface SimShipment {
  orderSn: string;
  logisticsId: string;
  trackingNumber: string;
}

/** Courier ids the simulated pdd.logistics.companies.get lists (a subset). */
const KNOWN_LOGISTICS = new Set(['44', '115', '85', '120', '121', '1']);

export function shipApi(orders: Map<string, PddOrder>, shipments: SimShipment[], faults: FaultQueue<ShipFault>): RouterTypes {
  return {
    'pdd.logistics.online.send': (params) => {
      if (faults.takeIf('rate-limit')) return { code: 70031, msg: '调用过于频繁，请调整调用频率' };
      const order = params.order_sn ? orders.get(params.order_sn) : undefined;
      if (!order) return { code: 50000, msg: '订单不存在' };
      if (order.order_status !== 1) return { code: 50000, msg: order.order_status >= 2 ? '订单已发货，请勿重复发货' : '订单状态不允许发货' };
      if (order.refund_status !== 1) return { code: 50000, msg: '订单售后中，不允许发货' };
      if (!KNOWN_LOGISTICS.has(params.logistics_id ?? '')) return { code: 10000, msg: '参数错误: logistics_id 不存在' };
      if (!params.tracking_number) return { code: 10000, msg: '参数错误: tracking_number 不能为空' };
      orders.set(order.order_sn, { ...withPddStatus(order, { order_status: 2 }, new Date()), tracking_number: params.tracking_number });
      shipments.push({ orderSn: order.order_sn, logisticsId: params.logistics_id!, trackingNumber: params.tracking_number });
      return JSON.stringify({ logistics_online_send_response: { is_success: true } });
    },
  };
}
