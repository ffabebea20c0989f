import { countryCode } from '../../lib/regions.js';
import type { Result } from '../../lib/result.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import { buyerRegion } from '../common/fields.js';
import { type InboundPush, orderEventOf, type ShopConfig } from '../contract.js';
import { toOrderLines } from './lines.js';
import { yuanToFen } from './money.js';
import type { TaobaoTrade } from './payload.js';
import { isPresale } from './presale.js';
import { lookupStatus, taobaoStatusKey } from './status-map.js';
import { parseChinaTime } from './timestamp.js';

export const TAOBAO_CHANNEL = 'taobao';

/** tid_str when present (exact), else tid if it survived JSON.parse exactly (≤ 2^53). */
export function tradeIdOf(trade: Pick<TaobaoTrade, 'tid' | 'tid_str'>): Result<string> {
  if (trade.tid_str !== undefined) {
    if (trade.tid !== undefined && Number.isSafeInteger(trade.tid) && String(trade.tid) !== trade.tid_str) {
      return { ok: false, reason: `tid ${trade.tid} and tid_str "${trade.tid_str}" disagree` };
    }
    return { ok: true, value: trade.tid_str };
  }
  if (trade.tid !== undefined && Number.isSafeInteger(trade.tid) && trade.tid > 0) return { ok: true, value: String(trade.tid) };
  return { ok: false, reason: `tid ${trade.tid} is not an exact id and there is no tid_str` };
}

/*
 * One trade → one OrderEvent. Every field is built from named trade fields, never by spreading
 * the payload, so none of the receiver's personal data can ride along into Kafka.
 */
export function normalizeTaobaoTrade(trade: TaobaoTrade, shop: ShopConfig, push: InboundPush): Result<OrderEvent> {
  const channelStatus = taobaoStatusKey(trade);
  const status = lookupStatus(channelStatus);
  if (status === undefined) return { ok: false, reason: `unknown Taobao status "${channelStatus}"` };

  const id = tradeIdOf(trade);
  if (!id.ok) return id;
  // modified is the version of the trade this payload describes: pushes (which fetch the trade)
  // and pulls of the same version produce the same occurredAt, hence the same eventId.
  const occurredAt = parseChinaTime('modified', trade.modified);
  if (!occurredAt.ok) return occurredAt;
  const total = yuanToFen(trade.payment);
  if (!total.ok) return { ok: false, reason: `payment: ${total.reason}` };
  const lines = toOrderLines(trade.orders.order);
  if (!lines.ok) return lines;
  return {
    ok: true,
    value: orderEventOf(TAOBAO_CHANNEL, shop, push, {
      channelOrderId: id.value,
      status,
      channelStatus,
      occurredAt: occurredAt.value,
      currency: 'CNY',
      totalMinor: total.value,
      lines: lines.value,
      // TOP leaves receiver_country empty for domestic trades.
      ...buyerRegion(countryCode(trade.receiver_country) ?? 'CN', trade.receiver_state, trade.receiver_city),
      presale: isPresale(trade),
    }),
  };
}
