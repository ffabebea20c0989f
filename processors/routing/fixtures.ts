import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import type { OrderEvent, OrderStatus } from '../../topics/schemas/order-event.js';

/** Test builders for the router's inputs (shared by unit tests). */
export function orderEvent(n: number, status: OrderStatus, lines: [string, number][], extra: Partial<OrderEvent> = {}): OrderEvent {
  const orderKey = extra.orderKey ?? `shopify:shop-1:${n}`;
  return {
    eventId: `${orderKey}|${status}`,
    orderKey,
    channel: 'shopify',
    shopId: 'shop-1',
    brand: 'X',
    channelOrderId: String(n),
    status,
    channelStatus: status.toLowerCase(),
    occurredAt: 1_000,
    receivedAt: 1_000,
    currency: 'CNY',
    totalMinor: 100,
    lines: lines.map(([sku, quantity]) => ({ sku, quantity, unitPriceMinor: 100 })),
    buyerCountry: 'CN',
    buyerProvince: '浙江',
    buyerCity: '杭州',
    presale: false,
    detail: 'FULL',
    ...extra,
  };
}

export function inventoryEvent(
  orderKey: string,
  kind: InventoryEvent['kind'],
  sku: string,
  warehouse: string,
  quantity: number,
  occurredAt = 2_000,
): InventoryEvent {
  return {
    eventId: `${orderKey}|${kind}:${sku}@${warehouse}`,
    kind,
    orderKey,
    sku,
    warehouse,
    quantity,
    reason: null,
    physical: 10,
    locked: 0,
    reserved: quantity,
    safety: 0,
    presaleQuota: 0,
    available: 10 - quantity,
    version: 1,
    occurredAt,
  };
}
