import type { TrackingStatusMap } from '../contract.js';

/**
 * SF route opCodes (路由推送 `opCode`) → canonical kinds. 50 (收件) and 80 (签收) are the widely
 * documented ones; the exception codes are from integrators' tables (UNVERIFIED, see README).
 */
export const SF_TRACKING_STATUS: TrackingStatusMap = {
  '50': 'COLLECTED', // 顺丰已收取快件
  '54': 'COLLECTED', // 上门收件
  '30': 'IN_TRANSIT', // 分拣
  '31': 'IN_TRANSIT', // 到达
  '36': 'IN_TRANSIT', // 离开 / 装车
  '44': 'IN_TRANSIT', // 派件中
  '204': 'IN_TRANSIT', // 派件（快递员）
  '80': 'DELIVERED', // 签收
  '33': 'CARRIER_EXCEPTION', // 滞留 / 派件异常
  '70': 'CARRIER_EXCEPTION', // 派件不成功
  '99': 'CARRIER_EXCEPTION', // 退回
  '648': 'CARRIER_EXCEPTION', // 退回（转寄）
};
