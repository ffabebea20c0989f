/*
 * WeChat Channels shop (微信小店) orders as /channels/ec/order/get returns them (connectors/wechat/
 * README.md lists the sources and what is UNVERIFIED). Orders carry realistic, obviously fake
 * personal data (SIM_PII) so tests can prove none of it reaches the canonical event.
 */
import type { WechatOrder } from '../../connectors/wechat/payload.js';

export const SIM_PII = {
  userName: '模拟收件人乙',
  telNumber: '13900000000',
  detailInfo: '仿真大道 88 号 3 单元 1201',
  postalCode: '518000',
  openid: 'oSIMbuyer-openid-0001',
  unionid: 'oSIMbuyer-unionid-0001',
  customerNotes: '周末送货（模拟备注）',
  county: '南山区',
} as const;

export interface SimWechatLine {
  /** product_id; default 10000000<line index>. */
  productId?: string;
  skuId: string;
  outSkuId?: string;
  skuCode?: string;
  count: number;
  /** Unit price, fen. */
  salePrice: number;
  presale?: boolean;
}

export interface SimWechatOrderOptions {
  orderId: string;
  status: number;
  createTime: number;
  updateTime?: number;
  lines: SimWechatLine[];
  freight?: number;
  discount?: number;
  province?: string | null;
  city?: string | null;
  onAftersale?: number;
}

/** `order` as /channels/ec/order/get returns it. */
export function makeWechatOrder(o: SimWechatOrderOptions): WechatOrder {
  const productPrice = o.lines.reduce((sum, l) => sum + l.salePrice * l.count, 0);
  const freight = o.freight ?? 0;
  const discount = o.discount ?? 0;
  return {
    order_id: o.orderId,
    status: o.status,
    create_time: o.createTime,
    update_time: o.updateTime ?? o.createTime,
    openid: SIM_PII.openid,
    unionid: SIM_PII.unionid,
    order_detail: {
      product_infos: o.lines.map((l, i) => ({
        product_id: l.productId ?? `10000000${i}`,
        sku_id: l.skuId,
        thumb_img: 'https://mmecimage.cn/p/sim/thumb.jpg',
        sku_cnt: l.count,
        sale_price: l.salePrice,
        title: `模拟商品 ${i + 1}`,
        on_aftersale_sku_cnt: 0,
        finish_aftersale_sku_cnt: 0,
        sku_code: l.skuCode ?? '',
        market_price: l.salePrice,
        sku_attrs: [{ attr_key: '规格', attr_value: '默认' }],
        real_price: l.salePrice * l.count,
        out_product_id: '',
        out_sku_id: l.outSkuId ?? '',
        is_discounted: false,
        sku_deliver_info: { stock_type: l.presale ? 1 : 0 },
      })),
      pay_info: o.status === 10 || o.status === 250 ? {} : { prepay_id: 'wx_sim_prepay', transaction_id: '4200000000000000000', pay_time: o.createTime + 30 },
      price_info: {
        product_price: productPrice,
        order_price: productPrice + freight - discount,
        freight,
        discounted_price: discount,
        is_discounted: discount > 0,
      },
      delivery_info: {
        address_info: {
          user_name: SIM_PII.userName,
          postal_code: SIM_PII.postalCode,
          province_name: o.province === undefined ? '广东省' : o.province,
          city_name: o.city === undefined ? '深圳市' : o.city,
          county_name: SIM_PII.county,
          detail_info: SIM_PII.detailInfo,
          national_code: '440305',
          tel_number: SIM_PII.telNumber,
        },
        delivery_product_info: [],
        ship_done_time: 0,
        deliver_method: 0,
      },
      ext_info: { customer_notes: SIM_PII.customerNotes, merchant_notes: '' },
    },
    aftersale_detail: { on_aftersale_order_cnt: o.onAftersale ?? 0, aftersale_order_list: [] },
  };
}
