import type { MeituanOrder } from '../../connectors/meituan/payload.js';
import { json, type SimResponse, type SimRoute } from '../kit/index.js';
import type { MeituanOrders } from './orders.js';

/*
 * The order API: order/getOrderIdByDaySeq and order/getOrderDetail. order_id and money are bare
 * JSON numbers, as Meituan sends them (ids beyond 2^53 included).
 */

/** Meituan's refusal: {"data":"ng","error":{code,msg}}. */
export const ng = (code: number, msg: string): SimResponse => json({ data: 'ng', error: { code, msg } });

/** Fields Meituan's order API writes as JSON numbers / booleans rather than strings. */
const NUMERIC = new Set([
  'order_id',
  'wm_order_id_view',
  'status',
  'logistics_status',
  'ctime',
  'utime',
  'total',
  'original_price',
  'shipping_fee',
  'city_id',
  'has_invoiced',
  'delivery_time',
  'is_third_shipping',
  'pay_type',
  'pick_type',
  'latitude',
  'longitude',
  'day_seq',
  'dinners_number',
  'avg_send_time',
]);
const BOOLEAN = new Set(['is_favorites', 'is_poi_first_order', 'is_pre_sale_order']);

/** Renders an order the way order/getOrderDetail does: numbers bare (bigints included), booleans bare. */
export function renderOrderDetailJson(order: MeituanOrder): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(order)) {
    if (typeof v !== 'string') continue;
    const raw = (NUMERIC.has(k) && /^-?\d+(\.\d+)?$/.test(v)) || (BOOLEAN.has(k) && (v === 'true' || v === 'false'));
    parts.push(`${JSON.stringify(k)}:${raw ? v : JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Routes over the parameters of authentic requests. */
export function queryApi(orders: MeituanOrders): SimRoute<Record<string, string>>[] {
  return [
    {
      method: 'ANY',
      path: '/api/v1/order/getOrderIdByDaySeq',
      handler: (params) => {
        const id = orders.idByDaySeq(params.app_poi_code, params.date_time, Number(params.day_seq));
        return id ? json(`{"data":{"order_id":${id}}}`) : ng(808, '订单不存在');
      },
    },
    {
      method: 'ANY',
      path: '/api/v1/order/getOrderDetail',
      handler: (params) => {
        const order = orders.byId.get(params.order_id ?? '');
        return order ? json(`{"data":${renderOrderDetailJson(order)}}`) : ng(808, '订单不存在');
      },
    },
  ];
}
