import type { Schema } from 'avsc';
import { channelCommandSchema } from './schemas/channel-command.js';
import { commandOutcomeSchema } from './schemas/command-outcome.js';
import { deadLetterSchema } from './schemas/dead-letter.js';
import { divergenceEventSchema } from './schemas/divergence-event.js';
import { fulfilmentEventSchema } from './schemas/fulfilment-event.js';
import { hubExceptionSchema } from './schemas/hub-exception.js';
import { inventoryEventSchema } from './schemas/inventory-event.js';
import { listingMappingSchema } from './schemas/listing-mapping.js';
import { orderEventSchema } from './schemas/order-event.js';
import { printJobSchema } from './schemas/print-job.js';
import { rawChannelEventSchema } from './schemas/raw-channel-event.js';
import { shipmentSchema } from './schemas/shipment.js';
import { stockMovementSchema } from './schemas/stock-movement.js';
import { stockPolicySchema } from './schemas/stock-policy.js';
import { stockPushSchema } from './schemas/stock-push.js';
import { stockTargetSchema } from './schemas/stock-target.js';
import { warehouseCommandSchema } from './schemas/warehouse-command.js';

export interface TopicDefinition {
  /** Name without the namespace prefix. */
  base: string;
  /** What the message key is, for downstream readers. */
  key: string;
  partitions: number;
  cleanupPolicy: 'delete' | 'compact';
  /** -1 keeps history forever: data teams replay projections from it. */
  retentionMs: number;
  valueSchema: Schema;
  description: string;
  /**
   * One topic per channel, `<name>.<channel>` (all with this schema, registered once under
   * `<name>-value`), so one platform's outage or rate limit never holds up another's.
   */
  perChannel?: boolean;
}

const FOREVER = -1;
const THIRTY_DAYS = 30 * 24 * 3600 * 1000;
const NINETY_DAYS = 90 * 24 * 3600 * 1000;
const SEVEN_DAYS = 7 * 24 * 3600 * 1000;

/** Every topic of the hub. Partition counts are sized for one broker; raise them for more consumers. */
export const TOPICS = {
  channelRaw: {
    base: 'channel-raw',
    key: 'channel:shopId:channelOrderId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: THIRTY_DAYS,
    valueSchema: rawChannelEventSchema,
    description: 'Exact bytes each channel pushed, for audit and re-normalization. Contains buyer PII.',
  },
  orderEvents: {
    base: 'order-events',
    key: 'orderKey (channel:shopId:channelOrderId)',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    valueSchema: orderEventSchema,
    description: 'Canonical order facts from every channel; one order always in one partition.',
  },
  stockMovements: {
    base: 'stock-movements',
    key: 'sku',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    valueSchema: stockMovementSchema,
    description: 'Warehouse receipts, returns, cycle counts and safety-stock settings.',
  },
  inventoryEvents: {
    base: 'inventory-events',
    key: 'sku@warehouse',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    valueSchema: inventoryEventSchema,
    description: 'Every stock decision (lock, reject, reserve, release, ship) with the levels after it.',
  },
  warehouseOrders: {
    base: 'warehouse-orders',
    key: 'warehouse code',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    valueSchema: shipmentSchema,
    description:
      "Routed parcels (a paid order's lines at one warehouse, with carrier and cut-off), keyed by warehouse so each warehouse's work stays in order in one partition.",
  },
  fulfilmentEvents: {
    base: 'fulfilment-events',
    key: 'orderKey',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    valueSchema: fulfilmentEventSchema,
    description:
      'Routing, waves, waybills, warehouse scans (picked, packed, shipped), interceptions and carrier tracking, each told by the system that saw it.',
  },
  printQueue: {
    base: 'print-queue',
    key: 'warehouse code',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: SEVEN_DAYS,
    valueSchema: printJobSchema,
    description: 'Print-ready shipping labels (ZPL or PDF) per warehouse. The receiver block is privacy-masked; no buyer PII.',
  },
  warehouseCommands: {
    base: 'warehouse-commands',
    key: 'warehouse code',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    valueSchema: warehouseCommandSchema,
    description: 'What the hub asks a warehouse to do (intercept a parcel), keyed by warehouse.',
  },
  channelCommands: {
    base: 'channel-commands',
    key: 'orderKey',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    valueSchema: channelCommandSchema,
    perChannel: true,
    description: 'What the hub asks a channel to do (push a shipment, re-read an order): one topic per channel, channel-commands.<channel>.',
  },
  commandOutcomes: {
    base: 'command-outcomes',
    key: 'orderKey',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    valueSchema: commandOutcomeSchema,
    description: 'Every attempt at a channel or warehouse command and how it ended; FAILED is final and stays visible.',
  },
  divergences: {
    base: 'divergences',
    key: 'orderKey',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    valueSchema: divergenceEventSchema,
    description: 'Contradicting views of an order (channel, hub, warehouse, carrier) past their grace window: opened, resolved or escalated.',
  },
  listingMappings: {
    base: 'listing-mappings',
    key: 'listingKey (channel:shopId:itemId:skuId)',
    partitions: 3,
    cleanupPolicy: 'compact',
    retentionMs: FOREVER,
    valueSchema: listingMappingSchema,
    description: "Which merchant SKUs each shop's listing sells (bundles and kits included): imported, typed in, or matched by merchant code.",
  },
  stockPolicies: {
    base: 'stock-policies',
    key: 'channel:shopId',
    partitions: 1,
    cleanupPolicy: 'compact',
    retentionMs: FOREVER,
    valueSchema: stockPolicySchema,
    description: "Each shop's stock policy: its share of the pool, floor, maximum, warehouses and exclusive allocations.",
  },
  stockTargets: {
    base: 'stock-targets',
    key: 'listingKey',
    partitions: 6,
    cleanupPolicy: 'compact',
    retentionMs: FOREVER,
    valueSchema: stockTargetSchema,
    description: 'What each listing should show, newest per listing (seq); sell-outs flagged to be pushed first.',
  },
  stockPushes: {
    base: 'stock-pushes',
    key: 'listingKey',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: NINETY_DAYS,
    valueSchema: stockPushSchema,
    description: "Every call to a channel's stock API (set, increment, compare-and-set, read-back) and how it ended.",
  },
  hubExceptions: {
    base: 'hub-exceptions',
    key: 'orderKey or listingKey',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    valueSchema: hubExceptionSchema,
    description: 'Paid orders the hub cannot fill, and order lines or listings without a mapping, with the reason and what was done.',
  },
  deadLetter: {
    base: 'dead-letter',
    key: 'the failed record key, if any',
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: THIRTY_DAYS,
    valueSchema: deadLetterSchema,
    description: 'Input that could not be used, with the reason (also in the x-omnistream-reason header). Holds the raw push, so buyer PII: restrict readers.',
  },
} as const satisfies Record<string, TopicDefinition>;

export type TopicId = keyof typeof TOPICS;

export function topicName(namespace: string, id: TopicId): string {
  return namespace ? `${namespace}.${TOPICS[id].base}` : TOPICS[id].base;
}

/** The command topic of one channel: `<namespace>.channel-commands.<channel>`. */
export function channelCommandTopic(namespace: string, channel: string): string {
  return `${topicName(namespace, 'channelCommands')}.${channel}`;
}

/**
 * Every Kafka topic name of the catalog in a namespace, per-channel topics expanded for `channels`.
 * A per-channel entry itself names no topic (only its schema subject).
 */
export function allTopicNames(namespace: string, channels: readonly string[]): { id: TopicId; name: string }[] {
  return (Object.keys(TOPICS) as TopicId[]).flatMap((id) => {
    const def: TopicDefinition = TOPICS[id];
    return def.perChannel ? channels.map((channel) => ({ id, name: `${topicName(namespace, id)}.${channel}` })) : [{ id, name: topicName(namespace, id) }];
  });
}
