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
