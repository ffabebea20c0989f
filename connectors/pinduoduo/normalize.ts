import { countryCode } from '../../lib/regions.js';
import type { Result } from '../../lib/result.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import { buyerRegion } from '../common/fields.js';
import { type InboundPush, orderEventOf, type ShopConfig } from '../contract.js';
import { toOrderLines } from './lines.js';
import { yuanToFen } from './money.js';
import type { PddOrder } from './payload.js';
import { lookupStatus, pddStatusKey } from './status-map.js';
import { parseChinaTime } from './timestamp.js';

export const PINDUODUO_CHANNEL = 'pinduoduo';

/** Presale: goods sold before stock exists (is_pre_sale 1) or a deposit order (trade_type 1). */
export function isPresale(order: Pick<PddOrder, 'is_pre_sale' | 'trade_type'>): boolean {
  return order.is_pre_sale === 1 || order.trade_type === 1;
}

/*
 * One PDD order → one OrderEvent, built from named fields only (never by spreading the payload),
 * so receiver PII cannot ride along.
 */
export function normalizePddOrder(order: PddOrder, shop: ShopConfig, push: InboundPush): Result<OrderEvent> {
  const channelStatus = pddStatusKey(order);
  const status = lookupStatus(channelStatus);
  if (status === undefined) return { ok: false, reason: `unknown Pinduoduo status "${channelStatus}"` };
  const occurredAt = parseChinaTime('updated_at', order.updated_at);
  if (!occurredAt.ok) return occurredAt;
  const total = yuanToFen(order.pay_amount);
  if (!total.ok) return { ok: false, reason: `pay_amount: ${total.reason}` };
  const lines = toOrderLines(order.item_list);
  if (!lines.ok) return lines;
  return {
    ok: true,
    value: orderEventOf(PINDUODUO_CHANNEL, shop, push, {
      channelOrderId: order.order_sn,
      status,
      channelStatus,
      occurredAt: occurredAt.value,
      currency: 'CNY',
      totalMinor: total.value,
      lines: lines.value,
      // PDD ships within mainland China (country "中国", or none).
      ...buyerRegion(countryCode(order.country) ?? 'CN', order.province, order.city),
      presale: isPresale(order),
    }),
  };
}
