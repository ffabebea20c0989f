import type { CarrierCode } from '../contract.js';

/*
 * Our carrier codes → Meituan `logistics_provider_code` of ecommerce/order/logistics/sync (自配送
 * 同步配送信息). Meituan's list is of same-city delivery platforms: 10001 顺丰 (SF's same-city
 * service), 10002 达达, …, 10017 其他, 10032 美团跑腿 (easynet-cn/go-meituan, copied from docDetail/355).
 * It has no 中通, 圆通 or 京东物流 entry: those go as 10017 其他. JD is NOT mapped to 10002 达达:
 * Dada belongs to the JD group but is a different service from JD Logistics' waybills. Judgement
 * recorded in README "Sync-back (ship)".
 */
export const MEITUAN_OTHER_PROVIDER = '10017';

export const meituanLogisticsProviders: Readonly<Record<CarrierCode, string>> = Object.freeze({
  SF: '10001',
  ZTO: MEITUAN_OTHER_PROVIDER,
  YTO: MEITUAN_OTHER_PROVIDER,
  JD: MEITUAN_OTHER_PROVIDER,
});
