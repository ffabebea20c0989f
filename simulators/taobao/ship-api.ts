import type { TaobaoTrade } from '../../connectors/taobao/payload.js';
import { formatChinaTime } from '../../connectors/taobao/timestamp.js';
import type { FaultQueue, ShipFault } from '../kit/index.js';
import { withStatus } from './orders.js';
import type { TopMethods } from './server.js';

export type { ShipFault } from '../kit/index.js';

/** taobao.logistics.offline.send: a trade the seller can still ship moves to WAIT_BUYER_CONFIRM_GOODS. */
export interface SimShipment {
  tid: string;
  outSid: string;
  companyCode: string;
}

/** Company codes the simulated taobao.logistics.companies.get lists (a subset). */
const KNOWN_COMPANIES = new Set(['SF', 'ZTO', 'YTO', 'STO', 'YUNDA', 'EMS', 'JD', 'POSTB']);
/** Trade states in which the seller can still ship. */
const SHIPPABLE = new Set(['WAIT_SELLER_SEND_GOODS', 'SELLER_CONSIGNED_PART']);
/** States after shipment: a repeated send is answered "already shipped". */
const SHIPPED = new Set(['WAIT_BUYER_CONFIRM_GOODS', 'TRADE_BUYER_SIGNED', 'TRADE_FINISHED']);
const SERVICE_ERROR = { code: 15, msg: 'Remote service error' };

export function shipApi(trades: Map<string, TaobaoTrade>, shipments: SimShipment[], faults: FaultQueue<ShipFault>): TopMethods {
  return {
    'taobao.logistics.offline.send': (params) => {
      if (faults.takeIf('rate-limit'))
        return { code: 7, msg: 'App Call Limited', sub: 'accesscontrol.limited-by-app-access-count', subMsg: 'This ban will last for 1 more seconds' };
      if (!params.tid || !params.out_sid || !params.company_code)
        return { code: 40, msg: 'Missing Required Arguments', sub: 'isv.missing-parameter:tid/out_sid/company_code' };
      const trade = trades.get(params.tid);
      if (!trade) return { ...SERVICE_ERROR, sub: 'isv.logistics-offline-service-error:B01', subMsg: '订单不存在' };
      if (SHIPPED.has(trade.status)) return { ...SERVICE_ERROR, sub: 'isv.logistics-offline-service-error:B04', subMsg: '订单已发货,不能重复发货' };
      if (!SHIPPABLE.has(trade.status))
        return { ...SERVICE_ERROR, sub: 'isv.logistics-offline-service-error:B02', subMsg: `交易状态${trade.status}不允许发货` };
      if (!KNOWN_COMPANIES.has(params.company_code))
        return { ...SERVICE_ERROR, sub: 'isv.logistics-offline-service-error:S01', subMsg: `物流公司${params.company_code}不存在` };
      trades.set(params.tid, withStatus(trade, 'WAIT_BUYER_CONFIRM_GOODS', new Date(), { consign_time: formatChinaTime(Date.now()) } as Partial<TaobaoTrade>));
      shipments.push({ tid: params.tid, outSid: params.out_sid, companyCode: params.company_code });
      return JSON.stringify({ logistics_offline_send_response: { shipping: { is_success: true } } });
    },
  };
}
