import { DIVERGENCE_STATES, DIVERGENCE_TYPES } from '../../../topics/schemas/divergence-event.js';
import { channel, cursor, errorSchema, int, limit, nullable, str, time, warehouse } from './schemas.js';

/** JSON schemas of the fulfilment and divergence routes (see schemas.ts for why they are inline). */

const nullableTime = (description: string) => ({ type: ['string', 'null'], format: 'date-time', description }) as const;
const errors = { 400: { description: 'Invalid parameter', ...errorSchema } } as const;
const page = (item: object) =>
  ({
    description: 'One page',
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
  }) as const;
const WAVE_KINDS = ['normal', 'presale', 'catch-all'] as const;

const waveProperties = {
  waveId: str('Wave id (warehouse, cut-off window, region, category; or presale day; or catch-all)'),
  warehouse: str('Warehouse code'),
  kind: { type: 'string', enum: [...WAVE_KINDS], description: "catch-all: matched no wave rule, needs a person's look" },
  flagged: { type: 'boolean' },
  releasedAt: time('When the wave was released to picking'),
  shipmentCount: int('Shipments currently in this wave'),
} as const;
const wave = { type: 'object', required: Object.keys(waveProperties), additionalProperties: false, properties: waveProperties } as const;

export const listWavesSchema = {
  summary: 'Picking waves of one warehouse, most recently released first',
  description: 'Keyset pagination on (releasedAt, waveId), newest first: follow nextCursor until it is null.',
  tags: ['fulfilment'],
  querystring: {
    type: 'object',
    additionalProperties: false,
    required: ['warehouse'],
    properties: { warehouse, kind: { type: 'string', enum: [...WAVE_KINDS] }, limit, cursor },
  },
  response: { 200: page(wave), ...errors },
} as const;

const shipmentProperties = {
  shipmentId: str('orderKey#warehouse'),
  warehouse: str('Warehouse code'),
  carrier: nullable('Carrier chosen by the routing rules'),
  service: nullable('Carrier product'),
  flagged: { type: 'boolean', description: 'No routing rule matched: catch-all carrier' },
  reason: nullable('The rule that matched, or why none did'),
  routedAt: nullableTime('When the hub routed it'),
  cutoffAt: nullableTime('The carrier collection cut-off planned for'),
  waveId: nullable('Current wave'),
  waybillNo: nullable('Current waybill'),
  state: nullable('Furthest state: ROUTED, WAVED, WAYBILL_ISSUED, PICKED, PACKED, SHIPPED, COLLECTED, IN_TRANSIT, DELIVERED, INTERCEPTED'),
  stateAt: nullableTime('When that state was reached'),
} as const;

export const getFulfilmentSchema = {
  summary: "An order's shipments, waybills (and failed waybill requests) and its whole timeline",
  tags: ['fulfilment'],
  params: {
    type: 'object',
    required: ['orderKey'],
    properties: { orderKey: str('channel:shopId:channelOrderId (URL-encoded)', { minLength: 1, maxLength: 300 }) },
  },
  response: {
    200: {
      description: "The order's fulfilment",
      type: 'object',
      required: ['orderKey', 'shipments', 'waybills', 'waybillFailures', 'timeline'],
      properties: {
        orderKey: str('channel:shopId:channelOrderId'),
        shipments: { type: 'array', items: { type: 'object', required: Object.keys(shipmentProperties), properties: shipmentProperties } },
        waybills: {
          type: 'array',
          items: {
            type: 'object',
            required: ['waybillNo', 'carrier', 'shipmentId', 'issuedAt'],
            properties: { waybillNo: str('Waybill number'), carrier: nullable('Carrier'), shipmentId: str('Shipment'), issuedAt: time('Issued at') },
          },
        },
        waybillFailures: {
          type: 'array',
          items: {
            type: 'object',
            required: ['eventId', 'shipmentId', 'carrier', 'reason', 'failedAt'],
            properties: {
              eventId: str('Event id'),
              shipmentId: str('Shipment'),
              carrier: nullable('Carrier'),
              reason: nullable('Why'),
              failedAt: time('When'),
            },
          },
        },
        timeline: {
          type: 'array',
          description:
            'Who (which system) changed what, when: channel, inventory, router, wave planner, carriers, warehouses, divergences, commands; oldest first',
          items: {
            type: 'object',
            required: ['eventId', 'source', 'status', 'detail', 'occurredAt'],
            properties: {
              eventId: str('Event id'),
              source: str('The system that said it'),
              status: str('What it said'),
              detail: str('Details in words'),
              occurredAt: time('When'),
            },
          },
        },
      },
    },
    ...errors,
    404: { description: "Nothing known about this order's fulfilment", ...errorSchema },
  },
} as const;

const divergenceProperties = {
  divergenceId: str('orderKey + type + since'),
  orderKey: str('channel:shopId:channelOrderId'),
  channel: str('Channel'),
  type: { type: 'string', enum: [...DIVERGENCE_TYPES] },
  state: { type: 'string', enum: [...DIVERGENCE_STATES] },
  views: {
    type: 'object',
    required: ['channel', 'hub', 'warehouse', 'carrier'],
    properties: { channel: nullable('Channel view'), hub: nullable('Hub view'), warehouse: nullable('Warehouse view'), carrier: nullable('Carrier view') },
  },
  since: time('When the contradiction began'),
  openedAt: time('When it was opened (since + grace)'),
  escalatedAt: nullableTime('First escalation'),
  resolvedAt: nullableTime('Resolution'),
  durationMs: { type: ['integer', 'null'], description: 'resolvedAt − since' },
  resolution: nullable('How it was resolved or why it escalated'),
  action: nullable('The repair asked for (SHIP, INTERCEPT, RECONCILE_ORDER)'),
  updatedAt: time('Time of the latest state'),
} as const;
const divergence = { type: 'object', required: Object.keys(divergenceProperties), additionalProperties: false, properties: divergenceProperties } as const;

export const listDivergencesSchema = {
  summary: 'Divergences between the views of an order, most recently opened first',
  description: 'Open ones (OPENED or ESCALATED) unless state=all. Keyset pagination on (openedAt, divergenceId): follow nextCursor until it is null.',
  tags: ['divergences'],
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      type: { type: 'string', enum: [...DIVERGENCE_TYPES] },
      channel,
      state: { type: 'string', enum: ['open', 'all'], default: 'open' },
      limit,
      cursor,
    },
  },
  response: { 200: page(divergence), ...errors },
} as const;
