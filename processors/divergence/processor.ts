import type { Kafka, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { startBatchConsumer } from '../../lib/batch-consumer.js';
import { startLeasedTick } from '../../lib/leased-tick.js';
import type { Logger } from '../../lib/logger.js';
import { publish } from '../../lib/publish.js';
import { channelCommandTopic } from '../../topics/catalog.js';
import type { ChannelCommand } from '../../topics/schemas/channel-command.js';
import type { DivergenceEvent } from '../../topics/schemas/divergence-event.js';
import type { WarehouseCommand } from '../../topics/schemas/warehouse-command.js';
import type { TopicSerde } from '../../topics/serde.js';
import type { DivergenceConfig } from './config.js';
import { evaluate, syncLagOf, type Evaluation } from './core.js';
import { factOf, type Fact } from './facts.js';
import { createDivergenceMetrics, type DivergenceMetrics } from './metrics.js';
import { RedisDivergenceStore, type Claim, type OutboxEntry } from './store.js';
import { DIVERGENCE_GROUP, DIVERGENCE_INPUTS } from './topology.js';

export interface DivergenceProcessorDeps {
  kafka: Kafka;
  serde: TopicSerde;
  redis: Redis;
  producer: Producer;
  namespace: string;
  log: Logger;
  config: DivergenceConfig;
  /** Channels with a command topic (channel-commands.<channel>). */
  channels: string[];
  /** The timer's clock (tests inject one). Default Date.now. */
  now?: () => number;
  /** How often the timer looks for deadlines that passed. Default 1 s. */
  tickSeconds?: number;
  /** Metrics to report into; default: a registry of its own (see `metrics`). */
  metrics?: DivergenceMetrics;
}

export interface DivergenceProcessor {
  /** Opens and escalates what time alone decides, as of `now`; returns the divergence events written. */
  tick(now?: number): Promise<number>;
  metrics: DivergenceMetrics;
  disconnect(): Promise<void>;
}

/** A claimed outbox entry not published after this long was left by a crash: publish it again. */
const LEFTOVER_MS = 30_000;
/** Concurrent writers on one order: re-evaluate at most this often before giving up the batch. */
const MAX_RETRIES = 20;

/**
 * The Kafka/Redis shell around the divergence rules. Per partition batch: each record's fact is
 * added to its order (by id), the order is re-evaluated over all its facts, new outputs are claimed
 * atomically into an outbox (with deterministic ids: a redelivered record claims nothing new),
 * published durably, and only then are the offsets committed. A 1 s timer (one instance, by lease)
 * re-evaluates orders whose grace or escalation deadline passed.
 */
export async function startDivergenceProcessor(deps: DivergenceProcessorDeps): Promise<DivergenceProcessor> {
  const store = new RedisDivergenceStore(deps.redis, deps.namespace);
  const metrics = deps.metrics ?? createDivergenceMetrics(store);
  const clock = deps.now ?? Date.now;

  const publishEntries = async (entries: OutboxEntry[]) => {
    const divergences = entries.filter((e) => e.topic === 'divergences').map((e) => ({ key: e.key, value: e.value as DivergenceEvent }));
    const warehouse = entries.filter((e) => e.topic === 'warehouseCommands').map((e) => ({ key: e.key, value: e.value as WarehouseCommand }));
    const byChannel = new Map<string, ChannelCommand[]>();
    for (const e of entries) if (e.topic === 'channelCommands') { const c = e.value as ChannelCommand; byChannel.set(c.channel, [...(byChannel.get(c.channel) ?? []), c]); }
    // Commands first: a divergence announced as "repair asked" has its repair on the way.
    for (const [channel, cmds] of byChannel) {
      if (!deps.channels.includes(channel)) deps.log.error({ channel }, 'no command topic configured for this channel; sending anyway');
      const messages = await Promise.all(cmds.map(async (c) => ({ key: c.orderKey, value: await deps.serde.encode('channelCommands', c) })));
      await deps.producer.send({ topic: channelCommandTopic(deps.namespace, channel), acks: -1, messages });
    }
    if (warehouse.length > 0) await publish(deps.producer, deps.serde, deps.namespace, 'warehouseCommands', warehouse);
    if (divergences.length > 0) await publish(deps.producer, deps.serde, deps.namespace, 'divergences', divergences);
    await store.done(entries.map((e) => e.id));
  };

  /** Evaluates one order (adding `facts`), claims and publishes what is new. Returns divergence events written. */
  const settle = async (orderKey: string, facts: Fact[], now: number | null): Promise<number> => {
    let newFacts = facts;
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const state = await store.load(orderKey, newFacts);
      if (attempt === 0) for (const f of state.added) { const lag = syncLagOf(f, state.facts); if (lag) metrics.syncLag(lag.channel, lag.stage, lag.ms); }
      newFacts = [];
      const result = evaluate(orderKey, state.facts, state.emitted, now, deps.config);
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

  const consumer = await startBatchConsumer({
    kafka: deps.kafka, serde: deps.serde, namespace: deps.namespace, group: DIVERGENCE_GROUP, topics: [...DIVERGENCE_INPUTS],
    log: deps.log, producer: deps.producer,
    handle: async (records) => {
      const byOrder = new Map<string, Fact[]>();
      for (const r of records) {
        const f = factOf(r);
        if (f) byOrder.set(f.orderKey, [...(byOrder.get(f.orderKey) ?? []), f]);
      }
      await Promise.all([...byOrder].map(([orderKey, facts]) => settle(orderKey, facts, null)));
    },
  });

  // The timer waits while this instance is catching up: facts still in the backlog could close a
  // contradiction that would otherwise look open past its window.
  const lagByPartition = new Map<string, number>();
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => { lagByPartition.set(`${payload.topic}:${payload.partition}`, Number(payload.offsetLag)); });
  const caughtUp = () => [...lagByPartition.values()].every((lag) => lag === 0);

  const tick = async (now = clock()): Promise<number> => {
    let written = 0;
    // Each order once per tick: its next deadline always lies after `now`, but a writer racing
    // the tick must not keep it going.
    const done = new Set<string>();
    for (;;) {
      const due = (await store.dueOrders(now, 500 + done.size)).filter((k) => !done.has(k));
      if (due.length === 0) break;
      for (const orderKey of due) { done.add(orderKey); written += await settle(orderKey, [], now); }
    }
    await flushLeftovers(clock() - LEFTOVER_MS);
    return written;
  };

  const tickSeconds = deps.tickSeconds ?? 1;
  const timer = startLeasedTick({
    name: 'tickSeconds', seconds: tickSeconds, when: caughtUp, lease: (ms) => store.lease('tick', ms), run: () => tick(),
    onError: (err) => deps.log.warn({ err: err.message }, 'divergence tick failed; retrying next tick'),
  });

  return {
    tick,
    metrics,
    async disconnect() {
      timer.stop();
      await consumer.disconnect();
    },
  };
}

/** Outbox claims for an evaluation's outputs, commands before the events that announce them. */
function claimsOf(result: Evaluation, claimedAt: number): Claim[] {
  const claims: Claim[] = [];
  for (const c of result.channelCommands) claims.push({ entry: { id: c.commandId, topic: 'channelCommands', key: c.orderKey, value: c, claimedAt }, record: '1', divergence: null, open: '' });
  for (const c of result.warehouseCommands) claims.push({ entry: { id: c.commandId, topic: 'warehouseCommands', key: c.warehouse, value: c, claimedAt }, record: '1', divergence: null, open: '' });
  const resolvedNow = new Set(result.divergences.filter((d) => d.state === 'RESOLVED').map((d) => d.divergenceId));
  for (const d of result.divergences) {
    // Opened and resolved in one go (revealed late) never counts as open.
    const open = d.state === 'OPENED' ? (resolvedNow.has(d.divergenceId) ? '' : '+') : d.state === 'RESOLVED' ? '-' : '';
    claims.push({ entry: { id: d.eventId, topic: 'divergences', key: d.orderKey, value: d, claimedAt }, record: JSON.stringify(d), divergence: d, open });
  }
  return claims;
}
