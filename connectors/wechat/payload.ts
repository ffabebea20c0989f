import { z } from 'zod';

/*
 * Two shapes reach WeChat's normalize(), told apart by their keys:
 *
 * 1. A decrypted PUSH EVENT (JSON format). Order events carry the order id and little else:
 *      {"ToUserName":"gh_*","FromUserName":"OPENID","CreateTime":1662480000,"MsgType":"event",
 *       "Event":"channels_ec_order_pay","order_info":{"order_id":3705115058471208928,"pay_time":1658509200}}
 *    order_info per event: new {order_id}; pay {order_id, pay_time}; deliver {order_id,
 *    finish_delivery 0 partly / 1 fully}; cancel {order_id, cancel_type}; confirm {order_id,
 *    confirm_type}; settle {order_id, settle_time}. Times are epoch seconds.
 * 2. An ORDER from the query API POST /channels/ec/order/get (`order` of the answer), yielded by
 *    pull(): status, create_time/update_time (epoch seconds), order_detail.product_infos (sku_id,
 *    out_sku_id, sku_code, sku_cnt, sale_price in fen), price_info.order_price (fen),
 *    delivery_info.address_info (PII; province_name/city_name are read), aftersale_detail.
 *
 * Ids: WeChat order ids exceed 2^53, so they are accepted as digit strings (decode() and pull()
 * quote long integer literals before parsing) or as safe integers.
 */

const digits = z.string().regex(/^\d+$/, 'expected a decimal id');
export const wechatIdSchema = z.union([digits, z.number().int().nonnegative()]);

export const wechatOrderInfoSchema = z.looseObject({
  order_id: wechatIdSchema,
  pay_time: z.number().optional(),
  finish_delivery: z.number().int().optional(),
  cancel_type: z.number().int().optional(),
  confirm_type: z.number().int().optional(),
  settle_time: z.number().optional(),
});

export const wechatEventSchema = z.looseObject({
  ToUserName: z.string(),
  /** The buyer's openid: an identifier of a person, never forwarded. */
  FromUserName: z.string().optional(),
  /** Epoch seconds. */
  CreateTime: z.number(),
  MsgType: z.string(),
  Event: z.string().min(1),
  order_info: wechatOrderInfoSchema.optional(),
});

export const wechatAddressSchema = z.looseObject({
  user_name: z.string().nullish(),
  postal_code: z.string().nullish(),
  province_name: z.string().nullish(),
  city_name: z.string().nullish(),
  county_name: z.string().nullish(),
  detail_info: z.string().nullish(),
  national_code: z.string().nullish(),
  tel_number: z.string().nullish(),
  house_number: z.string().nullish(),
  virtual_order_tel_number: z.string().nullish(),
});

export const wechatProductSchema = z.looseObject({
  product_id: wechatIdSchema.optional(),
  sku_id: wechatIdSchema,
  out_product_id: z.string().nullish(),
  /** Outer SKU id set by the merchant/ISV ("商品外部skuid"). */
  out_sku_id: z.string().nullish(),
  /** The merchant's SKU code ("商品编码"). */
  sku_code: z.string().nullish(),
  title: z.string().nullish(),
  sku_cnt: z.number(),
  /** Unit selling price in fen ("售卖单价（单位：分）"). */
  sale_price: z.number(),
  /** Line total actually paid, fen. */
  real_price: z.number().optional(),
  on_aftersale_sku_cnt: z.number().optional(),
  finish_aftersale_sku_cnt: z.number().optional(),
  /** stock_type 0 in stock, 1 full-payment presale (UNVERIFIED, see README). */
  sku_deliver_info: z.looseObject({ stock_type: z.number().int().optional(), predict_delivery_time: z.number().optional() }).nullish(),
});

export const wechatOrderSchema = z.looseObject({
  order_id: wechatIdSchema,
  status: z.number().int(),
  create_time: z.number(),
  update_time: z.number(),
  openid: z.string().nullish(),
  unionid: z.string().nullish(),
  order_detail: z.looseObject({
    product_infos: z.array(wechatProductSchema),
    price_info: z.looseObject({
      /** Order amount in fen: original − discounts − deductions − price cuts (incl. freight). */
      order_price: z.number(),
      product_price: z.number().optional(),
      freight: z.number().optional(),
      discounted_price: z.number().optional(),
    }),
    delivery_info: z.looseObject({ address_info: wechatAddressSchema.nullish() }).nullish(),
    pay_info: z.looseObject({}).nullish(),
    ext_info: z.looseObject({ customer_notes: z.string().nullish(), merchant_notes: z.string().nullish() }).nullish(),
  }),
  aftersale_detail: z
    .looseObject({
      on_aftersale_order_cnt: z.number().int().optional(),
      aftersale_order_list: z.array(z.unknown()).optional(),
    })
    .nullish(),
});

export const wechatPayloadSchema = z.union([wechatEventSchema, wechatOrderSchema]);

export type WechatEvent = z.infer<typeof wechatEventSchema>;
export type WechatOrder = z.infer<typeof wechatOrderSchema>;
export type WechatProduct = z.infer<typeof wechatProductSchema>;
export type WechatAddress = z.infer<typeof wechatAddressSchema>;
export type WechatPayload = z.infer<typeof wechatPayloadSchema>;

export function isWechatOrder(payload: WechatPayload): payload is WechatOrder {
  return 'order_detail' in payload;
}
