import type { CarrierAdapter } from '../contract.js';
import { jdRequestWaybill } from './api.js';
import { JD_TRACKING_STATUS } from './status-map.js';
import { JD_PUSH_ACK, parseJdTrackingPush } from './tracking.js';

export const jd: CarrierAdapter = {
  code: 'jd',
  displayName: 'JD Logistics 京东物流',
  requestWaybill: jdRequestWaybill,
  trackingStatusMap: JD_TRACKING_STATUS,
  parseTrackingPush: parseJdTrackingPush,
  trackingAck: () => ({ contentType: 'application/json;charset=UTF-8', body: JD_PUSH_ACK }),
};
