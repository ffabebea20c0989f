import type { Kafka, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { startBatchConsumer, type Decoded } from '../../lib/batch-consumer.js';
import type { Logger } from '../../lib/logger.js';
import { publish } from '../../lib/publish.js';
import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import type { TopicSerde } from '../../topics/serde.js';
import { parseWarehouses } from '../inventory/warehouses.js';
import { applyRouteInput, routeKeyOf, type RouteInput, type RouteOutputs, type RouteState } from './core.js';
import type { RoutingRules } from './rules.js';
import { RedisRouteStore } from './store.js';
import { ROUTING_GROUP, ROUTING_INPUTS } from './topology.js';

export interface RoutingProcessorDeps {
  kafka: Kafka;
  serde: TopicSerde;
  redis: Redis;
  producer: Producer;
  namespace: string;
  log: Logger;
  rules: RoutingRules;
  /** OMNISTREAM_WAREHOUSES entries ("CODE" or "CODE:province"): checked against the rules at start. */
  warehouses: string[];
  /** The routing clock (epoch ms); tests inject it. */
  now?: () => number;
}

/** Compare-and-set rounds before a batch fails (and is redelivered): conflicts need two partitions racing on one order. */
const MAX_ROUNDS = 50;

/**
 * The Kafka/Redis shell around the join. Per partition batch: read the orders' states, apply the
 * inputs (core.ts), write back by compare-and-set (re-reading and re-applying the orders another
 * partition changed meanwhile), publish the shipments and ROUTED events (acks=all), and only then
 * let the offsets be committed. A crash before publishing leaves the routing record uncommitted;
 * its redelivery (same offset) finds it seen and re-emits the stored outputs, same ids.
 */
export async function startRoutingProcessor(deps: RoutingProcessorDeps): Promise<{ disconnect(): Promise<void> }> {
  const store = new RedisRouteStore(deps.redis, deps.namespace);
  const now = deps.now ?? Date.now;
  for (const { code } of parseWarehouses(deps.warehouses)) {
    if (!deps.rules.warehouses[code]) deps.log.warn({ warehouse: code }, 'warehouse has no routing rules: its parcels get the default carrier, flagged');
  }

  const handle = async (records: Decoded[]) => {
    const byOrder = new Map<string, RouteInput[]>();
    for (const r of records) {
      const from = `${r.topic}/${r.partition}/${r.offset}`;
      const input: RouteInput = r.topic === 'orderEvents' ? { kind: 'order', event: r.value as OrderEvent, from } : { kind: 'inventory', event: r.value as InventoryEvent, from };
      const key = routeKeyOf(input);
      if (key !== null) byOrder.set(key, [...(byOrder.get(key) ?? []), input]);
    }
    const outputs: RouteOutputs[] = [];
    let pending = [...byOrder.keys()];
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error(`routing: ${pending.length} orders still contended after ${MAX_ROUNDS} rounds`);
      const states = await store.read(pending);
      const at = now();
      const writes: { orderKey: string; expected: number; state: RouteState }[] = [];
      const produced = new Map<string, RouteOutputs[]>();
      for (const orderKey of pending) {
        const { version, state } = states.get(orderKey)!;
        let next = state;
        const out: RouteOutputs[] = [];
        for (const input of byOrder.get(orderKey)!) {
          const step = applyRouteInput(next, input, { rules: deps.rules, now: at });
          next = step.state;
          if (step.outputs) out.push(step.outputs);
        }
        produced.set(orderKey, out);
        if (next !== state) writes.push({ orderKey, expected: version, state: next });
      }
      const conflicts = new Set(await store.compareAndSet(writes));
      for (const [orderKey, out] of produced) if (!conflicts.has(orderKey)) outputs.push(...out);
      pending = [...conflicts];
    }
    const shipments = outputs.flatMap((o) => o.shipments);
    if (shipments.length === 0) return;
    // Parcels first: a ROUTED event never announces a shipment the warehouse cannot read yet.
    await publish(deps.producer, deps.serde, deps.namespace, 'warehouseOrders', shipments.map((s) => ({ key: s.warehouse, value: s })));
    await publish(deps.producer, deps.serde, deps.namespace, 'fulfilmentEvents', outputs.flatMap((o) => o.events).map((e) => ({ key: e.orderKey, value: e })));
    deps.log.debug({ shipments: shipments.length }, 'routed');
  };

  const consumer = await startBatchConsumer({
    kafka: deps.kafka, serde: deps.serde, namespace: deps.namespace, group: ROUTING_GROUP, topics: [...ROUTING_INPUTS],
    log: deps.log, producer: deps.producer, handle,
  });
  return { disconnect: () => consumer.disconnect() };
}
