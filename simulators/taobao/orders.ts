/*
 * Taobao/Tmall trades as the simulator stores and serves them, built from TOP's documented
 * payloads. Ids above 2^53 are written as raw JSON numbers alongside tid_str/oid_str, as TOP does,
 * so a client that trusts the number gets a rounded id. Trades carry obviously fake personal data
 * (SIM_PII); tests assert none of it leaks.
 */
import { fenToYuan, yuanToFen } from '../../connectors/taobao/money.js';
import type { TaobaoOrder, TaobaoTrade } from '../../connectors/taobao/payload.js';
import { formatChinaTime } from '../../connectors/taobao/timestamp.js';
import { must } from '../kit/index.js';

export const SIM_PII = {
  buyerNick: 'tb_lin_xiaoyu_8842',
  receiverName: '林晓雨',
  receiverMobile: '13800138000',
  receiverPhone: '0571-88886666',
  receiverAddress: '文三路 477 号 华星科技大厦 12 楼 1203 室',
  receiverZip: '310012',
  buyerMessage: '请放快递柜, 电话联系林晓雨',
} as const;

export interface SimLine {
  outerSkuId?: string | null;
  skuId?: string | null;
  outerIid?: string | null;
  numIid?: number;
  num: number;
  /** Unit price, yuan string ("199.00"). */
  price: string;
  title?: string;
}

export interface SimTradeOptions {
  /** Decimal string; Taobao tids are 16–19 digits. */
  tid: string;
  lines: SimLine[];
  createdAt: Date;
  province?: string;
  city?: string;
  postFee?: string;
  /** Presale with deposit: type "step". */
  step?: boolean;
}

function sum(amounts: number[]): number {
  return amounts.reduce((a, b) => a + b, 0);
}

const fen = (amount: string) => must(yuanToFen(amount));

export function makeTaobaoTrade(opts: SimTradeOptions): TaobaoTrade {
  const created = formatChinaTime(opts.createdAt.getTime());
  const orders: TaobaoOrder[] = opts.lines.map((line, i) => {
    const lineFen = fen(line.price) * line.num;
    const oid = (BigInt(opts.tid) + BigInt(i + 1)).toString();
    return {
      oid_str: oid,
      num_iid: line.numIid ?? 600_000_000_000 + i,
      sku_id: line.skuId === undefined ? String(5_000_000_000_000 + i) : line.skuId,
      outer_sku_id: line.outerSkuId,
      outer_iid: line.outerIid,
      num: line.num,
      price: line.price,
      total_fee: fenToYuan(lineFen),
      payment: fenToYuan(lineFen),
      discount_fee: '0.00',
      adjust_fee: '0.00',
      refund_status: 'NO_REFUND',
      status: 'WAIT_BUYER_PAY',
      title: line.title ?? `商品 ${i + 1}`,
      pic_path: 'https://img.alicdn.com/sim.jpg',
    };
  });
  const goods = sum(orders.map((o) => fen(o.total_fee!)));
  const post = fen(opts.postFee ?? '0.00');
  return {
    tid_str: opts.tid,
    status: 'WAIT_BUYER_PAY',
    type: opts.step ? 'step' : 'fixed',
    ...(opts.step ? { step_trade_status: 'FRONT_NOPAID_FINAL_NOPAID', step_paid_fee: '0.00' } : {}),
    payment: fenToYuan(goods + post),
    total_fee: fenToYuan(goods),
    post_fee: fenToYuan(post),
    discount_fee: '0.00',
    created,
    modified: created,
    pay_time: null,
    seller_nick: 'omni旗舰店',
    buyer_nick: SIM_PII.buyerNick,
    buyer_message: SIM_PII.buyerMessage,
    receiver_name: SIM_PII.receiverName,
    receiver_mobile: SIM_PII.receiverMobile,
    receiver_phone: SIM_PII.receiverPhone,
    receiver_address: SIM_PII.receiverAddress,
    receiver_zip: SIM_PII.receiverZip,
    receiver_country: '',
    receiver_state: opts.province ?? '浙江省',
    receiver_city: opts.city ?? '杭州市',
    receiver_district: '西湖区',
    orders: { order: orders },
  };
}

/** The trade after a status change at `at` (lines follow the trade status, as Taobao shows them). */
export function withStatus(trade: TaobaoTrade, status: string, at: Date, extra: Partial<TaobaoTrade> = {}): TaobaoTrade {
  const modified = formatChinaTime(at.getTime());
  const paid = !['WAIT_BUYER_PAY', 'TRADE_NO_CREATE_PAY', 'TRADE_CLOSED_BY_TAOBAO', 'PAY_PENDING', 'WAIT_PRE_AUTH_CONFIRM'].includes(status);
  return {
    ...trade,
    status,
    modified,
    pay_time: paid ? (trade.pay_time ?? modified) : trade.pay_time,
    orders: { ...trade.orders, order: trade.orders.order.map((o) => ({ ...o, status })) },
    ...extra,
  };
}

/** A refund state on one line (orders.order[index].refund_status), at `at`. */
export function withLineRefund(trade: TaobaoTrade, index: number, refundStatus: string, at: Date): TaobaoTrade {
  return {
    ...trade,
    modified: formatChinaTime(at.getTime()),
    orders: { ...trade.orders, order: trade.orders.order.map((o, i) => (i === index ? { ...o, refund_status: refundStatus } : o)) },
  };
}

/** TOP's JSON: ids are numbers (possibly beyond 2^53) next to their exact *_str twins. */
export function topJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/"tid_str":"(\d+)"/g, '"tid":$1,"tid_str":"$1"')
    .replace(/"oid_str":"(\d+)"/g, '"oid":$1,"oid_str":"$1"');
}
