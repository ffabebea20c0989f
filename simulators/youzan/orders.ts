/*
 * Youzan (有赞) trades as the simulator stores and serves them, built from what public integrations
 * document (connectors/youzan/README.md lists the sources and unverified points). Trades carry
 * obviously fake buyer/receiver data (SIM_PII) so tests can prove none of it leaks.
 */
import { fenToYuan } from '../../connectors/youzan/money.js';
import type { YouzanLine, YouzanTrade } from '../../connectors/youzan/payload.js';
import { formatChinaTime } from '../../connectors/youzan/timestamp.js';

export const SIM_PII = {
  receiverName: '模拟收件人丁戊',
  receiverTel: '13900000077',
  address: '虚构大道 77 号 演示公寓 3 单元 302',
  postalCode: '310099',
  buyerPhone: '13700000066',
  nickname: '演示买家昵称',
  openId: 'SIMyzopenid0077',
  buyerMessage: '请电话联系模拟收件人丁戊',
} as const;

export interface SimYouzanLine {
  outerSkuId?: string;
  skuId?: number | string;
  itemId?: number | string;
  outerItemId?: string;
  quantity: number;
  /** Unit price in fen (rendered as a yuan string). */
  priceFen: number;
  preSale?: boolean;
}

export interface SimYouzanTradeOptions {
  tid: string;
  lines: SimYouzanLine[];
  createdAt: Date;
  postFen?: number;
  province?: string;
  city?: string;
  downPaymentPresale?: boolean;
}

export function makeYouzanTrade(opts: SimYouzanTradeOptions): YouzanTrade {
  const created = formatChinaTime(opts.createdAt.getTime());
  const post = opts.postFen ?? 0;
  const goods = opts.lines.reduce((sum, l) => sum + l.priceFen * l.quantity, 0);
  const orders: YouzanLine[] = opts.lines.map((l, i) => ({
    oid: `${opts.tid.slice(1, 12)}${String(100 + i)}`,
    item_id: l.itemId ?? 500_000_000 + i,
    sku_id: l.skuId ?? 0,
    outer_sku_id: l.outerSkuId ?? '',
    outer_item_id: l.outerItemId ?? '',
    num: l.quantity,
    price: fenToYuan(l.priceFen),
    total_fee: fenToYuan(l.priceFen * l.quantity),
    // A line's share of what the buyer paid: Youzan allocates order-level postage to lines, so
    // sum(orders[].payment) = pay_info.payment (FAQ 29773, as transcribed); here all of it to the last line.
    payment: fenToYuan(l.priceFen * l.quantity + (i === opts.lines.length - 1 ? post : 0)),
    title: `演示商品 ${i + 1}`,
    sku_properties_name: '[{"k":"颜色","v":"红"}]',
    is_pre_sale: l.preSale ? '1' : '0',
  }));
  return {
    full_order_info: {
      order_info: {
        tid: opts.tid,
        status: 'WAIT_BUYER_PAY',
        status_str: '待支付',
        type: 0,
        created,
        update_time: created,
        pay_time: {},
        consign_time: {},
        success_time: {},
        expired_time: formatChinaTime(opts.createdAt.getTime() + 30 * 60_000),
        refund_state: 0,
        close_type: 0,
        order_tags: { is_payed: false, is_secured_transactions: true, is_down_payment_pre: opts.downPaymentPresale ?? false },
        order_extra: { is_from_cart: 'false' },
      },
      pay_info: { payment: fenToYuan(goods + post), total_fee: fenToYuan(goods), post_fee: fenToYuan(post), transaction: [] },
      orders,
      address_info: {
        delivery_province: opts.province ?? '浙江省',
        delivery_city: opts.city ?? '杭州市',
        delivery_district: '余杭区',
        delivery_address: SIM_PII.address,
        delivery_postal_code: SIM_PII.postalCode,
        receiver_name: SIM_PII.receiverName,
        receiver_tel: SIM_PII.receiverTel,
        self_fetch_info: '',
      },
      buyer_info: { buyer_phone: SIM_PII.buyerPhone, fans_nickname: SIM_PII.nickname, yz_open_id: SIM_PII.openId, fans_type: 1 },
      remark_info: { buyer_message: SIM_PII.buyerMessage },
      source_info: { is_offline_order: false, source: { platform: 'wx', wx_entrance: 'direct_buy' } },
    },
  };
}

const STATUS_STR: Record<string, string> = {
  WAIT_BUYER_PAY: '待支付',
  TRADE_PAID: '已支付',
  WAIT_CONFIRM: '待确认',
  WAIT_SELLER_SEND_GOODS: '待发货',
  WAIT_BUYER_CONFIRM_GOODS: '已发货',
  TRADE_SUCCESS: '已完成',
  TRADE_CLOSED: '已关闭',
};

/** The trade after a status change at `at` (Youzan bumps update_time on every change). */
export function withYouzanStatus(trade: YouzanTrade, status: string, at: Date, refundState = 0): YouzanTrade {
  const next = structuredClone(trade);
  const info = next.full_order_info.order_info;
  const t = formatChinaTime(at.getTime());
  info.status = status;
  info.status_str = STATUS_STR[status] ?? status;
  info.update_time = t;
  info.refund_state = refundState;
  if (status !== 'WAIT_BUYER_PAY' && status !== 'TRADE_CLOSED' && typeof info.pay_time !== 'string') info.pay_time = t;
  if (status === 'WAIT_BUYER_CONFIRM_GOODS') info.consign_time = t;
  if (status === 'TRADE_SUCCESS') info.success_time = t;
  return next;
}
