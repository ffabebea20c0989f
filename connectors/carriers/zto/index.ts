import type { CarrierAdapter } from '../contract.js';
import { ztoRequestWaybill } from './api.js';
import { ZTO_TRACKING_STATUS } from './status-map.js';
import { parseZtoTrackingPush, ZTO_PUSH_ACK } from './tracking.js';

export const zto: CarrierAdapter = {
  code: 'zto',
  displayName: 'ZTO Express 中通',
  requestWaybill: ztoRequestWaybill,
  trackingStatusMap: ZTO_TRACKING_STATUS,
  parseTrackingPush: parseZtoTrackingPush,
  trackingAck: () => ({ contentType: 'application/json;charset=UTF-8', body: ZTO_PUSH_ACK }),
};
