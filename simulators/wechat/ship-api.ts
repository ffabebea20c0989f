import type { WechatOrder } from '../../connectors/wechat/payload.js';
import { DELIVERY_SEND_PATH } from '../../connectors/wechat/ship.js';
import type { ShipFault } from '../kit/index.js';
import { SIM_ERRORS } from './errors.js';
import type { WechatRoute } from './server.js';

/** Faults the ship endpoint can be told to answer with, for the next n calls. */
export type WechatSimFault = ShipFault;

export interface WechatSimShipment {
  orderId: string;
  deliveryId: string;
  waybillId: string;
  products: Array<{ product_id: string; sku_id: string; product_cnt: number }>;
}

/** delivery_ids the simulated deliverycompanylist/new/get lists (a subset of the documented table). */
export const SIM_DELIVERY_IDS: ReadonlySet<string> = new Set(['ZTO', 'YTO', 'YUNDA', 'JTSD', 'STO', 'SF', 'JD', 'EMS']);

/** /channels/ec/order/delivery/send (订单发货): every product of a 20/21 order in one parcel → 30 (待收货); refuses what WeChat would. */
export function shipApi(orders: Map<string, WechatOrder>, shipments: WechatSimShipment[]): WechatRoute[] {
  return [
    {
      path: DELIVERY_SEND_PATH,
      handler: (body) => {
        const order = orders.get(String(body.order_id));
        if (!order) return SIM_ERRORS.notFound;
        const parcels = Array.isArray(body.delivery_list) ? (body.delivery_list as Array<Record<string, unknown>>) : [];
        if (parcels.length !== 1) return SIM_ERRORS.invalidArgs;
        const parcel = parcels[0]!;
        const products = Array.isArray(parcel.product_infos) ? (parcel.product_infos as WechatSimShipment['products']) : [];
        const known = new Set(order.order_detail.product_infos.map((p) => String(p.product_id)));
        if (typeof parcel.delivery_id !== 'string' || !SIM_DELIVERY_IDS.has(parcel.delivery_id)) return SIM_ERRORS.invalidArgs;
        if (typeof parcel.waybill_id !== 'string' || !parcel.waybill_id.trim() || parcel.deliver_type !== 1) return SIM_ERRORS.invalidArgs;
        if (products.length === 0 || products.some((p) => !known.has(String(p.product_id)) || !(p.product_cnt > 0))) return SIM_ERRORS.invalidArgs;
        if (order.status === 30 || order.status === 100) return SIM_ERRORS.alreadyShipped;
        if (order.status !== 20 && order.status !== 21) return SIM_ERRORS.statusForbids;
        const now = Math.floor(Date.now() / 1000);
        const shipped = structuredClone(order);
        shipped.status = 30;
        shipped.update_time = now;
        shipped.order_detail.delivery_info = {
          ...shipped.order_detail.delivery_info,
          delivery_product_info: [
            { waybill_id: parcel.waybill_id, delivery_id: parcel.delivery_id, deliver_type: 1, delivery_time: now, product_infos: products },
          ],
        };
        orders.set(String(order.order_id), shipped);
        shipments.push({ orderId: String(order.order_id), deliveryId: parcel.delivery_id, waybillId: parcel.waybill_id, products });
        return { errcode: 0, errmsg: 'ok' };
      },
    },
  ];
}
