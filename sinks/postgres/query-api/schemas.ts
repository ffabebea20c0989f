import { ORDER_STATUSES } from '../../../topics/schemas/order-event.js';

/**
 * JSON schemas of the query API: fastify validates requests with them, serializes responses
 * through them (only the fields listed here can ever leave the API), and @fastify/swagger turns
 * them into the OpenAPI document. Inline on purpose: no shared $id schemas, so the routes work the
 * same inside any fastify app that registers the plugin.
 */

export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 50;

export const str = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', description, ...extra }) as const;
export const nullable = (description: string) => ({ type: ['string', 'null'], description }) as const;
export const int = (description: string) => ({ type: 'integer', description }) as const;
export const time = (description: string) => str(description, { format: 'date-time' });

export const channel = str('Channel name (shopify, taobao, jd, …)', { pattern: '^[a-z0-9_-]{1,32}$' });
const shopId = str('Shop id on its channel', { minLength: 1, maxLength: 200 });
const sku = str('SKU', { minLength: 1, maxLength: 200 });
export const warehouse = str('Warehouse code', { pattern: '^[A-Za-z0-9_-]{1,64}$' });
export const limit = { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `Page size, 1–${MAX_LIMIT}` } as const;
export const cursor = str('nextCursor of the previous page; keep the other parameters the same', { minLength: 1, maxLength: 2000 });

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: str('What was wrong, in words') },
} as const;

/** An order as the hub sees it: region only, never names, phones or addresses (there are none in the tables). */
const orderProperties = {
  orderKey: str('channel:shopId:channelOrderId'),
  channel: str('Channel'),
  shopId: str('Shop id on its channel'),
  brand: str('Brand of the shop'),
  channelOrderId: str('The order id on its channel'),
  status: { type: 'string', enum: [...ORDER_STATUSES], description: 'Furthest canonical state reached' },
  channelStatus: str("The channel's own status words of that state"),
  currency: str('ISO 4217'),
  totalMinor: int('Order total in minor units (fen/cents); 0 while detail is STATUS_ONLY'),
  buyerCountry: nullable('ISO 3166-1 alpha-2'),
  buyerProvince: nullable('Province/state (region only)'),
  buyerCity: nullable('City (region only)'),
  presale: { type: 'boolean' },
  detail: { type: 'string', enum: ['FULL', 'STATUS_ONLY'], description: 'STATUS_ONLY: only statuses seen so far, contents unknown' },
  occurredAt: time('When the channel says the current state was reached'),
  firstSeenAt: time('When the hub first received the order'),
  contentsAt: { type: ['string', 'null'], format: 'date-time', description: 'Time of the event the contents come from' },
} as const;

const order = { type: 'object', required: Object.keys(orderProperties), additionalProperties: false, properties: orderProperties } as const;

const stockProperties = {
  sku: str('SKU'),
  warehouse: str('Warehouse code'),
  physical: int('Units in the warehouse'),
  locked: int('Held by unpaid orders'),
  reserved: int('Held by paid orders, not yet shipped'),
  safety: int('Safety stock'),
  available: int('Sellable now'),
  version: int('Per SKU × warehouse, +1 on every change'),
  updatedAt: time('Time of the decision behind these levels'),
} as const;

const stock = { type: 'object', required: Object.keys(stockProperties), additionalProperties: false, properties: stockProperties } as const;

const errors = { 400: { description: 'Invalid parameter', ...errorSchema } } as const;

export const listOrdersSchema = {
  summary: 'List orders, newest first',
  description:
    'Keyset pagination on (occurredAt, orderKey), newest first: follow nextCursor until it is null. ' +
    "occurredAt is the time of an order's current state, so an order that changes state while you page may move.",
  tags: ['orders'],
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      channel,
      shopId,
      status: { type: 'string', enum: [...ORDER_STATUSES], description: 'Current canonical state' },
      from: time('occurredAt ≥ from (ISO 8601 with offset)'),
      to: time('occurredAt < to (ISO 8601 with offset)'),
      limit,
      cursor,
    },
  },
  response: {
    200: {
      description: 'One page',
      type: 'object',
      required: ['items', 'nextCursor'],
      properties: { items: { type: 'array', items: order }, nextCursor: { type: ['string', 'null'] } },
    },
    ...errors,
  },
} as const;

export const getOrderSchema = {
  summary: 'One order with its lines and timeline',
  tags: ['orders'],
  params: {
    type: 'object',
    required: ['orderKey'],
    properties: { orderKey: str('channel:shopId:channelOrderId (URL-encoded)', { minLength: 1, maxLength: 300 }) },
  },
  response: {
    200: {
      description: 'The order',
      type: 'object',
      required: [...order.required, 'lines', 'timeline'],
      properties: {
        ...orderProperties,
        lines: {
          type: 'array',
          items: {
            type: 'object',
            required: ['sku', 'quantity', 'unitPriceMinor'],
            properties: { sku: str('SKU'), quantity: int('Units'), unitPriceMinor: int('Unit price in minor units') },
          },
        },
        timeline: {
          type: 'array',
          description: 'Every state change and stock decision, oldest first',
          items: {
            type: 'object',
            required: ['eventId', 'source', 'status', 'detail', 'occurredAt'],
            properties: {
              eventId: str('Event id'),
              source: str('channel:<channel> or processor:inventory'),
              status: str('Canonical state, or the inventory decision (LOCKED, RESERVED, …)'),
              detail: str('Channel status words, or the decision in words'),
              occurredAt: time('When it happened'),
            },
          },
        },
      },
    },
    ...errors,
    404: { description: 'No such order', ...errorSchema },
  },
} as const;

export const listStockSchema = {
  summary: 'List stock levels per SKU × warehouse',
  description: 'Keyset pagination on (sku, warehouse), ascending: follow nextCursor until it is null.',
  tags: ['stock'],
  querystring: { type: 'object', additionalProperties: false, properties: { sku, warehouse, limit, cursor } },
  response: {
    200: {
      description: 'One page',
      type: 'object',
      required: ['items', 'nextCursor'],
      properties: { items: { type: 'array', items: stock }, nextCursor: { type: ['string', 'null'] } },
    },
    ...errors,
  },
} as const;

export const getStockSchema = {
  summary: 'Stock of one SKU in every warehouse, with totals',
  tags: ['stock'],
  params: { type: 'object', required: ['sku'], properties: { sku } },
  response: {
    200: {
      description: 'The SKU',
      type: 'object',
      required: ['sku', 'warehouses', 'total'],
      properties: {
        sku: str('SKU'),
        warehouses: { type: 'array', items: stock },
        total: {
          type: 'object',
          required: ['physical', 'locked', 'reserved', 'safety', 'available'],
          properties: { physical: int('Sum'), locked: int('Sum'), reserved: int('Sum'), safety: int('Sum'), available: int('Sum') },
        },
      },
    },
    ...errors,
    404: { description: 'No stock known for this SKU', ...errorSchema },
  },
} as const;
