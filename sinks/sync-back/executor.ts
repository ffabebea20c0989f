import type { Redis } from 'ioredis';
import type { AnyChannelConnector, ShipmentNotice, ShopConfig } from '../../connectors/contract.js';
import type { PushIngestor } from '../../connectors/gateway/ingest.js';
import type { ShopDirectory } from '../../connectors/gateway/shops.js';
import type { Logger } from '../../lib/logger.js';
import { ok, type Result, transient } from '../../lib/result.js';
import { backoffDelay, type RetryPolicy } from '../../lib/retry.js';
import type { ChannelCommand } from '../../topics/schemas/channel-command.js';
import type { CommandOutcome } from '../../topics/schemas/command-outcome.js';
import type { HubException } from '../../topics/schemas/hub-exception.js';
import { DoneStore } from './done-store.js';
import { createSyncBackMetrics, type SyncBackMetrics } from './metrics.js';
import { exceptionAfter, outcomeOf, refusedOutcome } from './outcomes.js';
import { distinctCommands, type Job, PULL_MARGIN_MS, planLanes, pullFromMs, shipmentNoticeOf } from './plan.js';
import { pullAndIngest } from './targeted-pull.js';

export interface ExecutorDeps {
  redis: Redis;
  namespace: string;
  log: Logger;
  /** Writes outcomes durably (command-outcomes, acks=all). */
  emit(outcomes: readonly CommandOutcome[]): Promise<void>;
  /** Writes what became of a paid order the hub cannot fill (hub-exceptions), once its CANCEL_UNFILLABLE ended. */
  emitExceptions?(exceptions: readonly HubException[]): Promise<void>;
  metrics?: SyncBackMetrics;
  connectors: Readonly<Record<string, AnyChannelConnector>>;
  shops: Pick<ShopDirectory, 'get'>;
  ingestor: Pick<PushIngestor, 'ingest'>;
  retry: RetryPolicy;
  /** Lanes (orders, shops) of one batch executed at the same time. */
  concurrency: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** A window's end a little in the future: the channel's clock and second-granular filters. */
const PULL_END_SLACK_MS = 1_000;

/**
 * Executes one partition batch of channel commands: finished ones are only re-announced, the rest
 * run lane by lane (one order's SHIPs in order, one pull per shop for its RECONCILE_ORDERs), each
 * attempt's outcome written before the next, each finished command remembered.
 */
export class SyncBackExecutor {
  private readonly done: DoneStore;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly metrics: SyncBackMetrics;

  constructor(private readonly deps: ExecutorDeps) {
    this.metrics = deps.metrics ?? createSyncBackMetrics();
    this.done = new DoneStore(deps.redis, deps.namespace);
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async handleBatch(commands: readonly ChannelCommand[]): Promise<void> {
    const distinct = distinctCommands(commands);
    const finished = await this.done.finished(distinct.map((c) => c.commandId));
    const replay = [...finished.values()].flat();
    if (replay.length > 0) await this.emit(replay);
    const lanes = planLanes(distinct.filter((c) => !finished.has(c.commandId)));
    let next = 0;
    const worker = async () => {
      while (next < lanes.length) {
        const lane = lanes[next++]!;
        for (const job of lane) await this.run(job);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.deps.concurrency, lanes.length)) }, worker));
  }

  private async run(job: Job): Promise<void> {
    const commands = job.kind === 'RECONCILE' ? job.commands : [job.command];
    const { channel, shopId } = commands[0]!;
    const connector = this.deps.connectors[channel];
    const shop = this.deps.shops.get(channel, shopId);
    let refusal: string | undefined;
    let notice: ShipmentNotice | undefined;
    if (!connector) refusal = `no connector for channel ${channel}`;
    else if (!shop) refusal = `shop ${channel}/${shopId} is not in the shop directory`;
    else if (job.kind === 'SHIP' && !connector.ship) refusal = `the ${channel} connector has no ship API`;
    else if (job.kind === 'RECONCILE' && !connector.pull) refusal = `the ${channel} connector has no query API (pull)`;
    else if (job.kind === 'CANCEL_UNFILLABLE' && !connector.unfillable)
      refusal = `the ${channel} connector has no API to cancel, refund or mark out of stock a paid order: a person must do it in the seller console`;
    else if (job.kind === 'SHIP') {
      const parsed = shipmentNoticeOf(job.command);
      if (parsed.ok) notice = parsed.value;
      else refusal = parsed.reason;
    }
    if (refusal !== undefined || !connector || !shop) {
      const outcomes = commands.map((c) => refusedOutcome(c, refusal ?? 'cannot execute', this.now()));
      await this.finish(outcomes, new Map(outcomes.map((o) => [o.commandId, [o]])));
      return;
    }
    if (job.kind === 'SHIP') await this.withRetries(commands, () => this.shipAttempt(connector, shop, job.command, notice!));
    else if (job.kind === 'CANCEL_UNFILLABLE') await this.withRetries(commands, () => this.cancelAttempt(connector, shop, job.command));
    else await this.withRetries(commands, (pending) => this.reconcileAttempt(connector, shop, pending));
  }

  /** Ship, then read the order back so the channel's new status enters the hub the normal way. */
  private async shipAttempt(
    connector: AnyChannelConnector,
    shop: ShopConfig,
    command: ChannelCommand,
    notice: ShipmentNotice,
  ): Promise<Map<string, Result<string>>> {
    const started = this.now();
    let shipped: Result;
    try {
      shipped = await connector.ship!(shop, notice);
    } catch (err) {
      shipped = transient(`ship threw: ${(err as Error).message}`);
    }
    const result = shipped.ok ? ok(await this.confirm(connector, shop, command, started, 'shipped')) : shipped;
    return new Map([[command.commandId, result]]);
  }

  /** Tell the channel the hub cannot fill the order, then read it back so its cancelled status enters the hub. */
  private async cancelAttempt(connector: AnyChannelConnector, shop: ShopConfig, command: ChannelCommand): Promise<Map<string, Result<string>>> {
    const api = connector.unfillable!;
    const started = this.now();
    let told: Awaited<ReturnType<typeof api.tell>>;
    try {
      told = await api.tell(shop, { channelOrderId: command.channelOrderId, reason: command.reason, idempotencyKey: command.commandId });
    } catch (err) {
      told = transient(`${api.action} threw: ${(err as Error).message}`);
    }
    if (!told.ok) return new Map([[command.commandId, told]]);
    const done = told.value.alreadyDone
      ? 'the channel already had it cancelled'
      : `${api.action} taken by the channel${told.value.platformRef ? ` (${told.value.platformRef})` : ''}`;
    return new Map([[command.commandId, ok(await this.confirm(connector, shop, command, started, done))]]);
  }

  private async confirm(connector: AnyChannelConnector, shop: ShopConfig, command: ChannelCommand, from: number, done: string): Promise<string> {
    if (!connector.pull) return `${done}; the channel has no query API to confirm it`;
    try {
      const window = { from: new Date(from - PULL_MARGIN_MS), to: new Date(this.now() + PULL_END_SLACK_MS) };
      const pulled = await pullAndIngest(connector, shop, window, this.deps.ingestor, this.now, new Set([command.orderKey]));
      return pulled.orderKeys.has(command.orderKey)
        ? `${done}; the channel's order was pulled and ingested`
        : `${done}; the confirming pull did not return the order yet`;
    } catch (err) {
      // The change is done; a later reconciliation (or divergence check) brings the status.
      this.deps.log.warn({ commandId: command.commandId, channel: command.channel, error: (err as Error).message }, 'confirming pull failed');
      return `${done}; the confirming pull failed: ${(err as Error).message}`;
    }
  }

  /** One pull for all pending RECONCILE_ORDERs of a shop; each succeeds once its order was returned. */
  private async reconcileAttempt(connector: AnyChannelConnector, shop: ShopConfig, pending: readonly ChannelCommand[]): Promise<Map<string, Result<string>>> {
    const from = new Date(Math.min(...pending.map(pullFromMs)));
    const to = new Date(this.now() + PULL_END_SLACK_MS);
    let pulled: Awaited<ReturnType<typeof pullAndIngest>>;
    try {
      pulled = await pullAndIngest(connector, shop, { from, to }, this.deps.ingestor, this.now, new Set(pending.map((c) => c.orderKey)));
    } catch (err) {
      return new Map(pending.map((c) => [c.commandId, transient(`pull failed: ${(err as Error).message}`)]));
    }
    return new Map(
      pending.map((c) => [
        c.commandId,
        pulled.orderKeys.has(c.orderKey)
          ? ok(`pulled ${pulled.pulled} order(s) from ${from.toISOString()}; this order ingested`)
          : transient(`the channel's query API did not return the order for ${from.toISOString()}..${to.toISOString()}`),
      ]),
    );
  }

  private async withRetries(
    commands: readonly ChannelCommand[],
    attempt: (pending: readonly ChannelCommand[]) => Promise<Map<string, Result<string>>>,
  ): Promise<void> {
    const { attempts } = this.deps.retry;
    const { channel, kind } = commands[0]!;
    const history = new Map<string, CommandOutcome[]>(commands.map((c) => [c.commandId, []]));
    let pending = [...commands];
    for (let n = 1; pending.length > 0; n++) {
      const stopTimer = this.metrics.attemptSeconds.startTimer({ channel, kind });
      const results = await attempt(pending);
      stopTimer();
      const at = this.now();
      const outcomes = pending.map((c) => outcomeOf(c, results.get(c.commandId) ?? transient('no result for the command'), n, attempts, at));
      for (const o of outcomes) history.get(o.commandId)!.push(o);
      await this.finish(outcomes, history);
      const retrying = new Set(outcomes.filter((o) => o.state === 'RETRYING').map((o) => o.commandId));
      pending = pending.filter((c) => retrying.has(c.commandId));
      if (pending.length > 0) await this.sleep(backoffDelay(n, this.deps.retry, this.deps.random));
    }
  }

  /** Writes an attempt's outcomes durably, then remembers the commands they finished. */
  private async finish(outcomes: readonly CommandOutcome[], history: ReadonlyMap<string, readonly CommandOutcome[]>): Promise<void> {
    await this.emit(outcomes);
    for (const o of outcomes) {
      this.metrics.outcomes.inc({ channel: o.channel, kind: o.commandKind, outcome: o.state });
      if (o.state === 'RETRYING') continue;
      await this.done.markDone(o.commandId, history.get(o.commandId) ?? [o]);
      const log = { commandId: o.commandId, kind: o.commandKind, channel: o.channel, attempt: o.attempt, reason: o.reason };
      if (o.state === 'FAILED') this.deps.log.warn(log, 'channel command failed');
      else this.deps.log.info(log, 'channel command succeeded');
    }
  }

  /** Outcomes first, then (for a CANCEL_UNFILLABLE that ended) the exception's new state: a redelivery re-emits both. */
  private async emit(outcomes: readonly CommandOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.deps.emit(outcomes);
    const exceptions = outcomes.flatMap((o) => exceptionAfter(o) ?? []);
    if (exceptions.length > 0 && this.deps.emitExceptions) await this.deps.emitExceptions(exceptions);
  }
}
