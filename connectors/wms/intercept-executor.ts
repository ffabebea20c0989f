import type { Redis } from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import { startBatchConsumer } from '../../lib/batch-consumer.js';
import type { Logger } from '../../lib/logger.js';
import { publish } from '../../lib/publish.js';
import type { CommandOutcome } from '../../topics/schemas/command-outcome.js';
import type { FulfilmentEvent } from '../../topics/schemas/fulfilment-event.js';
import type { WarehouseCommand } from '../../topics/schemas/warehouse-command.js';
import type { TopicSerde } from '../../topics/serde.js';
import type { WmsDirectory } from './directory.js';
import { callIntercept, type InterceptAnswer } from './intercept-client.js';
import { backoffMs, interceptRecords, isFinal, retryingOutcome, shipmentIdOf, type Attempt } from './intercept-outcome.js';
import { INTERCEPT_GROUP, INTERCEPT_INPUTS } from './topology.js';

export interface InterceptExecutorDeps {
  kafka: Kafka;
  serde: TopicSerde;
  redis: Redis;
  producer: Producer;
  namespace: string;
  log: Logger;
  warehouses: WmsDirectory;
  /**
   * Attempts per command (default 4) and the first backoff (default 250 ms, doubling). Kept small:
   * a partition's batch waits for its commands, and the consumer's session must outlive it.
   */
  retry?: { maxAttempts?: number; baseDelayMs?: number; callTimeoutMs?: number };
  now?: () => number;
}

const DONE_TTL_SECONDS = 90 * 24 * 3600;

/**
 * Executes INTERCEPT commands against the warehouses' WMS. Per command: bounded retries with
 * backoff (each failed attempt is announced as RETRYING right away), then the final outcome and the
 * INTERCEPTED / INTERCEPT_FAILED event. The attempts are stored in Redis before the final records
 * are written, so a redelivered command is not executed again: its records are rebuilt from the
 * stored attempts and re-emitted with the same ids. (A crash mid-retries repeats the call; the WMS
 * intercept is idempotent, and repeated RETRYING outcomes carry the same ids.)
 */
export async function startInterceptExecutor(deps: InterceptExecutorDeps): Promise<{ disconnect(): Promise<void> }> {
  const maxAttempts = deps.retry?.maxAttempts ?? 4;
  const baseDelayMs = deps.retry?.baseDelayMs ?? 250;
  const callTimeoutMs = deps.retry?.callTimeoutMs ?? 2000;
  if (!(maxAttempts >= 1)) throw new Error('retry.maxAttempts must be ≥ 1');
  const now = deps.now ?? Date.now;
  const doneKey = (commandId: string) => `{${deps.namespace}}:wms-commands:done:${commandId}`;

  const emit = async (outcomes: CommandOutcome[], events: FulfilmentEvent[]) => {
    if (outcomes.length) await publish(deps.producer, deps.serde, deps.namespace, 'commandOutcomes', outcomes.map((o) => ({ key: o.orderKey, value: o })));
    if (events.length) await publish(deps.producer, deps.serde, deps.namespace, 'fulfilmentEvents', events.map((e) => ({ key: e.orderKey, value: e })));
  };

  const attemptOnce = async (cmd: WarehouseCommand): Promise<InterceptAnswer> => {
    const wms = deps.warehouses.get(cmd.warehouse);
    if (!wms) return { kind: 'refused', reason: `no WMS configured for warehouse ${cmd.warehouse}` };
    return callIntercept(wms, { shipmentId: shipmentIdOf(cmd), orderKey: cmd.orderKey, reason: cmd.reason }, callTimeoutMs);
  };

  const execute = async (cmd: WarehouseCommand): Promise<void> => {
    const stored = await deps.redis.get(doneKey(cmd.commandId));
    if (stored !== null) {
      const { outcomes, event } = interceptRecords(cmd, JSON.parse(stored) as Attempt[]);
      await emit(outcomes, [event]);
      return;
    }
    const attempts: Attempt[] = [];
    while (!isFinal(attempts, maxAttempts)) {
      if (attempts.length > 0) {
        await emit([retryingOutcome(cmd, attempts.length, attempts.at(-1)!)], []);
        await new Promise((r) => setTimeout(r, backoffMs(attempts.length, baseDelayMs)));
      }
      attempts.push({ answer: await attemptOnce(cmd), at: now() });
    }
    await deps.redis.set(doneKey(cmd.commandId), JSON.stringify(attempts), 'EX', DONE_TTL_SECONDS);
    const { outcomes, event } = interceptRecords(cmd, attempts);
    await emit([outcomes.at(-1)!], [event]);
    deps.log.info({ commandId: cmd.commandId, warehouse: cmd.warehouse, orderKey: cmd.orderKey, state: outcomes.at(-1)!.state, attempts: attempts.length }, 'intercept command finished');
  };

  const consumer = await startBatchConsumer({
    kafka: deps.kafka, serde: deps.serde, namespace: deps.namespace, group: INTERCEPT_GROUP, topics: [...INTERCEPT_INPUTS],
    log: deps.log, producer: deps.producer,
    // Commands of one batch run side by side: one slow warehouse call does not hold the others up.
    handle: async (records) => {
      const byId = new Map(records.map((r) => [(r.value as WarehouseCommand).commandId, r.value as WarehouseCommand]));
      await Promise.all([...byId.values()].map(execute));
    },
  });
  return { disconnect: () => consumer.disconnect() };
}
