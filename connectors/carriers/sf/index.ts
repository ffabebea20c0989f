import type { CarrierAdapter } from '../contract.js';
import { sfRequestWaybill } from './api.js';
import { SF_TRACKING_STATUS } from './status-map.js';
import { parseSfTrackingPush, SF_PUSH_ACK } from './tracking.js';

export const sf: CarrierAdapter = {
  code: 'sf',
  displayName: 'SF Express 顺丰',
  requestWaybill: sfRequestWaybill,
  trackingStatusMap: SF_TRACKING_STATUS,
  parseTrackingPush: parseSfTrackingPush,
  trackingAck: () => ({ contentType: 'application/json;charset=UTF-8', body: SF_PUSH_ACK }),
};
