/*
 * Douyin shop (抖店) orders as the simulator stores and serves them, built from what the public
 * SDKs document (connectors/douyin/README.md lists the sources and what stays unverified).
 * Orders carry obviously fake receiver data (SIM_PII) so tests can prove none of it leaks.
 */
import type { DouyinShopOrder, DouyinSkuOrder } from '../../connectors/douyin/payload.js';

export const SIM_PII = {
  receiver: '测试员甲乙丙',
  phone: '13800000042',
  encryptedPhone: '#13800000042#SIMULATEDENC==#',
  street: '模拟街道办事处',
  detail: '仿真路 42 号 幻想小区 7 栋 701',
  encryptedDetail: '#仿真路42号#SIMULATEDENC==#',
  buyerWords: '请放在门卫处，联系测试员甲乙丙',
} as const;

export interface SimSku {
  skuId: string;
  /** Douyin's product id; default derived from skuId. */
  productId?: string;
  outSkuId?: string;
  quantity: number;
  /** Unit price in fen. */
  priceFen: number;
  preSaleType?: number;
}

export interface SimDouyinOrderOptions {
  orderId: string;
  shopId?: string;
  skus: SimSku[];
  createdAt: Date;
  postFen?: number;
  province?: string;
  city?: string;
  tradeType?: number;
}

export const secs = (d: Date) => Math.floor(d.getTime() / 1000);

export function makeDouyinOrder(opts: SimDouyinOrderOptions): DouyinShopOrder {
  const created = secs(opts.createdAt);
  const post = opts.postFen ?? 0;
  const goods = opts.skus.reduce((sum, s) => sum + s.priceFen * s.quantity, 0);
  const addr = {
    province: { name: opts.province ?? '浙江省', id: '33' },
    city: { name: opts.city ?? '杭州市', id: '330100' },
    town: { name: '西湖区', id: '330106' },
    street: { name: SIM_PII.street, id: '330106001' },
    detail: SIM_PII.detail,
    encrypt_detail: SIM_PII.encryptedDetail,
  };
  const skuOrders: DouyinSkuOrder[] = opts.skus.map((s, i) => ({
    order_id: `${opts.orderId.slice(0, -2)}${String(10 + i)}`,
    parent_order_id: opts.orderId,
    sku_id: s.skuId,
    product_id: s.productId ?? `3${s.skuId.slice(1)}`,
    out_sku_id: s.outSkuId ?? '',
    code: s.outSkuId ?? '',
    item_num: s.quantity,
    origin_amount: s.priceFen,
    sum_amount: s.priceFen * s.quantity,
    pay_amount: s.priceFen * s.quantity,
    pre_sale_type: s.preSaleType ?? 0,
    trade_type: opts.tradeType ?? 0,
    order_status: 1,
    product_name: `模拟商品 ${i + 1}`,
    post_receiver: SIM_PII.receiver,
    post_tel: SIM_PII.phone,
    encrypt_post_tel: SIM_PII.encryptedPhone,
    post_addr: addr,
  }));
  return {
    order_id: opts.orderId,
    shop_id: opts.shopId ?? '77001234',
    shop_name: '模拟旗舰店',
    order_status: 1,
    order_status_desc: '待支付',
    create_time: created,
    update_time: created,
    pay_time: 0,
    finish_time: 0,
    order_amount: goods + post,
    pay_amount: goods + post,
    post_amount: post,
    promotion_amount: 0,
    sku_order_list: skuOrders,
    order_phase_list: [],
    post_addr: addr,
    mask_post_addr: { ...addr, detail: '仿***号', encrypt_detail: undefined, street: { name: '模***处', id: '330106001' } },
    post_receiver: SIM_PII.receiver,
    encrypt_post_receiver: '#测试员#SIMULATEDENC==#',
    post_tel: SIM_PII.phone,
    encrypt_post_tel: SIM_PII.encryptedPhone,
    buyer_words: SIM_PII.buyerWords,
    doudian_open_id: 'SIMopenid0042',
  };
}

const STATUS_DESC: Record<number, string> = { 1: '待支付', 105: '已支付', 2: '备货中', 101: '部分发货', 3: '已发货', 4: '已取消', 5: '已完成' };

/** The order as the query API would return it after a status change at `at`. */
export function withDouyinStatus(order: DouyinShopOrder, orderStatus: number, at: Date, mainStatus?: number): DouyinShopOrder {
  const t = secs(at);
  const next: DouyinShopOrder = {
    ...order,
    order_status: orderStatus,
    order_status_desc: STATUS_DESC[orderStatus] ?? String(orderStatus),
    update_time: t,
    sku_order_list: order.sku_order_list.map((s) => ({ ...s, order_status: orderStatus })),
  };
  if (mainStatus !== undefined) next.main_status = mainStatus;
  if (orderStatus === 105 || orderStatus === 2) next.pay_time = next.pay_time || t;
  if (orderStatus === 5) next.finish_time = t;
  return next;
}

/** JSON text with the listed keys' digit-string values written as bare numbers, as Douyin does. */
export function withBareIds(value: unknown, keys: readonly string[]): string {
  let text = JSON.stringify(value);
  for (const key of keys) {
    text = text.replace(new RegExp(`("${key}":)"(\\d+)"`, 'g'), '$1$2');
    text = text.replace(
      new RegExp(`("${key}":\\[)([^\\]]*)(\\])`, 'g'),
      (_m, h: string, body: string, t: string) => `${h}${body.replace(/"(\d+)"/g, '$1')}${t}`,
    );
  }
  return text;
}
