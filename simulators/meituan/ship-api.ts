import { LOGISTICS_SYNC_PATH, MEITUAN_SHIP_CODES } from '../../connectors/meituan/ship.js';
import { type FaultQueue, json, type ShipFault, type SimResponse, type SimRoute } from '../kit/index.js';
import type { MeituanOrders } from './orders.js';
import { ng } from './query-api.js';

/** Faults the logistics-sync endpoint can be told to answer with, for the next n calls. */
export type MeituanSimFault = ShipFault;

/** One accepted ecommerce/order/logistics/sync call: its application parameters. */
export type MeituanSimShipment = Record<string, string>;

/** logistics_provider_code values of docDetail/355 (10001 顺丰 … 10017 其他, 10032 美团跑腿). */
export const SIM_LOGISTICS_PROVIDERS: ReadonlySet<string> = new Set([...Array.from({ length: 17 }, (_, i) => String(10001 + i)), '10032']);
const SIM_LOGISTICS_STATUSES = new Set(['0', '1', '5', '10', '15', '20', '40', '100']);
const SYNC_REQUIRED = [
  'order_id',
  'third_carrier_order_id',
  'courier_name',
  'courier_phone',
  'logistics_provider_code',
  'logistics_status',
  'latitude',
  'longitude',
];

export const SYNC_PATH = `/api/v1/${LOGISTICS_SYNC_PATH}`;

/** An injected fault answers the sync call before it is even authenticated. */
export function syncFault(faults: FaultQueue<MeituanSimFault>): SimResponse | undefined {
  const fault = faults.take();
  if (fault === 'server-error') return { status: 502, contentType: 'text/html', body: '<html>502 Bad Gateway</html>' };
  return fault === 'rate-limit' ? ng(MEITUAN_SHIP_CODES.rateLimited, '超过流量限制') : undefined;
}

/** ecommerce/order/logistics/sync (自配送同步配送信息): a confirmed (4) order takes the delivery state; utime moves. */
export function shipApi(orders: MeituanOrders, shipments: MeituanSimShipment[]): SimRoute<Record<string, string>>[] {
  return [
    {
      method: 'POST',
      path: SYNC_PATH,
      handler: (params) => {
        const missing = SYNC_REQUIRED.filter((k) => !params[k]);
        if (missing.length > 0) return ng(701, `缺少参数: ${missing.join(',')}`);
        if (!SIM_LOGISTICS_PROVIDERS.has(params.logistics_provider_code!)) return ng(701, 'logistics_provider_code不合法');
        if (!SIM_LOGISTICS_STATUSES.has(params.logistics_status!)) return ng(701, 'logistics_status不合法');
        const order = orders.byId.get(params.order_id!);
        if (!order) return ng(MEITUAN_SHIP_CODES.orderNotFound, '订单不存在');
        if (order.status !== '4') return ng(MEITUAN_SHIP_CODES.statusForbids, `订单状态不允许同步配送信息: ${order.status}`);
        orders.byId.set(order.order_id, { ...order, logistics_status: params.logistics_status!, utime: String(Math.floor(Date.now() / 1000)) });
        shipments.push(Object.fromEntries(SYNC_REQUIRED.map((k) => [k, params[k]!])));
        return json('{"data":"ok"}');
      },
    },
  ];
}
