import type { Result } from '../../lib/result.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import { buyerRegion } from '../common/fields.js';
import { type InboundPush, orderEventOf, type ShopConfig } from '../contract.js';
import { toOrderLines } from './lines.js';
import { yuanToFen } from './money.js';
import { decodeYouzanMsg, type YouzanFullOrderInfo, type YouzanPayload, type YouzanPush, youzanTradeSchema } from './payload.js';
import { isPresale } from './presale.js';
import { lookupStatus, youzanStatusKey } from './status-map.js';
import { parseChinaTime } from './timestamp.js';

export const YOUZAN_CHANNEL = 'youzan';

/*
 * Push envelope or pulled trade → one canonical event. Fields are built one by one from named
 * payload fields (never spread), so buyer_info and the receiver cannot leak.
 */
export function normalizeYouzan(payload: YouzanPayload, shop: ShopConfig, push: InboundPush): Result<OrderEvent>[] {
  return ['msg' in payload ? normalizeYouzanPush(payload as YouzanPush, shop, push) : normalizeYouzanTrade(payload.full_order_info, shop, push)];
}

export function normalizeYouzanPush(envelope: YouzanPush, shop: ShopConfig, push: InboundPush): Result<OrderEvent> {
  const clientId = shop.credentials?.clientId;
  if (clientId && envelope.client_id !== clientId) return { ok: false, reason: `client_id ${envelope.client_id} is not this app` };
  const kdtId = shop.credentials?.kdtId;
  if (kdtId && String(envelope.kdt_id) !== kdtId) return { ok: false, reason: `kdt_id ${envelope.kdt_id} is not this shop (${kdtId})` };
  if (envelope.test) return { ok: false, reason: `Youzan test message (type ${envelope.type}): acknowledged, no order in it` };

  let decoded: unknown;
  try {
    decoded = JSON.parse(decodeYouzanMsg(envelope.msg));
  } catch {
    return { ok: false, reason: 'msg is not URL-encoded JSON' }; // the parser's message would quote buyer data
  }
  const trade = youzanTradeSchema.safeParse(decoded);
  if (!trade.success) {
    const issues = trade.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { ok: false, reason: `Youzan ${envelope.type} msg is not a trade with full_order_info: ${issues}` };
  }
  const info = trade.data.full_order_info;
  if (info.order_info.tid !== envelope.id) return { ok: false, reason: `msg tid ${info.order_info.tid} differs from envelope id ${envelope.id}` };
  return normalizeYouzanTrade(info, shop, push);
}

export function normalizeYouzanTrade(info: YouzanFullOrderInfo, shop: ShopConfig, push: InboundPush): Result<OrderEvent> {
  const order = info.order_info;
  const channelStatus = youzanStatusKey(order.status, order.refund_state);
  const status = lookupStatus(channelStatus);
  if (status === undefined) return { ok: false, reason: `unknown Youzan status "${channelStatus}"` };

  const occurredAt = parseChinaTime('order_info.update_time', order.update_time);
  if (!occurredAt.ok) return occurredAt;
  const total = yuanToFen('pay_info.payment', info.pay_info.payment);
  if (!total.ok) return total;
  // Some messages (e.g. trade_TradePaid) carry no orders[]: the event then has no lines; pull()
  // (youzan.trades.sold.get) returns them.
  const lines = toOrderLines(info.orders ?? []);
  if (!lines.ok) return lines;

  const channelOrderId = order.tid;
  return {
    ok: true,
    value: orderEventOf(YOUZAN_CHANNEL, shop, push, {
      channelOrderId,
      status,
      channelStatus,
      occurredAt: occurredAt.value,
      currency: 'CNY',
      totalMinor: total.value,
      lines: lines.value,
      ...buyerRegion('CN', info.address_info?.delivery_province, info.address_info?.delivery_city),
      presale: isPresale(info),
    }),
  };
}
