import type { Result } from '../../lib/result.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import { type InboundPush, orderEventOf, type ShopConfig, withDetailMarked } from '../contract.js';
import { buyerRegionOf } from './buyer-region.js';
import { toOrderLines } from './lines.js';
import { yuanToFen } from './money.js';
import type { MeituanOrder, MeituanPush } from './payload.js';
import { asFullOrder, meituanPushKind, slimStatusKey } from './push-kind.js';
import { lookupSlimStatus, lookupStatus, meituanStatusKey } from './status-map.js';
import { epochSecondsToMs } from './timestamp.js';

export const MEITUAN_CHANNEL = 'meituan';

/*
 * One Meituan order (push or order detail) → one canonical OrderEvent, built field by field so no
 * recipient data can ride along. occurredAt is utime, "the time of the latest order / delivery
 * status change": the same version of the order yields the same eventId by push or by pull.
 */
export function normalizeMeituanOrder(order: MeituanOrder, shop: ShopConfig, push: InboundPush): Result<OrderEvent> {
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

  return {
    ok: true,
    value: orderEventOf(MEITUAN_CHANNEL, shop, push, {
      channelOrderId,
      status,
      channelStatus,
      occurredAt: occurredAt.value,
      currency: 'CNY',
      totalMinor: total.value,
      lines: lines.value,
      ...buyerRegionOf(order.recipient_address_detail),
      presale: presale === 'true',
    }),
  };
}

/** Field names only (never values: slim pushes carry rider names and phones) for dead-letter reasons. */
function fieldList(push: MeituanPush): string {
  return Object.keys(push)
    .filter((k) => k !== 'app_id' && k !== 'timestamp')
    .sort()
    .join(', ');
}

/*
 * Any push (full order or slim, push-kind.ts) → one event. A slim push becomes a STATUS_ONLY event:
 * lines [], totalMinor 0, region unknown (province/city null; the country is CN for every Meituan
 * order), presale false, marked with withDetailMarked (its own "-s" event id), exactly what the
 * gateway would do. occurredAt: the push's own change time (utime, or the delivery push's time),
 * else the signed system parameter timestamp (epoch seconds).
 */
export function normalizeMeituanPush(push: MeituanPush, shop: ShopConfig, inbound: InboundPush): Result<OrderEvent> {
  const kind = meituanPushKind(push);
  if (kind === 'order') return normalizeMeituanOrder(asFullOrder(push), shop, inbound);
  if (kind === 'unknown') return { ok: false, reason: `unrecognized Meituan push (fields: ${fieldList(push)})` };

  const channelStatus = slimStatusKey(kind, push);
  const status = lookupSlimStatus(channelStatus);
  if (status === undefined) {
    return { ok: false, reason: `Meituan ${kind} push "${channelStatus}" does not map to a canonical status with confidence` };
  }

  const timeField = push.utime !== undefined ? 'utime' : kind === 'logistics' && push.time !== undefined ? 'time' : 'timestamp';
  const occurredAt = epochSecondsToMs(timeField, push[timeField] ?? '');
  if (!occurredAt.ok) return occurredAt;

  const channelOrderId = push.order_id;
  return {
    ok: true,
    value: withDetailMarked(
      orderEventOf(MEITUAN_CHANNEL, shop, inbound, {
        channelOrderId,
        status,
        channelStatus,
        occurredAt: occurredAt.value,
        currency: 'CNY',
        totalMinor: 0,
        lines: [],
        buyerCountry: 'CN',
        buyerProvince: null,
        buyerCity: null,
        presale: false,
      }),
    ),
  };
}
