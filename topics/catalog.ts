import type { Schema } from 'avsc';
import { deadLetterSchema } from './schemas/dead-letter.js';
import { inventoryEventSchema } from './schemas/inventory-event.js';
import { orderEventSchema } from './schemas/order-event.js';
import { rawChannelEventSchema } from './schemas/raw-channel-event.js';
import { stockMovementSchema } from './schemas/stock-movement.js';

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
}

const FOREVER = -1;
const THIRTY_DAYS = 30 * 24 * 3600 * 1000;

/** Every topic of the hub. Partition counts are sized for one broker; raise them for more consumers. */
export const TOPICS = {
  channelRaw: {
    base: 'channel-raw', key: 'channel:shopId:channelOrderId', partitions: 6, cleanupPolicy: 'delete',
    retentionMs: THIRTY_DAYS, valueSchema: rawChannelEventSchema,
    description: 'Exact bytes each channel pushed, for audit and re-normalization. Contains buyer PII.',
  },
  orderEvents: {
    base: 'order-events', key: 'orderKey (channel:shopId:channelOrderId)', partitions: 6, cleanupPolicy: 'delete',
    retentionMs: FOREVER, valueSchema: orderEventSchema,
    description: 'Canonical order facts from every channel; one order always in one partition.',
  },
  stockMovements: {
    base: 'stock-movements', key: 'sku', partitions: 6, cleanupPolicy: 'delete',
    retentionMs: FOREVER, valueSchema: stockMovementSchema,
    description: 'Warehouse receipts, returns, cycle counts and safety-stock settings.',
  },
  inventoryEvents: {
    base: 'inventory-events', key: 'sku@warehouse', partitions: 6, cleanupPolicy: 'delete',
    retentionMs: FOREVER, valueSchema: inventoryEventSchema,
    description: 'Every stock decision (lock, reject, reserve, release, ship) with the levels after it.',
  },
  deadLetter: {
    base: 'dead-letter', key: 'the failed record key, if any', partitions: 1, cleanupPolicy: 'delete',
    retentionMs: THIRTY_DAYS, valueSchema: deadLetterSchema,
    description: 'Input that could not be used, with the reason (also in the x-omnistream-reason header). Holds the raw push, so buyer PII: restrict readers.',
  },
} as const satisfies Record<string, TopicDefinition>;

export type TopicId = keyof typeof TOPICS;

export function topicName(namespace: string, id: TopicId): string {
  return namespace ? `${namespace}.${TOPICS[id].base}` : TOPICS[id].base;
}
