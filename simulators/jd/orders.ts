/*
 * JD POP orders as the simulator stores and serves them, built from what the JOS SDKs and
 * integrators document (connectors/jd/README.md lists the sources and what is unverified).
 * Orders carry obviously fake personal data (SIM_PII) so tests can prove none of it leaks.
 */
import { fenToYuan, yuanToFen } from '../../connectors/jd/money.js';
import type { JdOrder } from '../../connectors/jd/payload.js';
import { formatChinaTime } from '../../connectors/jd/timestamp.js';
import { must } from '../kit/index.js';

export const SIM_PII = {
  fullname: '京测试',
  mobile: '13700000000',
  telephone: '010-00000000',
  fullAddress: '北京市朝阳区模拟路88号测试小区3号楼2单元501',
  pin: 'jd_sim_buyer_pin_0042',
  remark: '请放快递柜，联系13700000000',
} as const;

export interface SimLine {
  skuId: string;
  /** JD's item (ware) id; default derived from skuId. */
  wareId?: string;
  outerSkuId?: string;
  quantity: number;
  /** yuan, "199.00" */
  price: string;
  name?: string;
}

export interface SimOrderOptions {
  orderId: string;
  lines: SimLine[];
  createdAt: Date;
  state?: string;
  /** yuan */
  freight?: string;
  /** yuan, merchant discount */
  discount?: string;
  province?: string;
  city?: string;
}

export function makeJdOrder(opts: SimOrderOptions): JdOrder {
  const fen = (y: string) => must(yuanToFen(y));
  const goods = opts.lines.reduce((s, l) => s + fen(l.price) * l.quantity, 0);
  const freight = fen(opts.freight ?? '0');
  const discount = fen(opts.discount ?? '0');
  const created = formatChinaTime(opts.createdAt.getTime());
  return {
    orderId: opts.orderId,
    venderId: '10086001',
    orderType: '22',
    payType: '4',
    orderTotalPrice: fenToYuan(goods),
    orderSellerPrice: fenToYuan(goods - discount),
    orderPayment: fenToYuan(goods - discount + freight),
    freightPrice: fenToYuan(freight),
    sellerDiscount: fenToYuan(discount),
    orderState: opts.state ?? 'WAIT_SELLER_STOCK_OUT',
    orderStateRemark: '',
    deliveryType: '任意时间',
    invoiceInfo: '不需要开具发票',
    orderRemark: SIM_PII.remark,
    orderStartTime: created,
    orderEndTime: '0001-01-01 00:00:00',
    paymentConfirmTime: created,
    modified: created,
    pin: SIM_PII.pin,
    consigneeInfo: {
      fullname: SIM_PII.fullname,
      telephone: SIM_PII.telephone,
      mobile: SIM_PII.mobile,
      fullAddress: SIM_PII.fullAddress,
      province: opts.province ?? '北京',
      city: opts.city ?? '朝阳区',
      county: '三环以内',
      town: '',
      provinceId: '1',
      cityId: '72',
    },
    itemInfoList: opts.lines.map((l, i) => ({
      skuId: l.skuId,
      outerSkuId: l.outerSkuId ?? '',
      skuName: l.name ?? `商品${i + 1}`,
      jdPrice: l.price,
      giftPoint: '0',
      wareId: l.wareId ?? `1000${l.skuId}`,
      itemTotal: String(l.quantity),
      productNo: '',
    })),
    couponDetailList: [],
    orderSource: '移动端订单',
    storeOrder: '',
  };
}

/** The order after a state change at `at` (modified moves with it). */
export function withState(order: JdOrder, state: string, at: Date): JdOrder {
  return { ...order, orderState: state, modified: formatChinaTime(at.getTime()) };
}
