import type { CarrierCode } from '../contract.js';

/*
 * Our carrier codes → Youzan logistics company ids (`out_stype` of youzan.logistics.online.confirm,
 * listed by youzan.logistics.express.get). 1 申通 is seen in an integration's sample of that list;
 * 2 圆通, 3 中通, 7 顺丰速运 come from an ERP's copy of the same numbering; 138 京东 is UNVERIFIED
 * (README "Sync-back (ship)").
 */
export const youzanExpressIds: Readonly<Record<CarrierCode, number>> = Object.freeze({
  SF: 7,
  ZTO: 3,
  YTO: 2,
  JD: 138,
});
