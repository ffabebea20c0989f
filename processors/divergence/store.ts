import type { Redis } from 'ioredis';
import { type LuaScript, luaScript } from '../../lib/lua-script.js';
import type { DivergenceEvent } from '../../topics/schemas/divergence-event.js';
import type { Emitted } from './core.js';
import type { Fact } from './facts.js';

/** An order's facts and outputs are kept this long after its last news (a stale open divergence too). */
export const ORDER_TTL_SECONDS = 90 * 24 * 3600;
/** The divergence log (for reports) is kept per day, this long; Postgres keeps every divergence. */
export const LOG_TTL_SECONDS = 35 * 24 * 3600;

/** Something to publish, kept in the outbox from its claim until it is durably written. */
export interface OutboxEntry {
  id: string;
  topic: 'divergences' | 'channelCommands' | 'warehouseCommands';
  key: string;
  value: unknown;
  /** When it was claimed (ms): entries left behind by a crash are published again later. */
  claimedAt: number;
}

export interface OrderState {
  facts: Fact[];
  emitted: Emitted;
  /** Facts this call added (not seen before). */
  added: Fact[];
}

/** Output to claim: `open` '+' counts an open divergence, '-' uncounts it. */
export interface Claim {
  entry: OutboxEntry;
  record: string;
  divergence: DivergenceEvent | null;
  open: '+' | '-' | '';
}

/** The divergence state store: {ns}:div:* in Redis (see topology.ts). */
export class RedisDivergenceStore {
  readonly prefix: string;
  private readonly commitScript: LuaScript<number | string[]>;

  constructor(
    private readonly redis: Redis,
    namespace: string,
  ) {
    this.prefix = `{${namespace || 'omnistream'}}:div:`;
    this.commitScript = luaScript(redis, 'omnistreamDivergenceCommit', new URL('./commit.lua', import.meta.url));
  }

  /** Adds facts (a known id is left as it was) and reads the order's whole state, atomically. */
  async load(orderKey: string, facts: Fact[] = []): Promise<OrderState> {
    const multi = this.redis.multi();
    for (const f of facts) multi.hsetnx(`${this.prefix}f:${orderKey}`, f.id, JSON.stringify(f));
    multi.hgetall(`${this.prefix}f:${orderKey}`).hgetall(`${this.prefix}e:${orderKey}`);
    if (facts.length > 0) multi.expire(`${this.prefix}f:${orderKey}`, ORDER_TTL_SECONDS);
    const res = (await multi.exec())!;
    for (const [err] of res) if (err) throw err;
    const added = facts.filter((_, i) => res[i]![1] === 1);
    const all = Object.values(res[facts.length]![1] as Record<string, string>).map((s) => JSON.parse(s) as Fact);
    const emittedRaw = res[facts.length + 1]![1] as Record<string, string>;
    const events = Object.values(emittedRaw)
      .filter((s) => s.startsWith('{'))
      .map((s) => JSON.parse(s) as DivergenceEvent);
    return { facts: all, emitted: { events, ids: new Set(Object.keys(emittedRaw)) }, added };
  }

  /**
   * Claims outputs not claimed before (into the outbox) and sets the order's due time, only if the
   * order still has `factCount` facts. Returns the claimed ids, or null: re-evaluate, facts changed.
   */
  async commit(orderKey: string, factCount: number, deadline: number | null, claims: Claim[]): Promise<Set<string> | null> {
    const args: (string | number)[] = [
      this.prefix,
      orderKey,
      factCount,
      deadline === null ? '' : Math.ceil(deadline),
      ORDER_TTL_SECONDS,
      this.logKey(Date.now()),
      LOG_TTL_SECONDS,
    ];
    for (const c of claims) {
      const d = c.divergence;
      args.push(c.entry.id, c.record, JSON.stringify(c.entry), d ? '1' : '0', c.open, d ? `${d.type}|${d.channel}` : '');
    }
    const res = await this.commitScript(...args);
    return res === -1 ? null : new Set(res as string[]);
  }

  async done(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.hdel(`${this.prefix}outbox`, ...ids);
  }

  /** Outbox entries claimed before `before`: left by a crash between claim and publish. */
  async leftovers(before: number): Promise<OutboxEntry[]> {
    const all = Object.values(await this.redis.hgetall(`${this.prefix}outbox`)).map((s) => JSON.parse(s) as OutboxEntry);
    return all.filter((e) => e.claimedAt < before);
  }

  async dueOrders(now: number, limit = 500): Promise<string[]> {
    return this.redis.zrangebyscore(`${this.prefix}due`, '-inf', now, 'LIMIT', 0, limit);
  }

  /** Open divergences: divergenceId → "type|channel". */
  async open(): Promise<Record<string, string>> {
    return this.redis.hgetall(`${this.prefix}open`);
  }

  /** The log bucket of the (UTC) day: a report needs recent divergences; Postgres keeps them all. */
  private logKey(now: number): string {
    return `${this.prefix}log:${new Date(now).toISOString().slice(0, 10)}`;
  }

  /** Every divergence event written in the last LOG_TTL_SECONDS (reports). */
  async log(): Promise<DivergenceEvent[]> {
    const keys: string[] = [];
    for (let cursor = '0'; ; ) {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}log:*`, 'COUNT', 1000);
      keys.push(...found);
      if (next === '0') break;
      cursor = next;
    }
    const out: DivergenceEvent[] = [];
    for (const key of keys.sort()) out.push(...Object.values(await this.redis.hgetall(key)).map((s) => JSON.parse(s) as DivergenceEvent));
    return out;
  }
}
