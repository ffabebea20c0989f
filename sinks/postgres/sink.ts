import type { Consumer, Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import { startBatchConsumer } from '../../lib/batch-consumer.js';
import type { Logger } from '../../lib/logger.js';
import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import type { TopicSerde } from '../../topics/serde.js';
import { migrate } from './migrate.js';
import { writeProjection } from './projection.js';

export interface PostgresSinkDeps {
  kafka: Kafka;
  serde: TopicSerde;
  pool: pg.Pool;
  producer: Producer;
  schema: string;
  namespace: string;
  log: Logger;
}

/** Projects order and inventory events into Postgres; migrations run first. Group: <ns>.sink-postgres. */
export async function startPostgresSink(deps: PostgresSinkDeps): Promise<Consumer> {
  const applied = await migrate(deps.pool, deps.schema);
  if (applied.length > 0) deps.log.info({ schema: deps.schema, applied }, 'migrations applied');
  return startBatchConsumer({
    kafka: deps.kafka, serde: deps.serde, namespace: deps.namespace, group: 'sink-postgres',
    topics: ['orderEvents', 'inventoryEvents'], log: deps.log, producer: deps.producer,
    handle: async (records) => {
      const orders = records.filter((r) => r.topic === 'orderEvents').map((r) => r.value as OrderEvent);
      const inventory = records.filter((r) => r.topic === 'inventoryEvents').map((r) => r.value as InventoryEvent);
      const client = await deps.pool.connect();
      try {
        await writeProjection(client, deps.schema, orders, inventory);
      } finally {
        client.release();
      }
    },
  });
}
