import type { YouzanTrade } from '../../connectors/youzan/payload.js';
import { CONFIRM_PATH, YOUZAN_SHIP_CODES } from '../../connectors/youzan/ship.js';
import type { ShipFault } from '../kit/index.js';
import { withYouzanStatus } from './orders.js';
import type { YouzanRoute } from './server.js';

/** Faults the ship endpoint can be told to answer with, for the next n calls. */
export type YouzanSimFault = ShipFault;

export interface YouzanSimShipment {
  tid: string;
  outStype: string;
  outSid: string;
}

/**
 * Logistics company ids the simulated youzan.logistics.express.get would list (1 申通 … 7 顺丰速运,
 * 138 京东); see carriers.ts for which are verified.
 */
export const SIM_EXPRESS_IDS: ReadonlySet<string> = new Set(['1', '2', '3', '4', '5', '6', '7', '138']);
const SHIPPABLE = new Set(['TRADE_PAID', 'WAIT_SELLER_SEND_GOODS']);
const SHIPPED = new Set(['WAIT_BUYER_CONFIRM_GOODS', 'TRADE_SUCCESS']);

/** youzan.logistics.online.confirm 3.0.0: the trade moves to WAIT_BUYER_CONFIRM_GOODS, so trades.sold.get returns it shipped. */
export function shipApi(trades: Map<string, YouzanTrade>, shipments: YouzanSimShipment[]): YouzanRoute[] {
  return [
    {
      path: CONFIRM_PATH,
      handler: (body) => {
        const refuse = (code: number, message: string) => ({ json: { success: false, code, message, data: null }, ok: false });
        const tid = typeof body.tid === 'string' ? body.tid : '';
        const outStype = String(body.out_stype ?? '');
        const outSid = typeof body.out_sid === 'string' ? body.out_sid.trim() : '';
        if (!SIM_EXPRESS_IDS.has(outStype)) return refuse(YOUZAN_SHIP_CODES.badCompany, `物流公司不存在: ${outStype}`);
        if (!outSid) return refuse(YOUZAN_SHIP_CODES.badCompany, '快递单号不能为空');
        const trade = trades.get(tid);
        if (!trade) return refuse(YOUZAN_SHIP_CODES.tradeNotFound, '订单不存在');
        const status = trade.full_order_info.order_info.status;
        if (SHIPPED.has(status)) return refuse(YOUZAN_SHIP_CODES.alreadyShipped, '订单已发货，请勿重复发货');
        if (!SHIPPABLE.has(status)) return refuse(YOUZAN_SHIP_CODES.statusForbids, `订单状态不允许发货: ${status}`);
        trades.set(tid, withYouzanStatus(trade, 'WAIT_BUYER_CONFIRM_GOODS', new Date()));
        shipments.push({ tid, outStype, outSid });
        return { json: { success: true, code: 200, message: 'successful', data: { is_success: true } }, ok: true };
      },
    },
  ];
}
