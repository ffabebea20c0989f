import { z } from 'zod';

/*
 * The Taobao/Tmall trade as the TOP query API returns it (taobao.trade.fullinfo.get →
 * trade_fullinfo_get_response.trade; taobao.trades.sold.increment.get →
 * trades_sold_increment_get_response.trades.trade[]). TOP's JSON wraps lists in an object
 * named after the element: `orders: { order: [...] }`.
 *
 * The TMC push itself carries only ids and a status (see README "push vs detail"): the
 * source fetches this full trade for every message, so push and pull parse the same shape.
 *
 * Loose objects (TOP has ~200 trade fields and adds more); status words are plain strings so
 * a new one reaches normalize() and is dead-lettered with a reason instead of a 400.
 * Money stays a yuan string here; normalize() parses it exactly.
 *
 * tid/oid: Taobao ids have grown past 2^53 (19 digits), so a JSON number may already have been
 * rounded by JSON.parse. TOP also returns them as strings (tid_str, oid_str); those win.
 */
const digits = z.string().regex(/^\d+$/, 'expected a decimal id');

export const taobaoOrderSchema = z.looseObject({
  oid: z.number().optional(),
  oid_str: digits.optional(),
  num_iid: z.number().optional(),
  /** Platform SKU id (a string in TOP); absent for items without SKUs. */
  sku_id: z.string().nullish(),
  /** Merchant's SKU code (商家外部编码), the stock key when set. */
  outer_sku_id: z.string().nullish(),
  /** Merchant's item code, used when the item has no SKUs. */
  outer_iid: z.string().nullish(),
  num: z.number(),
  /** Unit price, yuan string. */
  price: z.string(),
  payment: z.string().optional(),
  total_fee: z.string().optional(),
  /** Line refund state: NO_REFUND, WAIT_SELLER_AGREE, WAIT_BUYER_RETURN_GOODS, WAIT_SELLER_CONFIRM_GOODS, SELLER_REFUSE_BUYER, CLOSED, SUCCESS. */
  refund_status: z.string().nullish(),
  status: z.string().optional(),
  title: z.string().optional(),
});

export const taobaoTradeSchema = z
  .looseObject({
    tid: z.number().optional(),
    tid_str: digits.optional(),
    status: z.string(),
    /** "fixed", "step" (presale with deposit), "cod", … */
    type: z.string().optional(),
    /** Presale stage: FRONT_NOPAID_FINAL_NOPAID, FRONT_PAID_FINAL_NOPAID, FRONT_PAID_FINAL_PAID. */
    step_trade_status: z.string().nullish(),
    step_paid_fee: z.string().nullish(),
    /** What the buyer pays, postage included, yuan string. */
    payment: z.string(),
    total_fee: z.string().optional(),
    post_fee: z.string().optional(),
    discount_fee: z.string().optional(),
    created: z.string(),
    pay_time: z.string().nullish(),
    modified: z.string(),
    /** Region: province and city. Everything else about the receiver is PII. */
    receiver_state: z.string().nullish(),
    receiver_city: z.string().nullish(),
    receiver_district: z.string().nullish(),
    receiver_country: z.string().nullish(),
    receiver_name: z.string().nullish(),
    receiver_mobile: z.string().nullish(),
    receiver_phone: z.string().nullish(),
    receiver_address: z.string().nullish(),
    receiver_zip: z.string().nullish(),
    buyer_nick: z.string().nullish(),
    buyer_message: z.string().nullish(),
    orders: z.looseObject({ order: z.array(taobaoOrderSchema) }),
  })
  .refine((t) => t.tid_str !== undefined || t.tid !== undefined, { message: 'tid or tid_str is required' });

export type TaobaoTrade = z.infer<typeof taobaoTradeSchema>;
export type TaobaoOrder = z.infer<typeof taobaoOrderSchema>;
