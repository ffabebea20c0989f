import { z } from 'zod';

/*
 * Youzan (有赞) payloads. Two shapes reach normalize():
 *
 * 1. A push: HTTP POST, JSON envelope {client_id, id, kdt_id, kdt_name, msg, type, status,
 *    version, test, mode, sendCount, msg_id, sign}. `msg` is the business message as a
 *    URL-encoded (UTF-8, form style: space = "+") JSON string. For trade messages it decodes to
 *    {full_order_info: {order_info, pay_info, …}}; which sub-objects are present depends on the
 *    message type (a trade_TradePaid example carries no orders[] and no address_info).
 *    Field list: yuyan2077/youzanyunpay server/server.go (ReqMsg + example), several push
 *    entity classes quoting the Youzan docs (README.md).
 * 2. One entry of youzan.trades.sold.get's full_order_info_list: {full_order_info}, which pull()
 *    yields.
 *
 * Money is yuan as decimal strings ("0.01"); times are China wall-clock "2018-10-16 21:41:01".
 * Youzan writes absent times as {} (e.g. "consign_time":{}), so optional times are unknown here
 * and checked by normalize().
 */

/** {} or "" for "not set", else the string. */
const optionalTime = z.union([z.string(), z.looseObject({})]).nullish();
const flag = z.union([z.boolean(), z.number(), z.string()]).nullish();

export const youzanOrderInfoSchema = z.looseObject({
  tid: z.string().min(1),
  /** WAIT_BUYER_PAY, TRADE_PAID, WAIT_CONFIRM, WAIT_SELLER_SEND_GOODS, … (status-map.ts). */
  status: z.string(),
  status_str: z.string().optional(),
  type: z.number().int().optional(),
  created: z.string(),
  update_time: z.string(),
  pay_time: optionalTime,
  consign_time: optionalTime,
  success_time: optionalTime,
  /** 0 none, 1 partial refunding, 2 partial refunded, 11 full refunding, 12 full refunded (UNVERIFIED). */
  refund_state: z.number().int().optional(),
  close_type: z.number().int().optional(),
  order_tags: z.looseObject({ is_down_payment_pre: flag, is_pre_sale: flag, is_payed: flag }).nullish(),
});

export const youzanLineSchema = z.looseObject({
  oid: z.union([z.string(), z.number()]),
  item_id: z.union([z.number().int(), z.string()]).optional(),
  /** 0 when the item has no SKU. */
  sku_id: z.union([z.number().int(), z.string()]).optional(),
  /** The merchant's SKU code (商家编码); "" when unset. */
  outer_sku_id: z.string().nullish(),
  outer_item_id: z.string().nullish(),
  num: z.number().int(),
  /** Unit price, yuan string. */
  price: z.string(),
  payment: z.string().optional(),
  total_fee: z.string().optional(),
  title: z.string().optional(),
  is_pre_sale: flag,
});
export type YouzanLine = z.infer<typeof youzanLineSchema>;

/** Receiver. Only delivery_province / delivery_city are not PII. */
export const youzanAddressSchema = z.looseObject({
  delivery_province: z.string().nullish(),
  delivery_city: z.string().nullish(),
  delivery_district: z.string().nullish(),
  delivery_address: z.string().nullish(),
  delivery_postal_code: z.string().nullish(),
  receiver_name: z.string().nullish(),
  receiver_tel: z.string().nullish(),
});
export type YouzanAddress = z.infer<typeof youzanAddressSchema>;

export const youzanFullOrderInfoSchema = z.looseObject({
  order_info: youzanOrderInfoSchema,
  pay_info: z.looseObject({ payment: z.string(), total_fee: z.string().optional(), post_fee: z.string().optional() }),
  orders: z.array(youzanLineSchema).optional(),
  address_info: youzanAddressSchema.nullish(),
  buyer_info: z.looseObject({}).nullish(),
});
export type YouzanFullOrderInfo = z.infer<typeof youzanFullOrderInfoSchema>;

/** The decoded `msg` of a trade message, and also one pulled list entry. */
export const youzanTradeSchema = z.looseObject({ full_order_info: youzanFullOrderInfoSchema });
export type YouzanTrade = z.infer<typeof youzanTradeSchema>;

export const youzanPushSchema = z.looseObject({
  client_id: z.string().min(1),
  /** Business id: the tid for trade messages. */
  id: z.string(),
  kdt_id: z.number().int().positive(),
  kdt_name: z.string().optional(),
  /** URL-encoded JSON. */
  msg: z.string(),
  /** trade_TradeCreate, trade_TradePaid, … */
  type: z.string().min(1),
  status: z.string(),
  version: z.union([z.number(), z.string()]).optional(),
  /** Youzan sends periodic test messages to check the endpoint. */
  test: z.boolean().optional(),
  mode: z.number().int().optional(),
  sendCount: z.number().int().optional(),
  msg_id: z.string().optional(),
  /** Legacy body signature md5(client_id + msg + client_secret). */
  sign: z.string().optional(),
});
export type YouzanPush = z.infer<typeof youzanPushSchema>;

export const youzanPayloadSchema = z.union([youzanPushSchema, youzanTradeSchema]);
export type YouzanPayload = YouzanPush | YouzanTrade;

/** Form-style URL decoding: "+" is a space, %XX are UTF-8 bytes. */
export function decodeYouzanMsg(msg: string): string {
  return decodeURIComponent(msg.replace(/\+/g, ' '));
}
