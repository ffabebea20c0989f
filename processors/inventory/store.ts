import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { InventoryCommand } from './commands.js';
import type { CommandResult, Decision, HoldState } from './decision.js';
import { DEFAULT_LOW_STOCK_THRESHOLD, type StockRecord } from './core.js';

const RESERVE_LUA = readFileSync(new URL('./reserve.lua', import.meta.url), 'utf8');

/** The inventory state store: Redis, changed only through reserve.lua, one atomic call per batch. */
export class RedisInventoryStore {
  /** `{namespace}:inv:` — the hash tag keeps every key of one namespace in one cluster slot. */
  readonly prefix: string;

  constructor(private readonly redis: Redis, namespace: string) {
    this.prefix = `{${namespace || 'omnistream'}}:inv:`;
    if (!('omnistreamReserve' in redis)) redis.defineCommand('omnistreamReserve', { numberOfKeys: 0, lua: RESERVE_LUA });
  }

  async apply(cmds: InventoryCommand[]): Promise<CommandResult[]> {
    if (cmds.length === 0) return [];
    const raw = await (this.redis as unknown as ReserveCommand).omnistreamReserve(this.prefix, JSON.stringify(cmds));
    return (JSON.parse(raw) as RawResult[]).map((r) => ({
      id: r.id, replayed: r.replayed, decisions: asArray(r.decisions).map(normalizeDecision),
    }));
  }

  async levels(sku: string, warehouse: string): Promise<StockRecord> {
    const [p, l, r, s, q, t, a, v] = await this.redis.hmget(`${this.prefix}s:${sku}@${warehouse}`, 'p', 'l', 'r', 's', 'q', 't', 'a', 'v');
    return {
      physical: Number(p ?? 0), locked: Number(l ?? 0), reserved: Number(r ?? 0), safety: Number(s ?? 0), presaleQuota: Number(q ?? 0),
      threshold: t === null ? DEFAULT_LOW_STOCK_THRESHOLD : Number(t), alerted: a === '1', version: Number(v ?? 0),
    };
  }

  /** Unpaid locks due at `now`, soonest first, with their deadlines. */
  async dueTimers(now: number, limit = 500): Promise<[orderKey: string, expiresAt: number][]> {
    const flat = await this.redis.zrangebyscore(`${this.prefix}timers`, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
    const out: [string, number][] = [];
    for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, Number(flat[i + 1])]);
    return out;
  }

  /** After an expiry was published: see core.clearTimer. */
  async clearTimer(orderKey: string): Promise<void> {
    await this.redis.zrem(`${this.prefix}timers`, orderKey);
  }

  /** A short lease so that, of several processor instances, one runs a timer tick. */
  async lease(name: string, ms: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}lease:${name}`, '1', 'PX', ms, 'NX')) === 'OK';
  }

  /** Every pending unpaid-lock timer (tests, operations). */
  async timers(): Promise<Map<string, number>> {
    const flat = await this.redis.zrange(`${this.prefix}timers`, 0, -1, 'WITHSCORES');
    const out = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) out.set(flat[i]!, Number(flat[i + 1]));
    return out;
  }

  /** The order header stored with a hold (see OrderCommand.meta). */
  async holdMeta(orderKey: string): Promise<string | null> {
    return this.redis.hget(`${this.prefix}h:${orderKey}`, 'mt');
  }

  async holdState(orderKey: string): Promise<HoldState | null> {
    return (await this.redis.hget(`${this.prefix}h:${orderKey}`, 'st')) as HoldState | null;
  }
}

interface ReserveCommand {
  omnistreamReserve(prefix: string, cmdsJson: string): Promise<string>;
}

/** reserve.lua writes each decision as an array in this order (smaller and faster than an object). */
export const DECISION_FIELDS = ['kind', 'sku', 'warehouse', 'quantity', 'reason', 'physical', 'locked', 'reserved', 'safety', 'presaleQuota', 'version'] as const;

type RawDecision = (string | number | null)[] | Partial<Decision>;

interface RawResult {
  id: string;
  replayed: boolean;
  decisions: RawDecision[] | Record<string, never>;
}

/** Lua's cjson writes an empty table as {} and may omit nulls. */
function asArray<T>(v: T[] | Record<string, never>): T[] {
  return Array.isArray(v) ? v : [];
}

/** Positional decisions; objects are decisions stored by an earlier version (missing later fields). */
function normalizeDecision(raw: RawDecision): Decision {
  const d = (Array.isArray(raw) ? Object.fromEntries(DECISION_FIELDS.map((f, i) => [f, raw[i]])) : raw) as Partial<Decision>;
  return { ...(d as Decision), reason: d.reason ?? null, presaleQuota: d.presaleQuota ?? 0 };
}
