import { z } from 'zod';

/*
 * Douyin shop (抖店) payloads. Two shapes reach normalize():
 *
 * 1. A message push: the HTTP body is a JSON ARRAY of events {tag, msg_id, data}, where `data`
 *    is itself a JSON *string* (zsmhub/doudian-sdk message/doudian_message.go). Order messages
 *    (tags 100–110) carry ids, order_status and one time field, never lines, amounts of lines or
 *    the address. See README.md "What a push cannot carry".
 * 2. A shop order from the order query API (order.searchList → data.shop_order_list[]), which is
 *    what pull() yields: the full order, amounts in fen, times in epoch seconds.
 *
 * Loose objects throughout: the platform adds fields often; an unknown field must not turn a real
 * order into a 400. Status codes stay plain numbers so a new code is dead-lettered with a reason
 * by normalize() instead of bounced as malformed.
 *
 * Douyin ids are int64 (order ids and sku ids are ~19 digits, above 2^53). Ids are therefore
 * accepted as digit strings; safeId() refuses a JSON number that has already lost precision.
 */

const DIGITS = /^\d{1,20}$/;

/** An id as a digit string, or a JSON number that is still exact. */
export const douyinIdSchema = z.union([
  z.string().regex(DIGITS, 'expected a decimal id'),
  z.number().int().nonnegative().refine(Number.isSafeInteger, 'id above 2^53 was rounded by JSON.parse; send it as a string'),
]);

/** Integer fen (分), never negative. */
const fen = z.number().int().nonnegative().refine(Number.isSafeInteger, 'amount beyond 2^53 fen');
/** Epoch seconds. */
const epochSeconds = z.number().int().nonnegative();

// ---------------------------------------------------------------------------------------------
// Push envelope

export const douyinPushEventSchema = z.looseObject({
  /** Message type: "100" order created, "101" paid, "102" shipped … (status-map.ts, README). */
  tag: z.string().regex(/^\d+$/, 'tag is a decimal string'),
  /** Unique per message; the same message redelivered keeps it. */
  msg_id: z.string().min(1),
  /** The message body, as a JSON string. */
  data: z.string(),
});
export const douyinPushBatchSchema = z.array(douyinPushEventSchema).min(1, 'a Douyin push carries at least one event');

/**
 * `data` of an order message (tags 100–110), after parseMessageData() kept its ids as strings.
 * Field names from zsmhub/doudian-sdk message/订单创建消息.go, 订单支付确认消息.go, 卖家发货消息.go,
 * 交易完成消息.go, 订单取消消息.go, 卖家部分发货消息.go, 订单已支付待处理.go, 订单金额修改消息.go,
 * 买家收货信息变更消息.go.
 */
export const douyinOrderMessageSchema = z.looseObject({
  p_id: douyinIdSchema,
  s_ids: z.array(douyinIdSchema).optional(),
  shop_id: douyinIdSchema,
  order_status: z.number().int(),
  order_type: z.number().int().optional(),
  biz: z.number().int().optional(),
  create_time: epochSeconds.optional(),
  pay_time: epochSeconds.optional(),
  pay_amount: fen.optional(),
  update_time: epochSeconds.optional(),
  complete_time: epochSeconds.optional(),
  cancel_time: epochSeconds.optional(),
  modify_time: epochSeconds.optional(),
  total_amount: fen.optional(),
});
export type DouyinOrderMessage = z.infer<typeof douyinOrderMessageSchema>;

// ---------------------------------------------------------------------------------------------
// Query API shop order (order.searchList data.shop_order_list[]), field names from
// zsmhub/doudian-sdk api/order_searchList/response/order_searchList_response.go

const regionSchema = z.looseObject({ name: z.string().nullish(), id: z.string().nullish() });

/** Receiver address. Province/city names are kept; detail, street and encrypt_* are PII. */
export const douyinAddressSchema = z.looseObject({
  province: regionSchema.nullish(),
  city: regionSchema.nullish(),
  town: regionSchema.nullish(),
  street: regionSchema.nullish(),
  detail: z.string().nullish(),
  encrypt_detail: z.string().nullish(),
});
export type DouyinAddress = z.infer<typeof douyinAddressSchema>;

export const douyinSkuOrderSchema = z.looseObject({
  /** Sub-order (商品单) id. */
  order_id: z.string(),
  parent_order_id: z.string().optional(),
  sku_id: douyinIdSchema,
  product_id: douyinIdSchema.optional(),
  /** The merchant's own SKU code (外部Skuid); "" when not set. */
  out_sku_id: z.string().nullish(),
  /** 商家后台商品编码. */
  code: z.string().nullish(),
  item_num: z.number().int().positive(),
  /** Unit price (商品现价), fen. */
  origin_amount: fen,
  /** origin_amount × item_num, fen. */
  sum_amount: fen.optional(),
  pay_amount: fen.optional(),
  /** 0 in stock, 1 full-payment presale, 2 staged shipping. */
  pre_sale_type: z.number().int().optional(),
  /** 0 normal, 1 group, 2 deposit presale, 3 deposit sourcing, … */
  trade_type: z.number().int().optional(),
  order_status: z.number().int().optional(),
  main_status: z.number().int().optional(),
});
export type DouyinSkuOrder = z.infer<typeof douyinSkuOrderSchema>;

export const douyinShopOrderSchema = z.looseObject({
  /** Shop order (店铺单) id, a string in the API. */
  order_id: z.string().regex(DIGITS, 'order_id is a decimal string'),
  shop_id: douyinIdSchema,
  /** 1 待支付, 105 已支付, 2 备货中, 101 部分发货, 3 已发货, 4 已取消, 5 已完成. */
  order_status: z.number().int(),
  order_status_desc: z.string().optional(),
  /** Deprecated by Douyin (【已废弃】) but still returned; refines the status (status-map.ts). */
  main_status: z.number().int().optional(),
  main_status_desc: z.string().optional(),
  create_time: epochSeconds,
  update_time: epochSeconds,
  pay_time: epochSeconds.optional(),
  finish_time: epochSeconds.optional(),
  /** What the buyer paid, fen (order_amount − promotions + post). */
  pay_amount: fen,
  order_amount: fen.optional(),
  post_amount: fen.optional(),
  sku_order_list: z.array(douyinSkuOrderSchema).min(1, 'an order has at least one sku order'),
  /** Deposit presale phases; non-empty for 定金预售. */
  order_phase_list: z.array(z.looseObject({})).nullish(),
  post_addr: douyinAddressSchema.nullish(),
  mask_post_addr: douyinAddressSchema.nullish(),
  post_receiver: z.string().nullish(),
  post_tel: z.string().nullish(),
  buyer_words: z.string().nullish(),
});
export type DouyinShopOrder = z.infer<typeof douyinShopOrderSchema>;
export type DouyinPushBatch = z.infer<typeof douyinPushBatchSchema>;

/** What the connector accepts: a push batch (the webhook) or one shop order (pull()). */
export const douyinPayloadSchema = z.union([douyinPushBatchSchema, douyinShopOrderSchema]);
export type DouyinPayload = DouyinPushBatch | DouyinShopOrder;

/**
 * Ids in Douyin JSON are bare int64 numbers (Go SDK: int64). JSON.parse would round them, so the
 * listed keys' integer values are turned into strings on the raw text first. Only a key directly
 * followed by an integer (or an array of integers) is touched; strings and other keys are left.
 */
export function quoteIdFields(json: string, keys: readonly string[]): string {
  const names = keys.map((k) => k.replace(/[^a-z_]/g, '')).join('|');
  const scalar = new RegExp(`("(?:${names})"\\s*:\\s*)(-?\\d+)(?=\\s*[,}\\]])`, 'g');
  const list = new RegExp(`("(?:${names})"\\s*:\\s*\\[)([\\d\\s,]*)(\\])`, 'g');
  return json
    .replace(scalar, (_m, head: string, digits: string) => `${head}"${digits}"`)
    .replace(
      list,
      (_m, head: string, body: string, tail: string) =>
        `${head}${body
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
          .map((x) => `"${x}"`)
          .join(',')}${tail}`,
    );
}

export const MESSAGE_ID_KEYS = ['p_id', 's_ids', 's_id', 'shop_id', 'aftersale_id'] as const;
export const ORDER_ID_KEYS = ['sku_id', 'product_id', 'shop_id', 'author_id', 'room_id', 'app_id', 'cid', 'page_id'] as const;
