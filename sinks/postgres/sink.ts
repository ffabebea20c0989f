import type { Consumer, Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import { startBatchConsumer, type Decoded } from '../../lib/batch-consumer.js';
import type { Logger } from '../../lib/logger.js';
import type { CommandOutcome } from '../../topics/schemas/command-outcome.js';
import type { DivergenceEvent } from '../../topics/schemas/divergence-event.js';
import type { FulfilmentEvent } from '../../topics/schemas/fulfilment-event.js';
import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import type { TopicSerde } from '../../topics/serde.js';
import { migrate } from './migrate.js';
import { writeProjection, type MoreEvents } from './projection.js';
import { SINK_GROUP, SINK_INPUTS, type SinkInput } from './topology.js';

export { SINK_GROUP, SINK_INPUTS, type SinkInput } from './topology.js';

export interface PostgresSinkDeps {
  kafka: Kafka;
  serde: TopicSerde;
  pool: pg.Pool;
  producer: Producer;
  schema: string;
  namespace: string;
  log: Logger;
}

/** Splits decoded records by topic into writeProjection's arguments. */
export function sortByTopic(records: readonly Pick<Decoded, 'topic' | 'value'>[]): { orders: OrderEvent[]; inventory: InventoryEvent[]; more: Required<MoreEvents> } {
  const of = <T>(topic: SinkInput) => records.filter((r) => r.topic === topic).map((r) => r.value as T);
  return {
    orders: of<OrderEvent>('orderEvents'),
    inventory: of<InventoryEvent>('inventoryEvents'),
    more: {
      fulfilment: of<FulfilmentEvent>('fulfilmentEvents'),
      shipments: of<Shipment>('warehouseOrders'),
      divergences: of<DivergenceEvent>('divergences'),
      outcomes: of<CommandOutcome>('commandOutcomes'),
    },
  };
}

/** Projects orders, stock, fulfilment and divergences into Postgres; migrations run first. Group: <ns>.sink-postgres. */
export async function startPostgresSink(deps: PostgresSinkDeps): Promise<Consumer> {
  const applied = await migrate(deps.pool, deps.schema);
  if (applied.length > 0) deps.log.info({ schema: deps.schema, applied }, 'migrations applied');
  return startBatchConsumer({
    kafka: deps.kafka, serde: deps.serde, namespace: deps.namespace, group: SINK_GROUP,
    topics: [...SINK_INPUTS], log: deps.log, producer: deps.producer,
    handle: async (records) => {
      const { orders, inventory, more } = sortByTopic(records);
      const client = await deps.pool.connect();
      try {
        await writeProjection(client, deps.schema, orders, inventory, more);
      } finally {
        client.release();
      }
    },
  });
}
