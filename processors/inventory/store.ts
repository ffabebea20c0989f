import type { Redis } from 'ioredis';
import { type LuaScript, luaScript } from '../../lib/lua-script.js';
import type { InventoryCommand, ListingComponents } from './commands.js';
import { DEFAULT_LOW_STOCK_THRESHOLD, type HeldLine, type StockRecord } from './core.js';
import type { CommandResult, Decision, HoldState, Reason } from './decision.js';

/** The inventory state store: Redis, changed only through reserve.lua, one atomic call per batch. */
export class RedisInventoryStore {
  /** `{namespace}:inv:` — the hash tag keeps every key of one namespace in one cluster slot. */
  readonly prefix: string;
  private readonly reserve: LuaScript<string>;

  constructor(
    private readonly redis: Redis,
    namespace: string,
  ) {
    this.prefix = `{${namespace || 'omnistream'}}:inv:`;
    this.reserve = luaScript(redis, 'omnistreamReserve', new URL('./reserve.lua', import.meta.url));
  }

  /** Keeps (or, deleted, forgets) what a listing is made of, for expanding its order lines. */
  async putListing(listingKey: string, components: ListingComponents | null): Promise<void> {
    if (components) await this.redis.set(`${this.prefix}listing:${listingKey}`, JSON.stringify(components));
    else await this.redis.del(`${this.prefix}listing:${listingKey}`);
  }

  /** The components of these listings, where mapped; one round trip. */
  async listings(listingKeys: readonly string[]): Promise<Map<string, ListingComponents>> {
    const out = new Map<string, ListingComponents>();
    if (listingKeys.length === 0) return out;
    const found = await this.redis.mget(...listingKeys.map((k) => `${this.prefix}listing:${k}`));
    for (const [i, text] of found.entries()) if (text) out.set(listingKeys[i]!, JSON.parse(text) as ListingComponents);
    return out;
  }

  async apply(cmds: InventoryCommand[]): Promise<CommandResult[]> {
    if (cmds.length === 0) return [];
    const raw = await this.reserve(this.prefix, JSON.stringify(cmds));
    return (JSON.parse(raw) as RawResult[]).map((r) => ({
      id: r.id,
      replayed: r.replayed,
      decisions: asArray(r.decisions).map(normalizeDecision),
    }));
  }

  async levels(sku: string, warehouse: string): Promise<StockRecord> {
    const [p, l, r, s, q, t, a, v] = await this.redis.hmget(`${this.prefix}s:${sku}@${warehouse}`, 'p', 'l', 'r', 's', 'q', 't', 'a', 'v');
    return {
      physical: Number(p ?? 0),
      locked: Number(l ?? 0),
      reserved: Number(r ?? 0),
      safety: Number(s ?? 0),
      presaleQuota: Number(q ?? 0),
      threshold: t === null ? DEFAULT_LOW_STOCK_THRESHOLD : Number(t),
      alerted: a === '1',
      version: Number(v ?? 0),
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

  /** The holds of some orders as stored (null: never held): tests, operations. */
  async holds(orderKeys: string[]): Promise<Map<string, StoredHold | null>> {
    const pipeline = this.redis.pipeline();
    for (const k of orderKeys) pipeline.hmget(`${this.prefix}h:${k}`, 'st', 'ps', 'ln', 'pt', 'mt');
    const replies = (await pipeline.exec()) ?? [];
    return new Map(
      orderKeys.map((k, i) => {
        const [err, value] = replies[i] ?? [new Error('no reply'), null];
        if (err) throw err;
        const [st, ps, ln, pt, mt] = value as [string | null, string | null, string | null, string | null, string | null];
        return [
          k,
          st === null ? null : { state: st as HoldState, presale: ps === '1', lines: ln ? asArray(JSON.parse(ln) as HeldLine[]) : [], pending: pt, meta: mt },
        ];
      }),
    );
  }
}

/** A hold as reserve.lua keeps it; fields it has no use for in that state may be stale or missing. */
export interface StoredHold {
  state: HoldState;
  presale: boolean;
  lines: HeldLine[];
  /** PENDING only: how far the order got. */
  pending: string | null;
  /** Only for an unpaid lock that can expire. */
  meta: string | null;
}

/** reserve.lua writes each decision as an array in this order (smaller and faster than an object). */
export const DECISION_FIELDS = [
  'kind',
  'sku',
  'warehouse',
  'quantity',
  'reason',
  'physical',
  'locked',
  'reserved',
  'safety',
  'presaleQuota',
  'version',
] as const;

type RawDecision = (string | number | Reason | null)[] | Partial<Decision>;

interface RawResult {
  id: string;
  replayed: boolean;
  decisions: RawDecision[] | Record<string, never>;
}

/** Lua's cjson writes an empty table as {} and may omit nulls. */
function asArray<T>(v: T[] | Record<string, never>): T[] {
  return Array.isArray(v) ? v : [];
}

/** Positional decisions; objects are decisions stored by an earlier version (missing later fields, reasons as text). */
function normalizeDecision(raw: RawDecision): Decision {
  const d = (Array.isArray(raw) ? Object.fromEntries(DECISION_FIELDS.map((f, i) => [f, raw[i]])) : raw) as Omit<Partial<Decision>, 'reason'> & {
    reason?: Reason | string | null;
  };
  const reason: Reason | null = typeof d.reason === 'string' ? ['text', d.reason] : (d.reason ?? null);
  return { ...(d as Decision), reason, presaleQuota: d.presaleQuota ?? 0 };
}
