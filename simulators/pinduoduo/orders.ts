/*
 * Pinduoduo orders as the simulator stores and serves them, built from PDD's documented payloads.
 * Money is written as JSON numbers by default (moneyAs: 'string' for the other documented form).
 * Orders carry obviously fake receiver data (SIM_PII); tests assert none of it leaks.
 */
import { fenToYuanNumber, fenToYuanString, yuanToFen } from '../../connectors/pinduoduo/money.js';
import type { PddItem, PddOrder } from '../../connectors/pinduoduo/payload.js';
import { formatChinaTime } from '../../connectors/pinduoduo/timestamp.js';
import { must } from '../kit/index.js';

export const SIM_PII = {
  receiverName: '王建国',
  receiverPhone: '13912345678',
  address: '江苏省南京市鼓楼区中山北路 88 号 3 栋 502',
  receiverAddress: '中山北路 88 号 3 栋 502',
  buyerMemo: '下午送, 找王建国',
} as const;

export interface SimItem {
  /** Default: 300000000000 + the item's index. */
  goodsId?: number;
  outerId?: string | null;
  skuId?: number | null;
  outerGoodsId?: string | null;
  count: number;
  /** Unit price, yuan decimal string ("19.90"). */
  price: string;
}

export interface SimOrderOptions {
  orderSn: string;
  items: SimItem[];
  createdAt: Date;
  province?: string;
  city?: string;
  postage?: string;
  moneyAs?: 'number' | 'string';
  /** Deposit order (trade_type 1), deposit not yet paid. */
  deposit?: boolean;
  preSale?: boolean;
}

const fen = (amount: string) => must(yuanToFen(amount));

export function makePddOrder(opts: SimOrderOptions): PddOrder {
  const asMoney = (f: number) => (opts.moneyAs === 'string' ? fenToYuanString(f) : fenToYuanNumber(f));
  const created = formatChinaTime(opts.createdAt.getTime());
  const items: PddItem[] = opts.items.map((item, i) => ({
    goods_id: item.goodsId ?? 300_000_000_000 + i,
    sku_id: item.skuId === undefined ? 1_200_000_000_000 + i : item.skuId,
    outer_id: item.outerId,
    outer_goods_id: item.outerGoodsId,
    goods_name: `拼单商品 ${i + 1}`,
    goods_spec: '默认',
    goods_count: item.count,
    goods_price: asMoney(fen(item.price)),
    goods_img: 'https://img.pddpic.com/sim.jpg',
  }));
  const goods = opts.items.reduce((s, it) => s + fen(it.price) * it.count, 0);
  const postage = fen(opts.postage ?? '0.00');
  return {
    order_sn: opts.orderSn,
    order_status: 1,
    refund_status: 1,
    group_status: 1,
    confirm_status: 1,
    trade_type: opts.deposit ? 1 : 0,
    step_order_info: opts.deposit ? { step_trade_status: 0, advanced_paid_fee: asMoney(0), step_paid_fee: asMoney(0) } : null,
    is_pre_sale: opts.preSale ? 1 : 0,
    pre_sale_time: opts.preSale ? formatChinaTime(opts.createdAt.getTime() + 7 * 86_400_000) : '',
    pay_amount: asMoney(goods + postage),
    goods_amount: asMoney(goods),
    discount_amount: asMoney(0),
    postage: asMoney(postage),
    created_time: created,
    confirm_time: created,
    pay_time: created,
    updated_at: created,
    country: '中国',
    province: opts.province ?? '江苏省',
    city: opts.city ?? '南京市',
    town: '鼓楼区',
    receiver_name: SIM_PII.receiverName,
    receiver_phone: SIM_PII.receiverPhone,
    address: SIM_PII.address,
    receiver_address: SIM_PII.receiverAddress,
    buyer_memo: SIM_PII.buyerMemo,
    remark: '',
    tracking_number: '',
    item_list: items,
  };
}

/** The order after a change at `at`. */
export function withPddStatus(
  order: PddOrder,
  change: Partial<Pick<PddOrder, 'order_status' | 'refund_status' | 'group_status' | 'confirm_status' | 'step_order_info'>>,
  at: Date,
): PddOrder {
  return { ...order, ...change, updated_at: formatChinaTime(at.getTime()) };
}
