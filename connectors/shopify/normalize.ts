import type { Result } from '../../lib/result.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import { buyerRegion, present } from '../common/fields.js';
import { type InboundPush, orderEventOf, type ShopConfig } from '../contract.js';
import { toOrderLines } from './lines.js';
import { decimalToMinor, minorUnitExponent } from './money.js';
import type { ShopifyOrder } from './payload.js';
import { isPresale } from './presale.js';
import { lookupStatus, shopifyStatusKey } from './status-map.js';
import { parseShopifyTimestamp } from './timestamp.js';

export const SHOPIFY_CHANNEL = 'shopify';

/*
 * One Shopify Order payload → one canonical OrderEvent. Every field is built explicitly from
 * named payload fields (never by spreading the payload), so nothing Shopify adds later, and
 * none of the customer's personal data, can ride along into Kafka.
 */
export function normalizeShopifyOrder(order: ShopifyOrder, shop: ShopConfig, push: InboundPush): Result<OrderEvent> {
  const channelStatus = shopifyStatusKey(order);
  const status = lookupStatus(channelStatus);
  if (status === undefined) return { ok: false, reason: `unknown Shopify status "${channelStatus}"` };

  // updated_at is the version of the order this payload describes; a retried delivery
  // carries the original payload, so it keeps the same occurredAt and hence the same eventId.
  const occurredAt = parseShopifyTimestamp('updated_at', order.updated_at);
  if (!occurredAt.ok) return occurredAt;

  const exponent = minorUnitExponent(order.currency);
  const total = decimalToMinor(order.total_price, exponent);
  if (!total.ok) return { ok: false, reason: `total_price: ${total.reason}` };

  const lines = toOrderLines(order.line_items, exponent);
  if (!lines.ok) return lines;

  const channelOrderId = String(order.id);
  const address = order.shipping_address;

  return {
    ok: true,
    value: orderEventOf(SHOPIFY_CHANNEL, shop, push, {
      channelOrderId,
      status,
      channelStatus,
      occurredAt: occurredAt.value,
      currency: order.currency,
      totalMinor: total.value,
      lines: lines.value,
      // Province code first ("KY"), the name ("Kentucky") as fallback: codes are the same in every language.
      ...buyerRegion(present(address?.country_code) ?? null, present(address?.province_code) ?? address?.province, address?.city),
      presale: isPresale(order.tags),
    }),
  };
}
