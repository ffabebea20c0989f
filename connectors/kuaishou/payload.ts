import { z } from 'zod';

/*
 * Two shapes reach Kuaishou's normalize(), told apart by their keys:
 *
 * 1. The decrypted PUSH MESSAGE (消息推送). An envelope whose `info` is a JSON *string* with the
 *    business content. Order messages carry only ids, the order status and a time:
 *      {"eventId":"243_4027_2375715766426","msgId":"84_2375715766425","bizId":2607602240240301,
 *       "userId":2161524184,"openId":"…","appKey":"ks699183844582124027","event":"kwaishop_order_addOrder",
 *       "info":"{\"oid\":2607602240240301,\"sellerId\":2161524184,\"createTime\":1773750942425,…}",
 *       "status":2,"createTime":1773750943589,"updateTime":1773750945776,"operator":"2323245113"}
 *    Envelope `status` is the MESSAGE delivery state (0 unknown, 1 sending, 2 sent, 3 failed), not the
 *    order status; the order status is `info.status`.
 * 2. An ORDER from the order query API open.order.cursor.list (pull()): orderBaseInfo (money in
 *    fen, times in epoch ms), orderItemInfo (one SKU per Kuaishou order), orderAddress (PII),
 *    orderRefundList (newest first).
 *
 * Loose objects: unknown fields pass. Money and times are plain numbers here; normalize() checks
 * that they are whole, non-negative and plausible, and dead-letters with a reason otherwise.
 */

/** Platform ids are 16-digit integers today (2607602240240301 < 2^53); z.int() refuses unsafe ones. */
const id = z.number().int().positive();

/** `info` of order messages: oid/sellerId/status/updateTime, or createTime for addOrder. */
export const kuaishouInfoSchema = z.looseObject({
  oid: id.optional(),
  sellerId: z.number().int().optional(),
  /** Order status: 0 unknown, 10 awaiting payment, 30 paid, 40 shipped, 50 signed for, 70 success, 80 failed. */
  status: z.number().int().optional(),
  beforeStatus: z.number().int().optional(),
  /** Business change time, epoch ms. */
  updateTime: z.number().optional(),
  /** Order creation time, epoch ms (kwaishop_order_addOrder). */
  createTime: z.number().optional(),
  openId: z.string().optional(),
  buyerOpenId: z.string().optional(),
});

/** `info` arrives as JSON text inside the JSON envelope; unparsable text is a malformed payload. */
const infoText = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'info is not JSON text' });
      return z.NEVER;
    }
  })
  .pipe(kuaishouInfoSchema);

export const kuaishouMessageSchema = z.looseObject({
  /** Unique per message; the same on every retry of it. */
  eventId: z.string().min(1),
  msgId: z.string().optional(),
  /** Business id: the order id for order messages. */
  bizId: id.optional(),
  /** The authorized seller's user id. */
  userId: z.number().int().optional(),
  openId: z.string().optional(),
  /** The app the message was produced for; verify() checks it against the shop's appKey. */
  appKey: z.string().min(1),
  /** Message name, e.g. kwaishop_order_paySuccess. */
  event: z.string().min(1),
  info: infoText,
  /** Message delivery state, NOT the order status. */
  status: z.number().int().optional(),
  createTime: z.number(),
  updateTime: z.number().optional(),
  /** The console's connectivity test ("是否心跳测试事件"). */
  test: z.boolean().optional(),
});

/** Receiver fields are PII; only province and city are read. Codes are Kuaishou area codes. */
export const kuaishouAddressSchema = z.looseObject({
  consignee: z.string().nullish(),
  mobile: z.string().nullish(),
  address: z.string().nullish(),
  encryptedConsignee: z.string().nullish(),
  encryptedMobile: z.string().nullish(),
  encryptedAddress: z.string().nullish(),
  desensitiseConsignee: z.string().nullish(),
  desensitiseMobile: z.string().nullish(),
  desensitiseAddress: z.string().nullish(),
  province: z.string().nullish(),
  provinceCode: z.number().nullish(),
  city: z.string().nullish(),
  cityCode: z.number().nullish(),
  district: z.string().nullish(),
  districtCode: z.number().nullish(),
});

export const kuaishouOrderBaseSchema = z.looseObject({
  oid: id,
  status: z.number().int(),
  /** Order total in fen ("订单总价"/"子订单商品总价"; see README on what it includes). */
  totalFee: z.number(),
  expressFee: z.number().optional(),
  discountFee: z.number().optional(),
  createTime: z.number(),
  updateTime: z.number(),
  payTime: z.number().optional(),
  sendTime: z.number().optional(),
  recvTime: z.number().optional(),
  /** 0 normal, 1 presale. */
  preSale: z.number().int().optional(),
  buyerNick: z.string().nullish(),
  buyerOpenId: z.string().nullish(),
  remark: z.string().nullish(),
});

export const kuaishouItemSchema = z.looseObject({
  /** Kuaishou's SKU id. */
  skuId: id,
  /** The merchant's SKU code (商品编码/sku编码) — the outer SKU id; "" when not set. */
  skuNick: z.string().nullish(),
  /** The service provider's SKU id, 0 when none. Not used as the stock key (see README). */
  relSkuId: z.number().nullish(),
  itemId: z.number().optional(),
  itemTitle: z.string().nullish(),
  /** Quantity. */
  num: z.number(),
  /** Unit price in fen (商品单价快照，以分为单位). */
  price: z.number(),
  originalPrice: z.number().optional(),
});

export const kuaishouRefundSchema = z.looseObject({
  refundId: z.number(),
  /** 10/11 applied, 20/21/22 platform involved, 30/40 return in transit, 50 refunding, 60 refunded, 70 refund failed. */
  refundStatus: z.number().int(),
});

export const kuaishouOrderSchema = z.looseObject({
  orderBaseInfo: kuaishouOrderBaseSchema,
  orderItemInfo: kuaishouItemSchema,
  orderAddress: kuaishouAddressSchema.nullish(),
  /** Newest first. */
  orderRefundList: z.array(kuaishouRefundSchema).nullish(),
});

/** What payloadSchema accepts: a decrypted push message, or a pulled order. */
export const kuaishouPayloadSchema = z.union([kuaishouMessageSchema, kuaishouOrderSchema]);

export type KuaishouInfo = z.infer<typeof kuaishouInfoSchema>;
export type KuaishouMessage = z.infer<typeof kuaishouMessageSchema>;
export type KuaishouOrder = z.infer<typeof kuaishouOrderSchema>;
export type KuaishouAddress = z.infer<typeof kuaishouAddressSchema>;
export type KuaishouItem = z.infer<typeof kuaishouItemSchema>;
export type KuaishouPayload = z.infer<typeof kuaishouPayloadSchema>;

export function isKuaishouOrder(payload: KuaishouPayload): payload is KuaishouOrder {
  return 'orderBaseInfo' in payload;
}
