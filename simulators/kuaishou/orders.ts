/*
 * Kuaishou (快手小店) orders as open.order.cursor.list returns them (fields per the Go SDK structs
 * cited in connectors/kuaishou/README.md). Orders carry realistic, obviously fake personal data
 * (SIM_PII) so tests can prove none of it reaches the canonical event.
 */
import type { KuaishouOrder } from '../../connectors/kuaishou/payload.js';

/** Fake personal data; tests assert none of it appears in any event. */
export const SIM_PII = {
  consignee: '测试收货人甲',
  mobile: '13800000000',
  address: '模拟路 1024 号 7 栋 404 室',
  buyerNick: '模拟买家_一号',
  buyerOpenId: 'f1b68e8f2a4995ed14bf572415fe3aff',
  remark: '请放快递柜（模拟留言）',
  encryptedConsignee: '#SIM#encrypted-consignee#',
  encryptedMobile: '#SIM#encrypted-mobile#',
  encryptedAddress: '#SIM#encrypted-address#',
} as const;

export interface SimKuaishouOrderOptions {
  oid: number;
  status: number;
  skuId: number;
  /** Kuaishou's item id; default skuId − 1. */
  itemId?: number;
  skuNick?: string;
  num: number;
  /** Unit price in fen. */
  price: number;
  expressFee?: number;
  createTime: number;
  updateTime?: number;
  province?: string | null;
  city?: string | null;
  preSale?: boolean;
  /** Newest first, as Kuaishou lists them. */
  refunds?: Array<{ refundId: number; refundStatus: number }>;
}

/** An order as open.order.cursor.list returns it (fields per the Go SDK structs cited in README). */
export function makeKuaishouOrder(o: SimKuaishouOrderOptions): KuaishouOrder {
  const expressFee = o.expressFee ?? 0;
  const province = o.province === undefined ? '浙江省' : o.province;
  const city = o.city === undefined ? '杭州市' : o.city;
  return {
    orderBaseInfo: {
      oid: o.oid,
      status: o.status,
      totalFee: o.price * o.num + expressFee,
      expressFee,
      discountFee: 0,
      createTime: o.createTime,
      updateTime: o.updateTime ?? o.createTime,
      payTime: o.status >= 30 ? o.createTime + 60_000 : 0,
      sendTime: 0,
      recvTime: 0,
      preSale: o.preSale ? 1 : 0,
      buyerNick: SIM_PII.buyerNick,
      buyerOpenId: SIM_PII.buyerOpenId,
      remark: SIM_PII.remark,
      sellerNick: '模拟旗舰店',
      payType: 1,
      cpsType: 1,
      riskCode: 0,
    },
    orderItemInfo: {
      skuId: o.skuId,
      skuNick: o.skuNick ?? '',
      relSkuId: 0,
      itemId: o.itemId ?? o.skuId - 1,
      itemTitle: '模拟商品',
      num: o.num,
      price: o.price,
      originalPrice: o.price,
      discountFee: 0,
      itemType: 1,
      goodsCode: '',
    },
    orderAddress: {
      consignee: SIM_PII.consignee,
      mobile: SIM_PII.mobile,
      address: SIM_PII.address,
      encryptedConsignee: SIM_PII.encryptedConsignee,
      encryptedMobile: SIM_PII.encryptedMobile,
      encryptedAddress: SIM_PII.encryptedAddress,
      desensitiseConsignee: '测*',
      desensitiseMobile: '138****0000',
      desensitiseAddress: '模拟路****',
      province,
      provinceCode: 330000,
      city,
      cityCode: 330100,
      district: '西湖区',
      districtCode: 330106,
    },
    orderRefundList: o.refunds ?? [],
    orderLogisticsInfo: [],
    orderNote: { sellerNote: [] },
  };
}
