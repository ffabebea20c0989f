import type { Schema } from 'avsc';

/** Canonical order states, in the order an order normally moves through them. */
export const ORDER_STATUSES = [
  'CREATED',
  'PAID',
  'ALLOCATED',
  'PICKED',
  'SHIPPED',
  'DELIVERED',
  'COMPLETED',
  'CANCELLED',
  'REFUNDING',
  'REFUNDED',
  'CLOSED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * How far along an order is. A projection only moves an order to a state of higher rank (or the
 * same rank, later), so a late "paid" never drags a shipped order back. Final states rank highest.
 */
export const STATUS_RANK: Readonly<Record<OrderStatus, number>> = {
  CREATED: 1,
  PAID: 2,
  ALLOCATED: 3,
  PICKED: 4,
  SHIPPED: 5,
  DELIVERED: 6,
  COMPLETED: 7,
  REFUNDING: 8,
  REFUNDED: 9,
  CANCELLED: 9,
  CLOSED: 9,
};

/** One canonical order event, whatever channel it came from. Money is in minor units (fen/cents). */
export interface OrderEvent {
  /** Deterministic: the same channel fact always yields the same id, so consumers can drop repeats. */
  eventId: string;
  /** channel:shopId:channelOrderId — the Kafka key, so one order's events stay in one partition. */
  orderKey: string;
  channel: string;
  shopId: string;
  brand: string;
  channelOrderId: string;
  status: OrderStatus;
  /** The platform's own status words, kept for audit ("paid/unfulfilled"). */
  channelStatus: string;
  /** When the channel says the change happened (epoch ms). */
  occurredAt: number;
  receivedAt: number;
  currency: string;
  totalMinor: number;
  lines: OrderLine[];
  /** Region only: names, phones and street addresses never leave the connector. */
  buyerCountry: string | null;
  buyerProvince: string | null;
  buyerCity: string | null;
  presale: boolean;
  /**
   * STATUS_ONLY: the channel's push carried the new status but not the order's contents (Douyin,
   * Kuaishou, WeChat, Taobao TMC…): lines, total and region are unknown, not zero. Consumers keep
   * what they knew; the full order follows from the channel's query API. Absent means FULL.
   */
  detail?: OrderDetail;
}

export type OrderDetail = 'FULL' | 'STATUS_ONLY';

export interface OrderLine {
  /** The merchant's SKU code (商家编码 / outer id) as the channel gives it: what inventory counts. */
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  /** The platform's item (product) id of the listing sold, where the payload names it. */
  itemId?: string | null;
  /** The platform's SKU id of the listing sold (the item id again for single-SKU items), where the payload names it. */
  skuId?: string | null;
}

export const orderEventSchema: Schema = {
  type: 'record',
  name: 'OrderEvent',
  namespace: 'dev.omnistream.order',
  doc: 'A channel order fact normalized to the canonical order state machine.',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'orderKey', type: 'string' },
    { name: 'channel', type: 'string' },
    { name: 'shopId', type: 'string' },
    { name: 'brand', type: 'string' },
    { name: 'channelOrderId', type: 'string' },
    { name: 'status', type: { type: 'enum', name: 'OrderStatus', symbols: [...ORDER_STATUSES] } },
    { name: 'channelStatus', type: 'string' },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
    { name: 'receivedAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
    { name: 'currency', type: 'string' },
    { name: 'totalMinor', type: 'long' },
    {
      name: 'lines',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'OrderLine',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'quantity', type: 'int' },
            { name: 'unitPriceMinor', type: 'long' },
            { name: 'itemId', type: ['null', 'string'], default: null },
            { name: 'skuId', type: ['null', 'string'], default: null },
          ],
        },
      },
    },
    { name: 'buyerCountry', type: ['null', 'string'], default: null, doc: 'ISO 3166-1 alpha-2' },
    { name: 'buyerProvince', type: ['null', 'string'], default: null },
    { name: 'buyerCity', type: ['null', 'string'], default: null },
    { name: 'presale', type: 'boolean', default: false },
    { name: 'detail', type: { type: 'enum', name: 'OrderDetail', symbols: ['FULL', 'STATUS_ONLY'] }, default: 'FULL' },
  ],
};
