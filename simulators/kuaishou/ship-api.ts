import type { KuaishouOrder } from '../../connectors/kuaishou/payload.js';
import type { ShipFault } from '../kit/index.js';
import { SIM_ERRORS } from './errors.js';

/** Faults the ship endpoint can be told to answer with, for the next n calls. */
export type KuaishouSimFault = ShipFault;

export interface KuaishouSimShipment {
  orderId: number;
  expressNo: string;
  expressCode: number;
}

/** Express codes the simulated platform knows (its 快递公司 list): carriers.ts defaults plus a few. */
export const SIM_EXPRESS_CODES: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]);

/** open.seller.order.goods.deliver: 30 (paid) → 40 (shipped); the same expressNo again is a success. */
export function deliver(paramText: string | undefined, orders: Map<number, KuaishouOrder>, shipments: KuaishouSimShipment[], at: number): { result: number } {
  // orderId stays a JS number, as the simulator keys orders.
  let param: { orderId?: unknown; expressNo?: unknown; expressCode?: unknown };
  try {
    param = JSON.parse(paramText ?? '') as typeof param;
  } catch {
    return SIM_ERRORS.param;
  }
  const { orderId, expressNo, expressCode } = param;
  if (typeof orderId !== 'number') return SIM_ERRORS.param;
  if (typeof expressNo !== 'string' || !expressNo.trim() || typeof expressCode !== 'number' || !SIM_EXPRESS_CODES.has(expressCode)) return SIM_ERRORS.express;
  const order = orders.get(orderId);
  if (!order) return SIM_ERRORS.orderNotFound;
  const base = order.orderBaseInfo;
  const logistics = (order.orderLogisticsInfo ?? []) as Array<{ expressNo?: string }>;
  if (base.status === 40 && logistics.some((l) => l.expressNo === expressNo)) return { result: 1 };
  if (base.status !== 30) return SIM_ERRORS.notShippable;
  orders.set(orderId, {
    ...order,
    orderBaseInfo: { ...base, status: 40, updateTime: at, sendTime: at },
    orderLogisticsInfo: [{ expressNo, expressCode, logisticsId: shipments.length + 1 }],
  });
  shipments.push({ orderId, expressNo, expressCode });
  return { result: 1 };
}
