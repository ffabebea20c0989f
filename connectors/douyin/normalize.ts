import type { Result } from '../../lib/result.js';
import type { OrderEvent, OrderStatus } from '../../topics/schemas/order-event.js';
import { buyerRegion, present } from '../common/fields.js';
import { type InboundPush, orderEventOf, type ShopConfig } from '../contract.js';
import { toOrderLines } from './lines.js';
import { fenAmount } from './money.js';
import {
  type DouyinOrderMessage,
  type DouyinPayload,
  type DouyinPushBatch,
  type DouyinShopOrder,
  douyinOrderMessageSchema,
  MESSAGE_ID_KEYS,
  quoteIdFields,
} from './payload.js';
import { isPresale } from './presale.js';
import { douyinChannelStatus, douyinStatusKey, lookupStatus, ORDER_MESSAGE_TIME_FIELD } from './status-map.js';
import { epochSecondsToMs } from './timestamp.js';

export const DOUYIN_CHANNEL = 'douyin';

/*
 * Every event field is built from named payload fields; the payload is never spread into it, so
 * receiver names, phones and addresses cannot ride along.
 */

export function normalizeDouyin(payload: DouyinPayload, shop: ShopConfig, push: InboundPush): Result<OrderEvent>[] {
  return Array.isArray(payload) ? normalizeDouyinPush(payload, shop, push) : [normalizeDouyinOrder(payload, shop, push)];
}

function statusOf(orderStatus: number, mainStatus?: number | null): Result<{ status: OrderStatus; channelStatus: string }> {
  const key = douyinStatusKey(orderStatus, mainStatus);
  const status = lookupStatus(key);
  const channelStatus = douyinChannelStatus(orderStatus, mainStatus);
  if (status === undefined) return { ok: false, reason: `unknown Douyin status "${channelStatus}"` };
  return { ok: true, value: { status, channelStatus } };
}

/** The shop named in the payload must be this shop, when ShopConfig says which one it is. */
function checkShop(shopIdInPayload: string | number, shop: ShopConfig): Result<void> {
  const expected = shop.credentials?.douyinShopId;
  if (expected && String(shopIdInPayload) !== expected) {
    return { ok: false, reason: `Douyin shop_id ${String(shopIdInPayload)} is not this shop (${expected})` };
  }
  return { ok: true, value: undefined };
}

// ---------------------------------------------------------------------------------------------
// Full order (query API, pull())

export function normalizeDouyinOrder(order: DouyinShopOrder, shop: ShopConfig, push: InboundPush): Result<OrderEvent> {
  const owner = checkShop(order.shop_id, shop);
  if (!owner.ok) return owner;
  const status = statusOf(order.order_status, order.main_status);
  if (!status.ok) return status;
  const occurredAt = epochSecondsToMs('update_time', order.update_time);
  if (!occurredAt.ok) return occurredAt;
  const total = fenAmount('pay_amount', order.pay_amount);
  if (!total.ok) return total;
  const lines = toOrderLines(order.sku_order_list);
  if (!lines.ok) return lines;
  const { post_addr: addr, mask_post_addr: masked } = order;
  return {
    ok: true,
    value: orderEventOf(DOUYIN_CHANNEL, shop, push, {
      channelOrderId: order.order_id,
      status: status.value.status,
      channelStatus: status.value.channelStatus,
      occurredAt: occurredAt.value,
      currency: 'CNY',
      totalMinor: total.value,
      lines: lines.value,
      // Region names come in clear even when the address detail is encrypted; mask_post_addr is the fallback.
      ...buyerRegion('CN', present(addr?.province?.name) ?? masked?.province?.name, present(addr?.city?.name) ?? masked?.city?.name),
      presale: isPresale(order),
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Message push

/** data is a JSON string whose int64 ids must survive JSON.parse: they are quoted first. */
export function parseMessageData(data: string): Result<unknown> {
  try {
    return { ok: true, value: JSON.parse(quoteIdFields(data, MESSAGE_ID_KEYS)) };
  } catch {
    return { ok: false, reason: 'data is not JSON' }; // the parser's message would quote buyer data
  }
}

export function normalizeDouyinPush(batch: DouyinPushBatch, shop: ShopConfig, push: InboundPush): Result<OrderEvent>[] {
  return batch.map((event) => {
    const result = normalizeOrderMessage(event.tag, event.data, shop, push);
    return result.ok ? result : { ok: false, reason: `msg_id ${event.msg_id} (tag ${event.tag}): ${result.reason}` };
  });
}

function normalizeOrderMessage(tag: string, data: string, shop: ShopConfig, push: InboundPush): Result<OrderEvent> {
  if (!Object.hasOwn(ORDER_MESSAGE_TIME_FIELD, tag)) {
    return { ok: false, reason: `Douyin tag ${tag} is not an order status message` };
  }
  const timeField = ORDER_MESSAGE_TIME_FIELD[tag];
  if (!timeField) {
    return { ok: false, reason: `Douyin tag ${tag} carries no change time; the tag 101 message and pull() report this order` };
  }
  const json = parseMessageData(data);
  if (!json.ok) return json;
  const parsed = douyinOrderMessageSchema.safeParse(json.value);
  if (!parsed.success) {
    return {
      ok: false,
      reason: `data: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    };
  }
  const msg: DouyinOrderMessage = parsed.data;
  const owner = checkShop(msg.shop_id, shop);
  if (!owner.ok) return owner;
  const status = statusOf(msg.order_status);
  if (!status.ok) return status;
  const occurredAt = epochSecondsToMs(timeField, msg[timeField]);
  if (!occurredAt.ok) return occurredAt;

  const channelOrderId = String(msg.p_id);
  // A message carries no lines, address or presale flag, and an amount only on tags 101
  // (pay_amount) and 109 (total_amount). The full order comes from pull(); see README.md.
  const amount = msg.pay_amount ?? msg.total_amount ?? 0;
  return {
    ok: true,
    value: orderEventOf(DOUYIN_CHANNEL, shop, push, {
      channelOrderId,
      status: status.value.status,
      channelStatus: status.value.channelStatus,
      occurredAt: occurredAt.value,
      currency: 'CNY',
      totalMinor: amount,
      lines: [],
      buyerCountry: 'CN',
      buyerProvince: null,
      buyerCity: null,
      presale: false,
    }),
  };
}
