import type { WmsDirectory } from '../../connectors/wms/directory.js';
import { callIntercept, type InterceptAnswer } from '../../connectors/wms/intercept-client.js';
import { wmsEnv, wmsOf } from '../../connectors/wms/routes.js';
import { defineProcessor } from '../../lib/processor/definition.js';
import { backoffDelay, type RetryPolicy } from '../../lib/retry.js';
import type { CommandOutcome } from '../../topics/schemas/command-outcome.js';
import type { FulfilmentEvent } from '../../topics/schemas/fulfilment-event.js';
import type { WarehouseCommand } from '../../topics/schemas/warehouse-command.js';
import { type Attempt, interceptRecords, isFinal, retryingOutcome, shipmentIdOf } from './outcome.js';

export interface InterceptExecutorOptions {
  warehouses: WmsDirectory;
  /**
   * Default: 4 attempts, waits from 250 ms doubling. Kept small: a partition's batch waits for its
   * commands, and the consumer's session must outlive it.
   */
  retry?: RetryPolicy;
  /** Per WMS call. Default 2 s. */
  callTimeoutMs?: number;
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
export const interceptExecutor = defineProcessor({
  name: 'wms-commands',
  part: 'wms',
  kind: 'sink',
  summary: "warehouse commands (intercept a parcel) executed against each warehouse's WMS, with retries and outcomes",
  inputs: { warehouseCommands: "executes each INTERCEPT against the warehouse's WMS, with bounded retries" },
  outputs: {
    commandOutcomes: 'writes RETRYING per failed attempt, then SUCCEEDED or FAILED',
    fulfilmentEvents: 'writes INTERCEPTED or INTERCEPT_FAILED, source "wms:<warehouse>"',
  },
  stores: [{ prefix: 'wms-commands', kind: 'redis', holds: 'the attempts of each finished command (a redelivery re-emits its records)' }],
  env: wmsEnv,
  options: (env, inputs): InterceptExecutorOptions => ({ warehouses: wmsOf(env, inputs) }),
  async start(ctx, opts: InterceptExecutorOptions) {
    const retry = opts.retry ?? { attempts: 4, baseMs: 250, maxMs: 30_000 };
    const callTimeoutMs = opts.callTimeoutMs ?? 2000;
    if (!(retry.attempts >= 1)) throw new Error('retry.attempts must be ≥ 1');
    const now = opts.now ?? Date.now;
    const done = ctx.store('wms-commands');
    const doneKey = (commandId: string) => `${done}done:${commandId}`;

    const emit = async (outcomes: CommandOutcome[], events: FulfilmentEvent[]) => {
      await ctx.publish(
        'commandOutcomes',
        outcomes.map((o) => ({ key: o.orderKey, value: o })),
      );
      await ctx.publish(
        'fulfilmentEvents',
        events.map((e) => ({ key: e.orderKey, value: e })),
      );
    };

    const attemptOnce = async (cmd: WarehouseCommand): Promise<InterceptAnswer> => {
      const wms = opts.warehouses.get(cmd.warehouse);
      if (!wms) return { kind: 'refused', reason: `no WMS configured for warehouse ${cmd.warehouse}` };
      return callIntercept(wms, { shipmentId: shipmentIdOf(cmd), orderKey: cmd.orderKey, reason: cmd.reason }, callTimeoutMs);
    };

    const execute = async (cmd: WarehouseCommand): Promise<void> => {
      const stored = await ctx.redis.get(doneKey(cmd.commandId));
      if (stored !== null) {
        const { outcomes, event } = interceptRecords(cmd, JSON.parse(stored) as Attempt[]);
        await emit(outcomes, [event]);
        return;
      }
      const attempts: Attempt[] = [];
      while (!isFinal(attempts, retry.attempts)) {
        if (attempts.length > 0) {
          await emit([retryingOutcome(cmd, attempts.length, attempts.at(-1)!)], []);
          await new Promise((r) => setTimeout(r, backoffDelay(attempts.length, retry)));
        }
        attempts.push({ answer: await attemptOnce(cmd), at: now() });
      }
      await ctx.redis.set(doneKey(cmd.commandId), JSON.stringify(attempts), 'EX', DONE_TTL_SECONDS);
      const { outcomes, event } = interceptRecords(cmd, attempts);
      await emit([outcomes.at(-1)!], [event]);
      ctx.log.info(
        { commandId: cmd.commandId, warehouse: cmd.warehouse, orderKey: cmd.orderKey, state: outcomes.at(-1)!.state, attempts: attempts.length },
        'intercept command finished',
      );
    };

    // Commands of one batch run side by side: one slow warehouse call does not hold the others up.
    await ctx.consume(async (records) => {
      const byId = new Map(records.map((r) => [r.value.commandId, r.value]));
      await Promise.all([...byId.values()].map(execute));
    });
    return {};
  },
});
