import type { OrderEvent, OrderStatus } from '../../topics/schemas/order-event.js';
import type { StockMovement, StockMovementKind } from '../../topics/schemas/stock-movement.js';

/**
 * What an order status asks of stock. REFUNDING asks nothing until the refund is decided.
 * EXPIRED is the hub's own unpaid-timeout: it releases a lock, and never a paid reservation.
 */
export type HoldTarget = 'LOCKED' | 'RESERVED' | 'SHIPPED' | 'RELEASED' | 'EXPIRED' | 'NONE';

export const TARGET_BY_STATUS: Readonly<Record<OrderStatus, HoldTarget>> = {
  CREATED: 'LOCKED',
  PAID: 'RESERVED',
  ALLOCATED: 'RESERVED',
  PICKED: 'RESERVED',
  SHIPPED: 'SHIPPED',
  DELIVERED: 'SHIPPED',
  COMPLETED: 'SHIPPED',
  CANCELLED: 'RELEASED',
  CLOSED: 'RELEASED',
  REFUNDED: 'RELEASED',
  REFUNDING: 'NONE',
};

/** How an order no single warehouse can fill is treated. */
export type SplitRule = 'none' | 'by-line';

/** An order event reduced to what the stock rules need; the same input for the TS core and Lua. */
export interface OrderCommand {
  t: 'order';
  id: string;
  orderKey: string;
  target: HoldTarget;
  /** [sku, quantity] with each SKU once, sorted, so both implementations see identical input. */
  lines: [string, number][];
  /** Warehouses to try, nearest first. */
  warehouses: string[];
  /** Presale orders draw only on presale quota; other orders never touch it. */
  presale: boolean;
  /** 'by-line': when no warehouse can fill the whole order, each line from the nearest that can. */
  split: SplitRule;
  /** When an unpaid lock expires (epoch ms); 0: never. */
  expiresAt: number;
  /** Opaque order header kept with the hold, so an expiry can announce the cancellation. */
  meta: string;
}

export interface MovementCommand {
  t: 'move';
  id: string;
  kind: StockMovementKind;
  sku: string;
  warehouse: string;
  quantity: number;
  orderKey: string | null;
}

export type InventoryCommand = OrderCommand | MovementCommand;

/** What one unit of a listing is made of: one SKU, N of one SKU (a bundle, 组合装), or a kit of several. */
export type ListingComponents = readonly { sku: string; quantity: number }[];

export interface OrderCommandOptions {
  split?: SplitRule;
  /**
   * The mapped components of a line's listing (by its listing key), if mapped: the line then
   * holds its components × its quantity instead of its merchant code. Unmapped: the merchant code.
   */
  componentsOf?: (line: OrderEvent['lines'][number]) => ListingComponents | undefined;
  /** Unpaid lock lifetime for this order's channel, ms; 0 disables expiry. */
  unpaidTimeoutMs?: number;
}

export function orderCommand(event: OrderEvent, warehouses: string[], opts: OrderCommandOptions = {}): OrderCommand {
  const merged = new Map<string, number>();
  for (const line of event.lines) {
    const components = opts.componentsOf?.(line) ?? [{ sku: line.sku, quantity: 1 }];
    for (const c of components) merged.set(c.sku, (merged.get(c.sku) ?? 0) + c.quantity * line.quantity);
  }
  const timeout = opts.unpaidTimeoutMs ?? 0;
  const target = TARGET_BY_STATUS[event.status];
  return {
    t: 'order',
    id: event.eventId,
    orderKey: event.orderKey,
    target,
    lines: [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    warehouses,
    presale: event.presale,
    split: opts.split ?? 'none',
    expiresAt: timeout > 0 ? event.occurredAt + timeout : 0,
    // Only an unpaid lock that can expire needs its header (to announce the cancellation).
    meta: target === 'LOCKED' && timeout > 0 ? JSON.stringify(orderHeaderOf(event)) : '',
  };
}

/** The fields an expiry needs to write the order's cancellation (no PII: region only). */
export type OrderHeader = Omit<OrderEvent, 'eventId' | 'status' | 'channelStatus' | 'occurredAt' | 'receivedAt' | 'lines'>;

export function orderHeaderOf(e: OrderEvent): OrderHeader {
  return {
    orderKey: e.orderKey,
    channel: e.channel,
    shopId: e.shopId,
    brand: e.brand,
    channelOrderId: e.channelOrderId,
    currency: e.currency,
    totalMinor: e.totalMinor,
    buyerCountry: e.buyerCountry,
    buyerProvince: e.buyerProvince,
    buyerCity: e.buyerCity,
    presale: e.presale,
  };
}

export function expiryCommand(orderKey: string): OrderCommand {
  return {
    t: 'order',
    id: `expire:${orderKey}`,
    orderKey,
    target: 'EXPIRED',
    lines: [],
    warehouses: [],
    presale: false,
    split: 'none',
    expiresAt: 0,
    meta: '',
  };
}

export function movementCommand(m: StockMovement): MovementCommand {
  return { t: 'move', id: m.movementId, kind: m.kind, sku: m.sku, warehouse: m.warehouse, quantity: m.quantity, orderKey: m.orderKey ?? null };
}
