import { eventIdOf } from '../../connectors/contract.js';
import type { OrderEvent, OrderStatus } from '../../topics/schemas/order-event.js';

export interface TestOrder {
  channel: string;
  shopId: string;
  id: string;
  lines: [sku: string, quantity: number][];
  country?: string | null;
  province?: string | null;
  presale?: boolean;
}

export const orderKeyOf = (o: TestOrder): string => `${o.channel}:${o.shopId}:${o.id}`;

/** A canonical order event as a connector writes it (region only, no PII), id from the channel fact. */
export function orderEventOf(o: TestOrder, status: OrderStatus, occurredAt: number): OrderEvent {
  const orderKey = orderKeyOf(o);
  return {
    eventId: eventIdOf(orderKey, status, occurredAt),
    orderKey,
    channel: o.channel,
    shopId: o.shopId,
    brand: 'test',
    channelOrderId: o.id,
    status,
    channelStatus: status.toLowerCase(),
    occurredAt,
    receivedAt: occurredAt,
    currency: 'CNY',
    totalMinor: o.lines.reduce((sum, [, q]) => sum + q * 1000, 0),
    lines: o.lines.map(([sku, quantity]) => ({ sku, quantity, unitPriceMinor: 1000 })),
    buyerCountry: o.country === undefined ? 'CN' : o.country,
    buyerProvince: o.province ?? null,
    buyerCity: null,
    presale: o.presale ?? false,
    detail: 'FULL',
  };
}
