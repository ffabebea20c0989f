import { z } from 'zod';

/*
 * A Pinduoduo order as the query API returns it: pdd.order.information.get →
 * order_info_get_response.order_info, and pdd.order.number.list.increment.get →
 * order_sn_increment_get_response.order_sn_list[] (same field names for everything used here).
 *
 * The WebSocket message itself carries only {tid (= order_sn), mall_id}; the source fetches
 * this full order for every message, so push and pull parse the same shape (README).
 *
 * Loose objects; status codes are plain numbers so a new value reaches normalize() and is
 * dead-lettered with a reason. Money: number or decimal string (see money.ts).
 * Receiver name/phone/address are PII (and arrive encrypted or masked on the real platform).
 */
const money = z.union([z.number(), z.string()]);
const count = z.union([z.number(), z.string().regex(/^\d+$/)]);

export const pddItemSchema = z.looseObject({
  goods_id: z.union([z.number(), z.string()]).optional(),
  /** Platform SKU id. */
  sku_id: z.union([z.number(), z.string()]).nullish(),
  /** Merchant's SKU code (商家外部编码 sku), the stock key when set. */
  outer_id: z.string().nullish(),
  /** Merchant's goods code. */
  outer_goods_id: z.string().nullish(),
  goods_name: z.string().optional(),
  goods_count: count,
  /** Unit sale price, yuan. */
  goods_price: money,
});

export const pddOrderSchema = z.looseObject({
  order_sn: z.string().min(1),
  /** 1 awaiting shipment, 2 shipped awaiting receipt, 3 received. */
  order_status: z.number().int(),
  /** 1 no after-sale or closed, 2 after-sale in progress, 3 refunding, 4 refunded. */
  refund_status: z.number().int(),
  /** 0 group forming, 1 group formed, 2 group failed. */
  group_status: z.number().int().nullish(),
  /** 0 not concluded, 1 concluded, 2 cancelled. */
  confirm_status: z.number().int().nullish(),
  /** 0 normal, 1 deposit (定金) order. */
  trade_type: z.number().int().nullish(),
  step_order_info: z.looseObject({ step_trade_status: z.number().int() }).nullish(),
  is_pre_sale: z.number().int().nullish(),
  pre_sale_time: z.string().nullish(),
  /** Paid = goods − discount + postage, yuan. */
  pay_amount: money,
  goods_amount: money.optional(),
  discount_amount: money.optional(),
  postage: money.optional(),
  created_time: z.string(),
  pay_time: z.string().nullish(),
  updated_at: z.string(),
  country: z.string().nullish(),
  province: z.string().nullish(),
  city: z.string().nullish(),
  town: z.string().nullish(),
  receiver_name: z.string().nullish(),
  receiver_phone: z.string().nullish(),
  address: z.string().nullish(),
  receiver_address: z.string().nullish(),
  buyer_memo: z.string().nullish(),
  item_list: z.array(pddItemSchema),
});

export type PddOrder = z.infer<typeof pddOrderSchema>;
export type PddItem = z.infer<typeof pddItemSchema>;
