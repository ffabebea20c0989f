import type { TrackingStatusMap } from '../contract.js';

/** YTO `infoContent` → canonical kinds (the status words YTO's push has long used). */
export const YTO_TRACKING_STATUS: TrackingStatusMap = {
  GOT: 'COLLECTED', // 揽收成功
  ARRIVAL: 'IN_TRANSIT', // 到件
  DEPARTURE: 'IN_TRANSIT', // 发件
  SENT_SCAN: 'IN_TRANSIT', // 派件扫描
  SIGNED: 'DELIVERED', // 签收成功
  NOT_SEND: 'CARRIER_EXCEPTION', // 揽收失败
  FAILED: 'CARRIER_EXCEPTION', // 签收失败
  TMS_RETURN: 'CARRIER_EXCEPTION', // 退回
};
