import type { Redis } from 'ioredis';
import { type LuaScript, luaScript } from '../../lib/lua-script.js';
import { type BasePlan, EMPTY_BASE, joinBase, nextDueOf, type Placed, releaseBase, type WaveMember, waveIdOf } from './core.js';

/** A shipment is remembered as waved this long: far beyond any redelivery. */
const SEEN_TTL_MS = 30 * 24 * 3600 * 1000;
/** Published waves are kept this long for operations to look at. */
const PUBLISHED_TTL_MS = 7 * 24 * 3600 * 1000;
/** Compare-and-set rounds before giving up (the batch is redelivered, the tick retried): conflicts need two writers on one base. */
const MAX_ROUNDS = 50;

/** The plans of some bases, as read, and the seen marks (shipmentId → waveId) of some shipments. */
export interface PlanSnapshot {
  plans: Map<string, { version: number; plan: BasePlan }>;
  seen: Map<string, string>;
}

/** One base's new plan, written only if its version is still `expected` and no joining shipment was placed meanwhile. */
export interface PlanWrite {
  base: string;
  expected: number;
  plan: BasePlan;
  joined: { member: WaveMember; waveId: string }[];
  /** Waves moved to the outbox, with their release time. */
  released: [waveId: string, releasedAt: number][];
}

/** What the compare-and-set loops need: the Redis store, or a model of it in the tests. */
export interface PlanStore {
  read(bases: string[], shipmentIds: string[]): Promise<PlanSnapshot>;
  /** Writes what passes the checks; returns the bases that conflicted. */
  compareAndSet(writes: PlanWrite[]): Promise<string[]>;
  /** Bases with a wave due at `now`, soonest first. */
  dueBases(now: number, limit: number): Promise<string[]>;
}

/**
 * Adds placed shipments: read the plans of their bases and their seen marks, apply the rules
 * (core.ts), write back by compare-and-set, re-read and re-apply the bases that changed meanwhile.
 * Returns how many shipments joined a wave (the others were seen before).
 */
export async function addShipments(store: PlanStore, items: Placed[], maxSize: number): Promise<number> {
  const byBase = new Map<string, Placed[]>();
  const ids = new Set<string>();
  for (const item of items) {
    // The same shipment twice in one batch: the first placement counts.
    if (ids.has(item.member.shipmentId)) continue;
    ids.add(item.member.shipmentId);
    byBase.set(item.placement.base, [...(byBase.get(item.placement.base) ?? []), item]);
  }
  let joined = 0;
  await casRounds(
    store,
    [...byBase.keys()],
    (bases) => bases.flatMap((b) => byBase.get(b)!.map((i) => i.member.shipmentId)),
    (base, { version, plan }, seen) => {
      const step = joinBase(plan, base, byBase.get(base)!, seen, maxSize);
      return step.joined.length === 0 ? null : { base, expected: version, plan: step.plan, joined: step.joined, released: [] };
    },
    (w) => {
      joined += w.joined.length;
    },
  );
  return joined;
}

/** Moves the waves due at `now` to the outbox, by compare-and-set like adding; returns how many. */
export async function releaseDue(store: PlanStore, now: number, limit = 1000): Promise<number> {
  let released = 0;
  for (;;) {
    const bases = await store.dueBases(now, limit);
    let chunk = 0;
    await casRounds(
      store,
      bases,
      () => [],
      (base, { version, plan }) => {
        const step = releaseBase(plan, base, now);
        return step.released.length === 0 ? null : { base, expected: version, plan: step.plan, joined: [], released: step.released.map((id) => [id, now]) };
      },
      (w) => {
        chunk += w.released.length;
      },
    );
    released += chunk;
    if (bases.length < limit || chunk === 0) return released;
  }
}

async function casRounds(
  store: PlanStore,
  bases: string[],
  shipmentsOf: (bases: string[]) => string[],
  apply: (base: string, read: { version: number; plan: BasePlan }, seen: ReadonlyMap<string, string>) => PlanWrite | null,
  written: (w: PlanWrite) => void,
): Promise<void> {
  let pending = bases;
  for (let round = 0; pending.length > 0; round++) {
    if (round === MAX_ROUNDS) throw new Error(`waves: ${pending.length} wave bases still contended after ${MAX_ROUNDS} rounds`);
    const snapshot = await store.read(pending, shipmentsOf(pending));
    const writes = pending.map((b) => apply(b, snapshot.plans.get(b)!, snapshot.seen)).filter((w): w is PlanWrite => w !== null);
    const conflicts = new Set(await store.compareAndSet(writes));
    for (const w of writes) if (!conflicts.has(w.base)) written(w);
    pending = [...conflicts];
  }
}

/**
 * The wave planner's state store, `{ns}:waves:*`: one versioned plan per wave base (`b:<base>`),
 * members per wave (`w:<waveId>`), seen marks (`s:<shipmentId>`), a due index of bases and the
 * outbox; written only through cas.lua. Optimistic versions, as in routing: zombie instances
 * after a rebalance and the release tick race on the same bases.
 */
export class RedisWaveStore implements PlanStore {
  readonly prefix: string;
  private readonly cas: LuaScript<string>;

  constructor(
    private readonly redis: Redis,
    namespace: string,
  ) {
    this.prefix = `{${namespace || 'omnistream'}}:waves:`;
    this.cas = luaScript(redis, 'omnistreamWavesCas', new URL('./cas.lua', import.meta.url));
  }

  /** Adds placed shipments; returns how many joined a wave. Two round trips per batch when nobody races. */
  add(items: Placed[], maxSize: number): Promise<number> {
    return addShipments(this, items, maxSize);
  }

  /** Moves the waves due at `now` to the outbox; returns how many. */
  release(now: number): Promise<number> {
    return releaseDue(this, now);
  }

  async read(bases: string[], shipmentIds: string[]): Promise<PlanSnapshot> {
    const pipeline = this.redis.pipeline();
    for (const b of bases) pipeline.hmget(`${this.prefix}b:${b}`, 'v', 's');
    if (shipmentIds.length > 0) pipeline.mget(...shipmentIds.map((id) => `${this.prefix}s:${id}`));
    const replies = (await pipeline.exec()) ?? [];
    const values = replies.map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const plans = new Map<string, { version: number; plan: BasePlan }>();
    bases.forEach((b, i) => {
      const [v, s] = values[i] as [string | null, string | null];
      plans.set(b, { version: Number(v ?? 0), plan: s ? (JSON.parse(s) as BasePlan) : EMPTY_BASE });
    });
    const seen = new Map<string, string>();
    const marks = (values[bases.length] ?? []) as (string | null)[];
    shipmentIds.forEach((id, i) => {
      if (marks[i] != null) seen.set(id, marks[i]!);
    });
    return { plans, seen };
  }

  async compareAndSet(writes: PlanWrite[]): Promise<string[]> {
    if (writes.length === 0) return [];
    const rows = writes.map((w) => [
      w.base,
      w.expected,
      JSON.stringify(w.plan),
      nextDueOf(w.plan) ?? -1,
      w.joined.map((j) => [j.member.shipmentId, j.waveId, JSON.stringify(j.member)]),
      w.released,
    ]);
    const raw = await this.cas(this.prefix, String(SEEN_TTL_MS), JSON.stringify(rows));
    const conflicts = JSON.parse(raw) as string[] | Record<string, never>;
    return Array.isArray(conflicts) ? conflicts : [];
  }

  async dueBases(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(`${this.prefix}due`, '-inf', now, 'LIMIT', 0, limit);
  }

  /** Released waves not yet published, oldest first, with their members. */
  async outbox(limit = 100): Promise<{ waveId: string; releasedAt: number; members: WaveMember[] }[]> {
    const flat = await this.redis.zrange(`${this.prefix}out`, 0, limit - 1, 'WITHSCORES');
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < flat.length; i += 2) pipeline.hvals(`${this.prefix}w:${flat[i]}`);
    const replies = flat.length === 0 ? [] : ((await pipeline.exec()) ?? []);
    return replies.map(([err, values], i) => {
      if (err) throw err;
      const members = (values as string[]).map((m) => JSON.parse(m) as WaveMember);
      members.sort((a, b) => (a.shipmentId < b.shipmentId ? -1 : a.shipmentId > b.shipmentId ? 1 : 0));
      return { waveId: flat[2 * i]!, releasedAt: Number(flat[2 * i + 1]), members };
    });
  }

  /** After a wave's events are durable: out of the outbox, kept a while for operations. */
  async published(waveIds: string[]): Promise<void> {
    if (waveIds.length === 0) return;
    const tx = this.redis.multi().zrem(`${this.prefix}out`, ...waveIds);
    for (const id of waveIds) tx.pexpire(`${this.prefix}w:${id}`, PUBLISHED_TTL_MS);
    await tx.exec();
  }

  /** The wave each shipment is in (null: not placed yet). */
  async wavesOf(shipmentIds: string[]): Promise<(string | null)[]> {
    if (shipmentIds.length === 0) return [];
    return this.redis.mget(...shipmentIds.map((id) => `${this.prefix}s:${id}`));
  }

  /** Waves not released yet, with their due times (tests, operations). */
  async openWaves(): Promise<Map<string, number>> {
    const bases = await this.redis.zrange(`${this.prefix}due`, 0, -1);
    const { plans } = await this.read(bases, []);
    const out = new Map<string, number>();
    for (const [base, { plan }] of plans) for (const w of plan.waves) out.set(waveIdOf(base, w.generation), w.dueAt);
    return out;
  }
}
