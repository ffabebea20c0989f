/*
 * Meituan Waimai orders as the simulator stores and serves them, built from what Meituan documents
 * and what its integrators' code shows (connectors/meituan/README.md lists the sources and what is
 * unverified). Orders carry obviously fake personal data (SIM_PII) so tests can prove none of it leaks.
 */
import { fenToYuan, yuanToFen } from '../../connectors/meituan/money.js';
import type { MeituanOrder } from '../../connectors/meituan/payload.js';
import { chinaDateOf } from '../../connectors/meituan/timestamp.js';
import { must } from '../kit/index.js';

export const SIM_PII = {
  recipientName: '蔺测试(先生)',
  recipientPhone: '13800000000_4321',
  backupPhone: '13900000000_8765',
  recipientAddress: '模拟大道1号测试大厦B座1901@#上海市上海市浦东新区模拟大道1号',
  detailAddress: '模拟大道1号测试大厦B座1901',
  caution: '【如遇缺货】：缺货时电话与我沟通 收餐人隐私号 13800000000_4321，手机号 138****0000',
  invoiceTitle: '蔺测试个人',
  taxpayerId: '91310000TEST00001X',
  latitude: '31230416',
  longitude: '121473701',
  riderName: '骑手测试员甲',
  riderPhone: '13700000000_2468',
} as const;

export interface SimLine {
  sku_id?: string;
  app_food_code?: string;
  name?: string;
  quantity: number;
  /** Unit price, yuan ("25.5"). */
  price: string;
  boxNum?: number;
  boxPrice?: string;
}

export interface SimOrderOptions {
  /** Decimal string; may exceed 2^53. */
  orderId: string;
  wmOrderIdView?: string;
  appPoiCode: string;
  lines: SimLine[];
  createdAt: Date;
  status?: string;
  /** yuan */
  shippingFee?: string;
  presale?: boolean;
  /** A region in recipient_address_detail (medical B2C orders); null omits the field. */
  region?: { province: string; city: string } | null;
}

export const seconds = (d: Date) => String(Math.floor(d.getTime() / 1000));

export function makeMeituanOrder(opts: SimOrderOptions): MeituanOrder {
  const fen = (yuan: string) => must(yuanToFen(yuan));
  const goods = opts.lines.reduce((sum, l) => sum + fen(l.price) * l.quantity + fen(l.boxPrice ?? '0') * (l.boxNum ?? 0), 0);
  const shipping = fen(opts.shippingFee ?? '0');
  const detail = opts.lines.map((l, i) => ({
    app_food_code: l.app_food_code ?? '',
    box_num: l.boxNum ?? 0,
    box_price: Number(l.boxPrice ?? '0'),
    cart_id: 0,
    food_discount: 1,
    food_name: l.name ?? `菜品${i + 1}`,
    food_property: '',
    price: Number(l.price),
    quantity: l.quantity,
    sku_id: l.sku_id ?? '',
    spec: '',
    unit: '份',
  }));
  const created = seconds(opts.createdAt);
  const order: MeituanOrder = {
    order_id: opts.orderId,
    wm_order_id_view: opts.wmOrderIdView ?? opts.orderId,
    app_poi_code: opts.appPoiCode,
    wm_poi_name: '模拟门店',
    wm_poi_address: '门店测试地址',
    wm_poi_phone: '021-00000000',
    recipient_address: SIM_PII.recipientAddress,
    recipient_phone: SIM_PII.recipientPhone,
    backup_recipient_phone: JSON.stringify([SIM_PII.backupPhone]),
    recipient_name: SIM_PII.recipientName,
    shipping_fee: fenToYuan(shipping),
    total: fenToYuan(goods + shipping),
    original_price: fenToYuan(goods + shipping),
    caution: SIM_PII.caution,
    shipper_phone: '',
    status: opts.status ?? '2',
    city_id: '310100',
    has_invoiced: '1',
    invoice_title: SIM_PII.invoiceTitle,
    taxpayer_id: SIM_PII.taxpayerId,
    ctime: created,
    utime: created,
    delivery_time: '0',
    is_third_shipping: '0',
    pay_type: '2',
    pick_type: '0',
    latitude: SIM_PII.latitude,
    longitude: SIM_PII.longitude,
    day_seq: '0',
    is_favorites: 'false',
    is_poi_first_order: 'false',
    is_pre_sale_order: opts.presale ? 'true' : 'false',
    dinners_number: '0',
    logistics_code: '1001',
    detail: JSON.stringify(detail),
    extras: JSON.stringify([{ mt_charge: 0, poi_charge: 0, reduce_fee: 0, remark: '', type: 0 }]),
    avg_send_time: '1800',
  };
  if (opts.region) {
    order.recipient_address_detail = JSON.stringify({
      province: opts.region.province,
      city: opts.region.city,
      area: '浦东新区',
      town: '模拟街道',
      detail_address: SIM_PII.detailAddress,
    });
  }
  return order;
}

/** The order as Meituan reports it after a status (and optionally delivery status) change at `at`. */
export function withStatus(order: MeituanOrder, status: string, at: Date, logisticsStatus?: string): MeituanOrder {
  const next: MeituanOrder = { ...order, status, utime: seconds(at) };
  if (logisticsStatus === undefined) delete next.logistics_status;
  else next.logistics_status = logisticsStatus;
  return next;
}

/** The simulated order store, with the per-store day sequence (流水号) Meituan numbers orders by. */
export class MeituanOrders {
  readonly byId = new Map<string, MeituanOrder>();
  /** `${app_poi_code}|${yyyymmdd}` → order ids by day sequence (index + 1). */
  private readonly daySeqs = new Map<string, string[]>();

  upsert(order: MeituanOrder): void {
    if (!this.byId.has(order.order_id)) {
      const key = `${order.app_poi_code}|${chinaDateOf(Number(order.ctime) * 1000)}`;
      this.daySeqs.set(key, [...(this.daySeqs.get(key) ?? []), order.order_id]);
    }
    this.byId.set(order.order_id, order);
  }

  idByDaySeq(appPoiCode: string | undefined, date: string | undefined, daySeq: number): string | undefined {
    return Number.isInteger(daySeq) && daySeq >= 1 ? this.daySeqs.get(`${appPoiCode}|${date}`)?.[daySeq - 1] : undefined;
  }
}
