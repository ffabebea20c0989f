import type { CarrierCode } from '../contract.js';

/*
 * Our carrier codes → WeChat Channels shop `delivery_id`s, as listed by
 * /channels/ec/order/deliverycompanylist/new/get (doc "获取快递公司列表": 中通 ZTO, 圆通 YTO, 顺丰 SF,
 * 京东 JD). They happen to equal ours; the table stays so a new carrier is a reviewed line.
 */
export const wechatDeliveryIds: Readonly<Record<CarrierCode, string>> = Object.freeze({
  SF: 'SF',
  ZTO: 'ZTO',
  YTO: 'YTO',
  JD: 'JD',
});
