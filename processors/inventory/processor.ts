import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { startBatchConsumer, type Decoded } from '../../lib/batch-consumer.js';
import type { Logger } from '../../lib/logger.js';
import { topicName } from '../../topics/catalog.js';
import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import type { TopicSerde } from '../../topics/serde.js';
import { movementCommand, orderCommand, type InventoryCommand } from './commands.js';
import { availableOf, type Decision } from './decision.js';
import { RedisInventoryStore } from './store.js';
import { INVENTORY_GROUP, INVENTORY_INPUTS, INVENTORY_OUTPUT } from './topology.js';

export interface InventoryProcessorDeps {
  kafka: Kafka;
  serde: TopicSerde;
  redis: Redis;
  producer: Producer;
  namespace: string;
  log: Logger;
  warehouses: string[];
}

/** Commands per Lua call: large enough to amortize the round trip, small enough not to stall Redis. */
const CHUNK = 2000;

/**
 * The Kafka/Redis shell around the stock rules. Per partition batch: one atomic Lua call decides,
 * the decisions go to inventory-events (acks=all), then the offsets are committed. Redelivered
 * commands are recognised by id inside Lua and re-emit their original decisions with the same
 * event ids, so a crash anywhere in between neither double-reserves nor loses a decision.
 */
export async function startInventoryProcessor(deps: InventoryProcessorDeps): Promise<Consumer> {
  const store = new RedisInventoryStore(deps.redis, deps.namespace);
  const output = topicName(deps.namespace, INVENTORY_OUTPUT);
  return startBatchConsumer({
    kafka: deps.kafka, serde: deps.serde, namespace: deps.namespace, group: INVENTORY_GROUP, topics: [...INVENTORY_INPUTS],
    log: deps.log, producer: deps.producer,
    handle: async (records) => {
      for (let i = 0; i < records.length; i += CHUNK) {
        const chunk = records.slice(i, i + CHUNK);
        const cmds = chunk.map((r) => toCommand(r, deps.warehouses));
        const results = await store.apply(cmds);
        const events = results.flatMap((res, j) => res.decisions.map((d) => toInventoryEvent(d, cmds[j]!, chunk[j]!)));
        if (events.length === 0) continue;
        const messages = await Promise.all(events.map(async (e) => ({ key: `${e.sku}@${e.warehouse}`, value: await deps.serde.encode(INVENTORY_OUTPUT, e) })));
        await deps.producer.send({ topic: output, acks: -1, messages });
      }
    },
  });
}

function toCommand(r: Decoded, warehouses: string[]): InventoryCommand {
  if (r.topic === 'orderEvents') return orderCommand(r.value as Decoded<'orderEvents'>['value'], warehouses);
  return movementCommand(r.value as Decoded<'stockMovements'>['value']);
}

/** Deterministic in every field: replaying the same input yields byte-identical output events. */
export function toInventoryEvent(d: Decision, cmd: InventoryCommand, source: Decoded): InventoryEvent {
  const occurredAt = (source.value as { occurredAt: number }).occurredAt;
  return {
    eventId: `${cmd.id}:${d.kind}:${d.sku}@${d.warehouse}`,
    kind: d.kind,
    orderKey: cmd.t === 'order' ? cmd.orderKey : null,
    sku: d.sku, warehouse: d.warehouse, quantity: d.quantity, reason: d.reason,
    physical: d.physical, locked: d.locked, reserved: d.reserved, safety: d.safety, presaleQuota: d.presaleQuota,
    available: availableOf(d), version: d.version, occurredAt,
  };
}
