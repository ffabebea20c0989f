import { z } from 'zod';

/*
 * A Meituan Waimai order, in the shape its order pushes carry it: flat form fields, every value a
 * string ("推送已支付订单" / "推送已确认订单", and the same field names as order/getOrderDetail).
 * decode() turns a push into this JSON object; pull() turns order/getOrderDetail records into it
 * too (numbers kept as their exact source text), so one schema and one normalize serve both paths.
 *
 * Only the fields the hub consumes are checked; the object is loose, because Meituan adds fields
 * behind "订单订阅字段" switches. Status words stay plain strings so an unknown value reaches
 * normalize() and is dead-lettered with a reason instead of bounced as malformed.
 */

const digits = z.string().regex(/^\d+$/, 'expected decimal digits');

/** One line of the detail JSON string (a list). Numbers arrive as strings (json-numbers.ts). */
export const meituanDetailItemSchema = z.looseObject({
  /** APP方商品id: the merchant's SPU code (its "spu_code"); may be empty if never maintained. */
  app_food_code: z.string().optional(),
  /** The merchant's SKU (spec) code. */
  sku_id: z.string().optional(),
  food_name: z.string().optional(),
  quantity: digits,
  /** Unit price in yuan. */
  price: z.string(),
  box_num: z.string().optional(),
  box_price: z.string().optional(),
});

export const meituanDetailSchema = z.array(meituanDetailItemSchema);

export const meituanOrderSchema = z.looseObject({
  /** bigint(20): may exceed 2^53, so it is a string end to end. */
  order_id: z.string().regex(/^[1-9]\d{0,19}$/, 'expected a positive integer order id'),
  /** The order number shown to users and merchants. */
  wm_order_id_view: digits.optional(),
  /** The merchant's store code (APP方门店id). */
  app_poi_code: z.string().min(1),
  /** 1 submitted, 2 pushed to merchant, 4 merchant confirmed, 8 completed, 9 cancelled (status-map.ts). */
  status: z.string().min(1),
  /** Delivery status (0/5/10/15/20/40/100); present in order details, absent in most pushes. */
  logistics_status: z.string().optional(),
  /** Epoch seconds. */
  ctime: z.string(),
  /** Epoch seconds of the latest order or delivery status change. */
  utime: z.string(),
  /** What the user paid, yuan, including packaging and delivery fee. */
  total: z.string(),
  original_price: z.string().optional(),
  shipping_fee: z.string().optional(),
  /** JSON text: the list of ordered items (meituanDetailItemSchema). */
  detail: z.string(),
  /** "true" / "false". */
  is_pre_sale_order: z.string().optional(),
  /** JSON text {province, city, area, town, detail_address}; medical B2C orders only. */
  recipient_address_detail: z.string().optional(),
  /** PII (never forwarded): listed so the simulator and tests can prove it does not leak. */
  recipient_name: z.string().optional(),
  recipient_phone: z.string().optional(),
  recipient_address: z.string().optional(),
});

export type MeituanOrder = z.infer<typeof meituanOrderSchema>;
export type MeituanDetailItem = z.infer<typeof meituanDetailItemSchema>;

/*
 * What the push URL receives: a full order (above), or one of Meituan's slim pushes, which name
 * the order and a change but carry no items, total or (mostly) order times:
 *   - 取消订单推送 (cancellation): order_id, reason_code, reason, deal_op_type;
 *   - 全额退款推送 / 部分退款推送 (full / partial refund): order_id, notify_type, refund_id, ctime,
 *     reason, res_type, is_appeal, pictures… (partial also money, food); stores with the return
 *     (退货退款) flow get the after-sale `status` instead of notify_type / res_type;
 *   - 退款状态推送 (refund result): order_id, refund_id, refund_status, money, ctime, utime;
 *   - 配送状态推送 (delivery status): order_id, wm_order_id_view, logistics_status, time,
 *     dispatcher_name, dispatcher_mobile.
 * Plus the system parameters app_id and timestamp (sig is dropped by decode). push-kind.ts tells
 * the kinds apart. The schema checks types and refuses junk: no valid order_id, non-string values,
 * or a record that carries order contents (detail or total) without the rest of a full order.
 * A well-formed record of an unrecognized kind passes and is dead-lettered by normalize.
 */
const FULL_ORDER_FIELDS = ['app_poi_code', 'status', 'ctime', 'utime', 'total', 'detail'] as const;

export const meituanPushSchema = meituanOrderSchema
  .extend({
    app_poi_code: z.string().min(1).optional(),
    status: z.string().min(1).optional(),
    ctime: z.string().optional(),
    utime: z.string().optional(),
    total: z.string().optional(),
    detail: z.string().optional(),
    /** System parameter: epoch seconds of the push, signed (verify checks it). */
    timestamp: z.string().optional(),
    app_id: z.string().optional(),
    /** Cancellation. */
    reason_code: z.string().optional(),
    reason: z.string().optional(),
    deal_op_type: z.string().optional(),
    /** Refunds. */
    notify_type: z.string().optional(),
    refund_id: z.string().optional(),
    res_type: z.string().optional(),
    refund_status: z.string().optional(),
    money: z.string().optional(),
    food: z.string().optional(),
    /** Delivery status: epoch seconds of the change. */
    time: z.string().optional(),
  })
  .superRefine((push, ctx) => {
    if (push.detail === undefined && push.total === undefined) return;
    for (const field of FULL_ORDER_FIELDS) {
      if (push[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required in a push carrying order contents (detail/total)` });
    }
  });

export type MeituanPush = z.infer<typeof meituanPushSchema>;
