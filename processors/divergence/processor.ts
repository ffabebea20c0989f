import { defineProcessor } from '../../lib/processor/definition.js';
import type { Running } from '../../lib/processor/run.js';
import type { ChannelCommand } from '../../topics/schemas/channel-command.js';
import type { DivergenceEvent } from '../../topics/schemas/divergence-event.js';
import type { WarehouseCommand } from '../../topics/schemas/warehouse-command.js';
import { type DivergenceConfig, divergenceConfigFrom, divergenceEnvSchema } from './config.js';
import { type Evaluation, evaluate, syncLagOf } from './core.js';
import { type Fact, factOf } from './facts.js';
import { createDivergenceMetrics, type DivergenceMetrics } from './metrics.js';
import { type Claim, type OutboxEntry, RedisDivergenceStore } from './store.js';

export interface DivergenceOptions {
  config: DivergenceConfig;
  /** The timer's clock (tests inject one). Default Date.now. */
  now?: () => number;
  /** How often the timer looks for deadlines that passed. Default 1 s. */
  tickSeconds?: number;
}

/** A claimed outbox entry not published after this long was left by a crash: publish it again. */
const LEFTOVER_MS = 30_000;
/** Concurrent writers on one order: re-evaluate at most this often before giving up the batch. */
const MAX_RETRIES = 20;

/**
 * The divergence rules in their Kafka/Redis shell. Per partition batch: each record's fact is
 * added to its order (by id), the order is re-evaluated over all its facts, new outputs are claimed
 * atomically into an outbox (with deterministic ids: a redelivered record claims nothing new),
 * published durably, and only then are the offsets committed. A 1 s timer (one instance, by lease)
 * re-evaluates orders whose grace or escalation deadline passed.
 */
export const divergenceProcessor = defineProcessor({
  name: 'divergence',
  kind: 'processor',
  summary: 'channel × hub × warehouse × carrier views per order, divergences decided in event time, repairs as commands',
  inputs: {
    orderEvents: "reads the channel's view of each order (and the hub's own cancellations)",
    inventoryEvents: "reads the hub's stock decisions per order (reserved, rejected, released, shipped)",
    fulfilmentEvents: "reads the warehouse's and the carriers' view (routed, waved, scanned, intercepted, collected, delivered)",
    commandOutcomes: 'reads how each repair it asked for ended',
  },
  outputs: {
    divergences: 'writes OPENED, RESOLVED and ESCALATED divergences, one per cause, keyed by orderKey',
    channelCommands: "asks a channel to take a shipment (SHIP) or re-reads an order (RECONCILE_ORDER), on the channel's own topic",
    warehouseCommands: 'asks a warehouse to intercept a parcel whose order was cancelled (INTERCEPT), keyed by warehouse',
  },
  stores: [{ prefix: 'div', kind: 'redis', holds: 'facts seen per order, outputs claimed, deadlines, open divergences, outbox, report log' }],
  timers: [{ name: 'tick', every: 'every second, once caught up', does: 'opens and escalates what time alone decides (grace windows passed)' }],
  env: divergenceEnvSchema,
  options: (env): DivergenceOptions => ({ config: divergenceConfigFrom(env) }),
  async start(ctx, opts: DivergenceOptions) {
    const store = new RedisDivergenceStore(ctx.redis, ctx.namespace);
    const metrics = createDivergenceMetrics(store, ctx.metrics);
    const clock = opts.now ?? Date.now;

    const publishEntries = async (entries: OutboxEntry[]) => {
      const of = <T>(topic: OutboxEntry['topic']) => entries.filter((e) => e.topic === topic).map((e) => ({ key: e.key, value: e.value as T }));
      // Commands first: a divergence announced as "repair asked" has its repair on the way.
      await ctx.publish('channelCommands', of<ChannelCommand>('channelCommands'));
      await ctx.publish('warehouseCommands', of<WarehouseCommand>('warehouseCommands'));
      await ctx.publish('divergences', of<DivergenceEvent>('divergences'));
      await store.done(entries.map((e) => e.id));
    };

    /** Evaluates one order (adding `facts`), claims and publishes what is new. Returns divergence events written. */
    const settle = async (orderKey: string, facts: Fact[], now: number | null): Promise<number> => {
      let newFacts = facts;
      for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
        const state = await store.load(orderKey, newFacts);
        if (attempt === 0)
          for (const f of state.added) {
            const lag = syncLagOf(f, state.facts);
            if (lag) metrics.syncLag(lag.channel, lag.stage, lag.ms);
          }
        newFacts = [];
        const result = evaluate(orderKey, state.facts, state.emitted, now, opts.config);
        const claims = claimsOf(result, now ?? clock());
        const claimed = await store.commit(orderKey, state.facts.length, result.nextDeadline, claims);
        if (!claimed) continue;
        const entries = claims.filter((c) => claimed.has(c.entry.id)).map((c) => c.entry);
        if (entries.length > 0) await publishEntries(entries);
        for (const d of result.divergences) if (d.state === 'RESOLVED' && claimed.has(d.eventId)) metrics.converged(d.type, d.durationMs ?? 0);
        return entries.filter((e) => e.topic === 'divergences').length;
      }
      throw new Error(`order ${orderKey} kept changing under evaluation; the batch will be retried`);
    };

    // Leftovers of a previous run that crashed between claiming and publishing.
    const flushLeftovers = async (before: number) => {
      const left = await store.leftovers(before);
      if (left.length > 0) await publishEntries(left);
    };
    await flushLeftovers(Number.POSITIVE_INFINITY);

    const consumer = await ctx.consume(async (records) => {
      const byOrder = new Map<string, Fact[]>();
      for (const r of records) {
        const f = factOf(r);
        if (f) byOrder.set(f.orderKey, [...(byOrder.get(f.orderKey) ?? []), f]);
      }
      await Promise.all([...byOrder].map(([orderKey, facts]) => settle(orderKey, facts, null)));
    });

    /** Opens and escalates what time alone decides, as of `now`; returns the divergence events written. */
    const tick = async (now = clock()): Promise<number> => {
      let written = 0;
      // Each order once per tick: its next deadline always lies after `now`, but a writer racing
      // the tick must not keep it going.
      const done = new Set<string>();
      for (;;) {
        const due = (await store.dueOrders(now, 500 + done.size)).filter((k) => !done.has(k));
        if (due.length === 0) break;
        for (const orderKey of due) {
          done.add(orderKey);
          written += await settle(orderKey, [], now);
        }
      }
      await flushLeftovers(clock() - LEFTOVER_MS);
      return written;
    };

    // The timer waits while this instance is catching up: facts still in the backlog could close a
    // contradiction that would otherwise look open past its window.
    ctx.every('tick', { seconds: opts.tickSeconds ?? 1, when: () => consumer.caughtUp(), run: () => tick() });
    return { tick, metrics };
  },
});

export type DivergenceProcessor = Running<{ tick(now?: number): Promise<number>; metrics: DivergenceMetrics }>;

/** Outbox claims for an evaluation's outputs, commands before the events that announce them. */
function claimsOf(result: Evaluation, claimedAt: number): Claim[] {
  const claims: Claim[] = [];
  for (const c of result.channelCommands)
    claims.push({ entry: { id: c.commandId, topic: 'channelCommands', key: c.orderKey, value: c, claimedAt }, record: '1', divergence: null, open: '' });
  for (const c of result.warehouseCommands)
    claims.push({ entry: { id: c.commandId, topic: 'warehouseCommands', key: c.warehouse, value: c, claimedAt }, record: '1', divergence: null, open: '' });
  const resolvedNow = new Set(result.divergences.filter((d) => d.state === 'RESOLVED').map((d) => d.divergenceId));
  for (const d of result.divergences) {
    // Opened and resolved in one go (revealed late) never counts as open.
    const open = d.state === 'OPENED' ? (resolvedNow.has(d.divergenceId) ? '' : '+') : d.state === 'RESOLVED' ? '-' : '';
    claims.push({ entry: { id: d.eventId, topic: 'divergences', key: d.orderKey, value: d, claimedAt }, record: JSON.stringify(d), divergence: d, open });
  }
  return claims;
}
