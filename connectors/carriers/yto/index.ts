import type { CarrierAdapter } from '../contract.js';
import { ytoRequestWaybill } from './api.js';
import { YTO_TRACKING_STATUS } from './status-map.js';
import { parseYtoTrackingPush, YTO_PUSH_ACK } from './tracking.js';

export const yto: CarrierAdapter = {
  code: 'yto',
  displayName: 'YTO Express 圆通',
  requestWaybill: ytoRequestWaybill,
  trackingStatusMap: YTO_TRACKING_STATUS,
  parseTrackingPush: parseYtoTrackingPush,
  trackingAck: () => ({ contentType: 'application/json;charset=UTF-8', body: YTO_PUSH_ACK }),
};
