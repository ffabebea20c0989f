import type { TrackingStatusMap } from '../contract.js';

/** ZTO trace `action` → canonical kinds (ZTO 轨迹推送 scan types). */
export const ZTO_TRACKING_STATUS: TrackingStatusMap = {
  GOT: 'COLLECTED', // 收件
  DEPARTURE: 'IN_TRANSIT', // 发件
  ARRIVAL: 'IN_TRANSIT', // 到件
  DISPATCH: 'IN_TRANSIT', // 派件
  INBOUND: 'IN_TRANSIT', // 入驿站 / 快递柜
  SIGNED: 'DELIVERED', // 签收
  PROBLEM: 'CARRIER_EXCEPTION', // 问题件
  RETURN_SCAN: 'CARRIER_EXCEPTION', // 退件
  RETURN_SIGNED: 'CARRIER_EXCEPTION', // 退件签收
};
