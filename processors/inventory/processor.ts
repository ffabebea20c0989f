import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { eventIdOf } from '../../connectors/contract.js';
import { startBatchConsumer, type Decoded } from '../../lib/batch-consumer.js';
import type { Logger } from '../../lib/logger.js';
import { startLeasedTick } from '../../lib/leased-tick.js';
import { publish } from '../../lib/publish.js';
import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import type { StockMovement } from '../../topics/schemas/stock-movement.js';
import type { TopicSerde } from '../../topics/serde.js';
import { expiryCommand, movementCommand, orderCommand, type InventoryCommand, type OrderHeader, type SplitRule } from './commands.js';
import { availableOf, type CommandResult, type Decision } from './decision.js';
import { RedisInventoryStore } from './store.js';
import { INVENTORY_GROUP, INVENTORY_INPUTS, INVENTORY_OUTPUT } from './topology.js';
import { parseWarehouses, warehousePreference } from './warehouses.js';

export interface InventoryProcessorDeps {
  kafka: Kafka;
  serde: TopicSerde;
  redis: Redis;
  producer: Producer;
  namespace: string;
  log: Logger;
  /** OMNISTREAM_WAREHOUSES entries: "CODE" or "CODE:province". */
  warehouses: string[];
  split?: SplitRule;
  /** Unpaid lock lifetime per channel, ms (0: never expires). Default: none. */
  unpaidTimeoutMs?: (channel: string) => number;
  /** How often due unpaid locks are released. Default 1 s. */
  timerIntervalSeconds?: number;
}

/** Commands per Lua call: large enough to amortize the round trip, small enough not to stall Redis. */
const CHUNK = 2000;

export interface InventoryProcessor {
  consumer: Consumer;
  /** Releases due unpaid locks now (the timer does this every interval). */
  expireDue(now?: number): Promise<number>;
  /** Stops the timer and leaves the consumer group. */
  disconnect(): Promise<void>;
}

/**
 * The Kafka/Redis shell around the stock rules. Per partition batch: one atomic Lua call decides,
 * the decisions go to inventory-events (acks=all), then the offsets are committed. Redelivered
 * commands are recognised by id inside Lua and re-emit their original decisions with the same
 * event ids, so a crash anywhere in between neither double-reserves nor loses a decision.
 */
export async function startInventoryProcessor(deps: InventoryProcessorDeps): Promise<InventoryProcessor> {
  const store = new RedisInventoryStore(deps.redis, deps.namespace);
  const warehouses = parseWarehouses(deps.warehouses);
  const timeout = deps.unpaidTimeoutMs ?? (() => 0);
  const emit = (events: InventoryEvent[]) =>
    publish(deps.producer, deps.serde, deps.namespace, INVENTORY_OUTPUT, events.map((e) => ({ key: `${e.sku}@${e.warehouse}`, value: e })));

  const toCommand = (r: Decoded): InventoryCommand => {
    if (r.topic !== 'orderEvents') return movementCommand(r.value as StockMovement);
    const e = r.value as OrderEvent;
    return orderCommand(e, warehousePreference(warehouses, e.buyerProvince), { split: deps.split, unpaidTimeoutMs: timeout(e.channel) });
  };

  const consumer = await startBatchConsumer({
    kafka: deps.kafka, serde: deps.serde, namespace: deps.namespace, group: INVENTORY_GROUP, topics: [...INVENTORY_INPUTS],
    log: deps.log, producer: deps.producer,
    handle: async (records) => {
      for (let i = 0; i < records.length; i += CHUNK) {
        const chunk = records.slice(i, i + CHUNK);
        const cmds = chunk.map(toCommand);
        const results = await store.apply(cmds);
        const events = results.flatMap((res, j) => eventsOf(res, cmds[j]!, (chunk[j]!.value as { occurredAt: number }).occurredAt));
        if (events.length > 0) await emit(events);
      }
    },
  });

  /**
   * Unpaid locks past their deadline: release them (conditionally: a paid order is never
   * released), announce the release and the order's cancellation, and only then drop the timer.
   * A crash in between repeats the expiry, which Lua answers with the same decisions.
   */
  const expireDue = async (now = Date.now()): Promise<number> => {
    const due = await store.dueTimers(now);
    if (due.length === 0) return 0;
    const cmds = due.map(([orderKey]) => expiryCommand(orderKey));
    const results = await store.apply(cmds);
    const events = results.flatMap((res, i) => eventsOf(res, cmds[i]!, due[i]![1]));
    if (events.length > 0) await emit(events);
    const cancellations: OrderEvent[] = [];
    for (const [i, res] of results.entries()) {
      if (!res.decisions.some((d) => d.kind === 'RELEASED')) continue;
      const [orderKey, expiresAt] = due[i]!;
      const meta = await store.holdMeta(orderKey);
      if (meta) cancellations.push(cancellationOf(JSON.parse(meta) as OrderHeader, expiresAt));
    }
    if (cancellations.length > 0) await publish(deps.producer, deps.serde, deps.namespace, 'orderEvents', cancellations.map((e) => ({ key: e.orderKey, value: e })));
    for (const [orderKey] of due) await store.clearTimer(orderKey);
    return cancellations.length;
  };

  const intervalSeconds = deps.timerIntervalSeconds ?? 1;
  const timer = startLeasedTick({
    name: 'timerIntervalSeconds', seconds: intervalSeconds, lease: (ms) => store.lease('expiry', ms), run: () => expireDue(),
    onError: (err) => deps.log.warn({ err: err.message }, 'unpaid-lock expiry failed; retrying next tick'),
  });

  return {
    consumer,
    expireDue,
    async disconnect() {
      timer.stop();
      await consumer.disconnect();
    },
  };
}

function eventsOf(res: CommandResult, cmd: InventoryCommand, occurredAt: number): InventoryEvent[] {
  return res.decisions.map((d) => toInventoryEvent(d, cmd, occurredAt));
}

/** Deterministic in every field: replaying the same input yields byte-identical output events. */
export function toInventoryEvent(d: Decision, cmd: InventoryCommand, occurredAt: number): InventoryEvent {
  return {
    eventId: `${cmd.id}:${d.kind}:${d.sku}@${d.warehouse}`,
    kind: d.kind,
    orderKey: cmd.orderKey,
    sku: d.sku, warehouse: d.warehouse, quantity: d.quantity, reason: d.reason,
    physical: d.physical, locked: d.locked, reserved: d.reserved, safety: d.safety, presaleQuota: d.presaleQuota,
    available: availableOf(d), version: d.version, occurredAt,
  };
}

/** The hub's own cancellation of an order left unpaid past its deadline. */
function cancellationOf(header: OrderHeader, expiresAt: number): OrderEvent {
  return {
    ...header, eventId: eventIdOf(header.orderKey, 'CANCELLED', expiresAt), status: 'CANCELLED',
    channelStatus: 'hub:unpaid-timeout', occurredAt: expiresAt, receivedAt: expiresAt, lines: [],
    // A status without contents: the projection must keep the order's lines and total.
    detail: 'STATUS_ONLY',
  };
}
