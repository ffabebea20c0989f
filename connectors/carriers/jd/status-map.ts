import type { TrackingStatusMap } from '../contract.js';

/** JD trace `opeTitle` → canonical kinds (JD names its scans in words). UNVERIFIED, see README. */
export const JD_TRACKING_STATUS: TrackingStatusMap = {
  揽收: 'COLLECTED',
  分拣中心验货: 'IN_TRANSIT',
  分拣中心发货: 'IN_TRANSIT',
  站点验货: 'IN_TRANSIT',
  配送员收货: 'IN_TRANSIT',
  妥投: 'DELIVERED',
  拒收: 'CARRIER_EXCEPTION',
  再投: 'CARRIER_EXCEPTION',
  异常: 'CARRIER_EXCEPTION',
};
