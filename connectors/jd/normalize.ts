import type { Result } from '../../lib/result.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import { buyerRegion } from '../common/fields.js';
import { type InboundPush, orderEventOf, type ShopConfig } from '../contract.js';
import { toOrderLines } from './lines.js';
import { yuanToFen } from './money.js';
import type { JdOrder } from './payload.js';
import { lookupStatus } from './status-map.js';
import { parseChinaTime } from './timestamp.js';

export const JD_CHANNEL = 'jd';

/*
 * One JD order → one canonical event, built field by field (the consignee never rides along).
 * occurredAt is `modified` ("订单更新时间": status or waybill changes), China time; the polling
 * source sees the same version many times (overlapping windows) and always derives the same eventId.
 */
export function normalizeJdOrder(order: JdOrder, shop: ShopConfig, push: InboundPush): Result<OrderEvent> {
  const channelStatus = order.orderState;
  const status = lookupStatus(channelStatus);
  if (status === undefined) return { ok: false, reason: `unknown JD status "${channelStatus}"` };

  const occurredAt = parseChinaTime('modified', order.modified);
  if (!occurredAt.ok) return occurredAt;

  const total = yuanToFen(order.orderPayment);
  if (!total.ok) return { ok: false, reason: `orderPayment: ${total.reason}` };

  const lines = toOrderLines(order.itemInfoList);
  if (!lines.ok) return lines;

  return {
    ok: true,
    value: orderEventOf(JD_CHANNEL, shop, push, {
      channelOrderId: order.orderId,
      status,
      channelStatus,
      occurredAt: occurredAt.value,
      currency: 'CNY',
      totalMinor: total.value,
      lines: lines.value,
      ...buyerRegion('CN', order.consigneeInfo?.province, order.consigneeInfo?.city),
      // enSearch exposes no presale marker we could verify (README: unverified).
      presale: false,
    }),
  };
}
