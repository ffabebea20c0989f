import type { OrderEvent, OrderStatus } from '../../topics/schemas/order-event.js';
import type { StockMovement, StockMovementKind } from '../../topics/schemas/stock-movement.js';

/** What an order status asks of stock. REFUNDING asks nothing until the refund is decided. */
export type HoldTarget = 'LOCKED' | 'RESERVED' | 'SHIPPED' | 'RELEASED' | 'NONE';

export const TARGET_BY_STATUS: Readonly<Record<OrderStatus, HoldTarget>> = {
  CREATED: 'LOCKED',
  PAID: 'RESERVED', ALLOCATED: 'RESERVED', PICKED: 'RESERVED',
  SHIPPED: 'SHIPPED', DELIVERED: 'SHIPPED', COMPLETED: 'SHIPPED',
  CANCELLED: 'RELEASED', CLOSED: 'RELEASED', REFUNDED: 'RELEASED',
  REFUNDING: 'NONE',
};

/** An order event reduced to what the stock rules need; the same input for the TS core and Lua. */
export interface OrderCommand {
  t: 'order';
  id: string;
  orderKey: string;
  target: HoldTarget;
  /** [sku, quantity] with each SKU once, sorted, so both implementations see identical input. */
  lines: [string, number][];
  /** Warehouses to try, in order of preference. */
  warehouses: string[];
}

export interface MovementCommand {
  t: 'move';
  id: string;
  kind: StockMovementKind;
  sku: string;
  warehouse: string;
  quantity: number;
}

export type InventoryCommand = OrderCommand | MovementCommand;

export function orderCommand(event: OrderEvent, warehouses: string[]): OrderCommand {
  const merged = new Map<string, number>();
  for (const line of event.lines) merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.quantity);
  return {
    t: 'order', id: event.eventId, orderKey: event.orderKey, target: TARGET_BY_STATUS[event.status],
    lines: [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), warehouses,
  };
}

export function movementCommand(m: StockMovement): MovementCommand {
  return { t: 'move', id: m.movementId, kind: m.kind, sku: m.sku, warehouse: m.warehouse, quantity: m.quantity };
}
