import type { Redis } from 'ioredis';
import { type LuaScript, luaScript } from '../../lib/lua-script.js';
import { EMPTY_ROUTE, type RouteState } from './core.js';

/** Join states are kept this long after their last change: long after any order is routed or dead. */
const STATE_TTL_MS = 30 * 24 * 3600 * 1000;

export interface VersionedState {
  version: number;
  state: RouteState;
}

/**
 * The router's state store: one hash per order, `{ns}:route:o:<orderKey>` (v: version, s: JSON
 * state). Writes are compare-and-set in Lua: one order's inputs arrive on several partitions at
 * once, and optimistic versions need no dedicated connection per partition (WATCH would).
 */
export class RedisRouteStore {
  readonly prefix: string;
  private readonly cas: LuaScript<string>;

  constructor(
    private readonly redis: Redis,
    namespace: string,
  ) {
    this.prefix = `{${namespace || 'omnistream'}}:route:`;
    this.cas = luaScript(redis, 'omnistreamRouteCas', new URL('./cas.lua', import.meta.url));
  }

  async read(orderKeys: string[]): Promise<Map<string, VersionedState>> {
    const pipeline = this.redis.pipeline();
    for (const k of orderKeys) pipeline.hmget(`${this.prefix}o:${k}`, 'v', 's');
    const replies = (await pipeline.exec()) ?? [];
    const out = new Map<string, VersionedState>();
    orderKeys.forEach((k, i) => {
      const [err, value] = replies[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      const [v, s] = value as [string | null, string | null];
      out.set(k, { version: Number(v ?? 0), state: s ? (JSON.parse(s) as RouteState) : EMPTY_ROUTE });
    });
    return out;
  }

  /** Writes each state whose version is unchanged; returns the order keys that changed meanwhile. */
  async compareAndSet(writes: { orderKey: string; expected: number; state: RouteState }[]): Promise<string[]> {
    if (writes.length === 0) return [];
    const raw = await this.cas(this.prefix, String(STATE_TTL_MS), JSON.stringify(writes.map((w) => [w.orderKey, w.expected, JSON.stringify(w.state)])));
    const conflicts = JSON.parse(raw) as string[] | Record<string, never>;
    return Array.isArray(conflicts) ? conflicts : [];
  }
}
