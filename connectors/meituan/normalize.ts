import { eventIdOf, orderKeyOf, type InboundPush, type Outcome, type ShopConfig } from '../contract.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import { buyerRegionOf } from './buyer-region.js';
import { toOrderLines } from './lines.js';
import { yuanToFen } from './money.js';
import type { MeituanOrder } from './payload.js';
import { lookupStatus, meituanStatusKey } from './status-map.js';
import { epochSecondsToMs } from './timestamp.js';

export const MEITUAN_CHANNEL = 'meituan';

/*
 * One Meituan order (push or order detail) → one canonical OrderEvent, built field by field so no
 * recipient data can ride along. occurredAt is utime, "the time of the latest order / delivery
 * status change": the same version of the order yields the same eventId by push or by pull.
 */
export function normalizeMeituanOrder(order: MeituanOrder, shop: ShopConfig, push: InboundPush): Outcome<OrderEvent> {
  const channelStatus = meituanStatusKey(order);
  const status = lookupStatus(channelStatus);
  if (status === undefined) return { ok: false, reason: `unknown Meituan status "${channelStatus}"` };

  const occurredAt = epochSecondsToMs('utime', order.utime);
  if (!occurredAt.ok) return occurredAt;
  const created = epochSecondsToMs('ctime', order.ctime);
  if (!created.ok) return created;

  const total = yuanToFen(order.total);
  if (!total.ok) return { ok: false, reason: `total: ${total.reason}` };

  const lines = toOrderLines(order.detail);
  if (!lines.ok) return lines;

  const presale = order.is_pre_sale_order?.trim().toLowerCase();
  if (presale !== undefined && presale !== '' && presale !== 'true' && presale !== 'false') {
    return { ok: false, reason: `is_pre_sale_order is not true/false: "${order.is_pre_sale_order}"` };
  }

  const channelOrderId = order.order_id;
  const orderKey = orderKeyOf(MEITUAN_CHANNEL, shop.shopId, channelOrderId);
  const { buyerCountry, buyerProvince, buyerCity } = buyerRegionOf(order.recipient_address_detail);

  return {
    ok: true,
    value: {
      eventId: eventIdOf(orderKey, status, occurredAt.value),
      orderKey,
      channel: MEITUAN_CHANNEL,
      shopId: shop.shopId,
      brand: shop.brand,
      channelOrderId,
      status,
      channelStatus,
      occurredAt: occurredAt.value,
      receivedAt: push.receivedAt,
      currency: 'CNY',
      totalMinor: total.value,
      lines: lines.value,
      buyerCountry,
      buyerProvince,
      buyerCity,
      presale: presale === 'true',
    },
  };
}
