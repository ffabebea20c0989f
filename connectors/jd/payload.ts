import { z } from 'zod';

/*
 * One JD POP order as jingdong.pop.order.enSearch returns it in
 * searchorderinfo_result.orderInfoList[] (the OrderInfo object of the JOS SDKs). JD has no order
 * push here: these records come from our own signed query (pull / the polling source).
 *
 * Loose objects: JOS adds optional_fields over time. Money stays a yuan string (checked in
 * normalize); status words stay plain strings so a new one is dead-lettered, not bounced.
 * All numbers in the raw response are rewritten to strings before parsing (json-numbers.ts).
 */

export const jdItemSchema = z.looseObject({
  /** JD's own SKU id. */
  skuId: z.string().min(1),
  /** The merchant's SKU code ("SKU外部ID"; JD warns it is not guaranteed in extreme cases). */
  outerSkuId: z.string().optional(),
  skuName: z.string().optional(),
  /** JD price of the SKU, yuan. */
  jdPrice: z.string(),
  /** Quantity, as a string. */
  itemTotal: z.string(),
  wareId: z.string().optional(),
});

/** Consignee: fullname, mobile, telephone and fullAddress are PII (encrypted in enSearch answers); only province and city are read. */
export const jdConsigneeSchema = z.looseObject({
  fullname: z.string().optional(),
  mobile: z.string().optional(),
  telephone: z.string().optional(),
  fullAddress: z.string().optional(),
  province: z.string().optional(),
  city: z.string().optional(),
  county: z.string().optional(),
  town: z.string().optional(),
});

export const jdOrderSchema = z.looseObject({
  orderId: z.string().regex(/^[1-9]\d{0,19}$/, 'expected a positive integer order id'),
  venderId: z.string().optional(),
  orderType: z.string().optional(),
  /** WAIT_SELLER_STOCK_OUT, WAIT_GOODS_RECEIVE_CONFIRM, FINISHED_L, TRADE_CANCELED, … (status-map.ts). */
  orderState: z.string().min(1),
  orderStateRemark: z.string().optional(),
  /** Goods total before discounts, without freight (yuan). */
  orderTotalPrice: z.string(),
  /** Goods total minus merchant discounts (yuan). */
  orderSellerPrice: z.string().optional(),
  /** What the buyer pays: goods − discounts − balance + freight + tax + service fee (yuan). */
  orderPayment: z.string(),
  freightPrice: z.string().optional(),
  sellerDiscount: z.string().optional(),
  /** China wall-clock strings. */
  orderStartTime: z.string(),
  paymentConfirmTime: z.string().optional(),
  modified: z.string(),
  consigneeInfo: jdConsigneeSchema.nullish(),
  itemInfoList: z.array(jdItemSchema),
  /** The buyer's account: PII. */
  pin: z.string().optional(),
  orderRemark: z.string().optional(),
});

export type JdOrder = z.infer<typeof jdOrderSchema>;
export type JdItem = z.infer<typeof jdItemSchema>;
export type JdConsignee = z.infer<typeof jdConsigneeSchema>;
