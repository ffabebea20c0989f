import { createHash } from 'node:crypto';
import type { DouyinPushBatch, DouyinShopOrder } from '../../connectors/douyin/payload.js';
import { signDouyinPush } from '../../connectors/douyin/signature.js';
import type { SimulatedPush } from '../kit/index.js';
import { SIM_PII, secs, withBareIds } from './orders.js';

export { type SimulatedPush, toInboundPush } from '../kit/index.js';

/*
 * Message pushes: a JSON array of {tag, msg_id, data} where data is a JSON string with bare int64
 * ids, headers app-id and event-sign = md5(app_key + body + app_secret).
 */

/** One event of a push batch, exactly as the schema types it. */
export type DouyinEvent = DouyinPushBatch[number];

const TAG_TIME: Record<string, string> = {
  '100': 'create_time',
  '101': 'pay_time',
  '102': 'update_time',
  '103': 'complete_time',
  '105': 'update_time',
  '106': 'cancel_time',
  '108': 'update_time',
  '109': 'modify_time',
};

/**
 * One order message for `order` (its current status), the way the message service sends it.
 * msg_id is derived from tag + order + time, so a redelivery of the same message keeps it.
 */
export function douyinOrderMessage(tag: string, order: DouyinShopOrder, at: Date = new Date(order.update_time * 1000)): DouyinEvent {
  const data: Record<string, unknown> = {
    biz: 2,
    order_status: order.order_status,
    order_type: 0,
    p_id: order.order_id,
    s_ids: order.sku_order_list.map((s) => s.order_id),
    shop_id: String(order.shop_id),
  };
  const timeField = TAG_TIME[tag];
  if (timeField) data[timeField] = secs(at);
  if (tag === '101') Object.assign(data, { pay_amount: order.pay_amount, pay_type: 1 });
  if (tag === '106') data.cancel_reason = '买家取消';
  if (tag === '109') Object.assign(data, { total_amount: order.pay_amount, post_amount: order.post_amount ?? 0 });
  if (tag === '102' || tag === '105') {
    data.receiver_msg = { name: SIM_PII.receiver, tel: SIM_PII.phone, addr: JSON.stringify(order.post_addr) };
  }
  const text = withBareIds(data, ['p_id', 's_ids', 'shop_id']);
  const msgId = createHash('sha256')
    .update(`${tag}|${order.order_id}|${secs(at)}`)
    .digest('hex')
    .slice(0, 19);
  return { tag, msg_id: `7${msgId.replace(/[a-f]/g, (c) => String(c.charCodeAt(0) % 10))}`, data: text };
}

export function douyinPush(events: DouyinEvent[], appKey: string, appSecret: string): SimulatedPush {
  const body = JSON.stringify(events);
  return {
    headers: { 'Content-Type': 'application/json', 'app-id': appKey, 'event-sign': signDouyinPush(body, appKey, appSecret) },
    body,
  };
}
