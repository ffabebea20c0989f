import type { Redis } from 'ioredis';
import { type LuaScript, luaScript } from '../../lib/lua-script.js';
import type { ListingComponent, ListingMapping } from '../../topics/schemas/listing-mapping.js';
import { DEFAULT_POLICY, policyFromJson, type StockPolicy } from './policy.js';
import type { SkuLevels } from './target.js';

/** Per-order counting is kept this long: far past any cancellation of the order. */
const COUNTED_TTL_MS = 45 * 24 * 3600 * 1000;

/** Everything a set of listings' targets is computed from, read in one MULTI at generation `gen`. */
export interface Snapshot {
  gen: number;
  mappings: Map<string, ListingMapping>;
  policies: Map<string, StockPolicy>;
  levels: Map<string, SkuLevels>;
  hubSold: Map<string, number>;
  /** Units each shop took of each SKU, by order time: shopKey → sku → [at, quantity][]. */
  taken: Map<string, Map<string, [number, number][]>>;
}

export interface StoredTarget {
  /** -1: a target computed from a later snapshot is stored already. */
  seq: number;
  published: number;
  previous: number;
  changed: boolean;
}

const shopKeyOfListing = (m: ListingMapping) => `${m.channel}:${m.shopId}`;

/**
 * Stock sync's state in Redis, under `{ns}:stock:`: available per SKU × warehouse (lv, lvv), the
 * mappings (map, bysku, byshop), the policies (pol, with the shops that have allocations in
 * `alloc`), the units each listing's channel took for orders the hub has seen (sold, counted),
 * what allocation owners took (taken), and each listing's last target (t).
 */
/** What stock-sync learns of an order that decides whether it is paid and unfillable. */
export type OrderFact = { orderKey: string; fact: 'rejected'; why: string } | { orderKey: string; fact: 'paid' };

export class StockSyncStore {
  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
  ) {
    this.lua = luaScript(redis, 'omnistreamStockSync', new URL('./store.lua', import.meta.url));
  }

  private readonly lua: LuaScript;

  /** Applies each level if newer than the stored one; returns the SKUs that changed. */
  async applyLevels(levels: { sku: string; warehouse: string; available: number; version: number }[]): Promise<Set<string>> {
    const changed = new Set<string>();
    const replies = await Promise.all(levels.map((l) => this.lua('level', this.prefix, l.sku, l.warehouse, l.available, l.version)));
    replies.forEach((applied, i) => {
      if (applied === 1) changed.add(levels[i]!.sku);
    });
    return changed;
  }

  /** Records what an allocation owner took: once per order and SKU. */
  async recordTaken(shopKey: string, sku: string, orderKey: string, quantity: number, at: number): Promise<void> {
    await this.redis.zadd(`${this.prefix}taken:${shopKey}:${sku}`, 'NX', at, `${orderKey}|${quantity}`);
  }

  /** Inventory holds these SKUs for these orders (LOCKED or RESERVED); returns the listings whose count rose. */
  async acceptMany(accepted: { orderKey: string; sku: string }[]): Promise<string[]> {
    if (accepted.length === 0) return [];
    return (await this.lua('acceptMany', this.prefix, COUNTED_TTL_MS, ...accepted.flatMap((a) => [a.orderKey, a.sku]))) as string[];
  }

  /**
   * The units each channel took off its listings, counted per order line once inventory holds the
   * line's SKU (order and decision meet in either order). Returns the listings whose count rose.
   */
  async attributeMany(orders: { orderKey: string; lines: { listingKey: string; sku: string; quantity: number }[] }[]): Promise<string[]> {
    if (orders.length === 0) return [];
    const args = orders.flatMap((o) => [o.orderKey, o.lines.length, ...o.lines.flatMap((l) => [l.listingKey, l.sku, l.quantity])]);
    return (await this.lua('linesMany', this.prefix, COUNTED_TTL_MS, ...args)) as string[];
  }

  /** The mappings of these listings that have one; one round trip. */
  async mappings(listingKeys: string[]): Promise<Map<string, ListingMapping>> {
    const out = new Map<string, ListingMapping>();
    if (listingKeys.length === 0) return out;
    const found = await this.redis.mget(...listingKeys.map((k) => `${this.prefix}map:${k}`));
    for (const [i, text] of found.entries()) if (text) out.set(listingKeys[i]!, JSON.parse(text) as ListingMapping);
    return out;
  }

  /**
   * Records facts about orders (inventory rejected it, with why; its buyer paid), in one call per
   * batch; returns the orders now known to be paid and unfillable that are not yet reported, with why.
   */
  async unfillable(facts: readonly OrderFact[]): Promise<{ orderKey: string; why: string }[]> {
    if (facts.length === 0) return [];
    const args = facts.flatMap((f) => (f.fact === 'rejected' ? [f.orderKey, 'rejected', f.why] : [f.orderKey, 'paid', '1']));
    const reply = (await this.lua('unfillableMany', this.prefix, COUNTED_TTL_MS, ...args)) as string[];
    const out: { orderKey: string; why: string }[] = [];
    for (let i = 0; i < reply.length; i += 2) out.push({ orderKey: reply[i]!, why: reply[i + 1]! });
    return out;
  }

  /** The orders' exceptions (and commands) are published: a redelivery reports them no more. */
  async reported(orderKeys: readonly string[]): Promise<void> {
    if (orderKeys.length > 0) await this.lua('reportedMany', this.prefix, ...orderKeys);
  }

  /** The order was cancelled: its counted units go back; returns the listings touched. */
  async uncountSold(orderKey: string): Promise<string[]> {
    return (await this.lua('uncount', this.prefix, orderKey)) as string[];
  }

  async mapping(listingKey: string): Promise<ListingMapping | null> {
    const text = await this.redis.get(`${this.prefix}map:${listingKey}`);
    return text ? (JSON.parse(text) as ListingMapping) : null;
  }

  /** Stores (or, deleted, removes) a mapping and its indexes. */
  async putMapping(m: ListingMapping): Promise<void> {
    const old = await this.mapping(m.listingKey);
    const tx = this.redis.multi();
    for (const c of old?.components ?? []) tx.srem(`${this.prefix}bysku:${c.sku}`, m.listingKey);
    if (m.deleted) {
      tx.del(`${this.prefix}map:${m.listingKey}`);
      tx.srem(`${this.prefix}byshop:${shopKeyOfListing(m)}`, m.listingKey);
    } else {
      tx.set(`${this.prefix}map:${m.listingKey}`, JSON.stringify(m));
      for (const c of m.components) tx.sadd(`${this.prefix}bysku:${c.sku}`, m.listingKey);
      tx.sadd(`${this.prefix}byshop:${shopKeyOfListing(m)}`, m.listingKey);
    }
    tx.incr(`${this.prefix}gen`);
    await tx.exec();
  }

  async putPolicy(shopKey: string, policyJson: string | null, hasAllocations: boolean): Promise<void> {
    const tx = this.redis.multi();
    if (policyJson === null) tx.del(`${this.prefix}pol:${shopKey}`);
    else tx.set(`${this.prefix}pol:${shopKey}`, policyJson);
    if (hasAllocations) tx.sadd(`${this.prefix}alloc`, shopKey);
    else tx.srem(`${this.prefix}alloc`, shopKey);
    tx.incr(`${this.prefix}gen`);
    await tx.exec();
  }

  async bumpGeneration(): Promise<void> {
    await this.redis.incr(`${this.prefix}gen`);
  }

  async listingsOfSkus(skus: Iterable<string>): Promise<string[]> {
    const keys = [...skus].map((s) => `${this.prefix}bysku:${s}`);
    return keys.length === 0 ? [] : this.redis.sunion(...keys);
  }

  async listingsOfShop(shopKey: string): Promise<string[]> {
    return this.redis.smembers(`${this.prefix}byshop:${shopKey}`);
  }

  /** Shops whose policy has allocations (the timer checks their boundaries). */
  async shopsWithAllocations(): Promise<string[]> {
    return this.redis.smembers(`${this.prefix}alloc`);
  }

  async policy(shopKey: string): Promise<StockPolicy> {
    return parsePolicy(await this.redis.get(`${this.prefix}pol:${shopKey}`));
  }

  /**
   * One consistent view of what the listings' targets depend on. Read in two steps (which SKUs
   * and shops, then all of it with the generation in one MULTI); if a mapping changed between
   * the two, read again.
   */
  async snapshot(listingKeys: string[]): Promise<Snapshot> {
    for (;;) {
      const first = await this.redis.mget(...listingKeys.map((k) => `${this.prefix}map:${k}`));
      const mappings = new Map<string, ListingMapping>();
      first.forEach((text, i) => {
        if (text) mappings.set(listingKeys[i]!, JSON.parse(text) as ListingMapping);
      });
      // Allocations of every shop change what the others see: their policies are part of every snapshot.
      const shops = [...new Set([...[...mappings.values()].map(shopKeyOfListing), ...(await this.shopsWithAllocations())])];
      const policyTexts = shops.length === 0 ? [] : await this.redis.mget(...shops.map((s) => `${this.prefix}pol:${s}`));
      const policies = new Map(shops.map((s, i) => [s, parsePolicy(policyTexts[i] ?? null)]));
      const skus = [...new Set([...mappings.values()].flatMap((m) => m.components.map((c: ListingComponent) => c.sku)))];
      const allocated = [...policies].flatMap(([shop, p]) => [...new Set(p.allocations.map((a) => a.sku))].map((sku) => [shop, sku] as const));

      const tx = this.redis.multi();
      tx.get(`${this.prefix}gen`);
      tx.mget(...listingKeys.map((k) => `${this.prefix}map:${k}`));
      if (shops.length > 0) tx.mget(...shops.map((s) => `${this.prefix}pol:${s}`));
      for (const k of listingKeys) tx.get(`${this.prefix}sold:${k}`);
      for (const sku of skus) tx.hgetall(`${this.prefix}lv:${sku}`);
      for (const [shop, sku] of allocated) tx.zrange(`${this.prefix}taken:${shop}:${sku}`, 0, -1, 'WITHSCORES');
      const replies = ((await tx.exec()) ?? []).map(([err, value]) => {
        if (err) throw err;
        return value;
      });
      let i = 0;
      const gen = Number(replies[i++] ?? 0);
      const again = replies[i++] as (string | null)[];
      if (again.some((text, j) => text !== first[j])) continue;
      if (shops.length > 0) {
        const policiesAgain = replies[i++] as (string | null)[];
        if (policiesAgain.some((text, j) => text !== (policyTexts[j] ?? null))) continue;
      }
      const hubSold = new Map<string, number>();
      for (const k of listingKeys) hubSold.set(k, Number(replies[i++] ?? 0));
      const levels = new Map<string, SkuLevels>();
      for (const sku of skus) {
        const byWarehouse = replies[i++] as Record<string, string>;
        levels.set(sku, new Map(Object.entries(byWarehouse).map(([w, a]) => [w, Number(a)])));
      }
      const taken = new Map<string, Map<string, [number, number][]>>();
      for (const [shop, sku] of allocated) {
        const flat = replies[i++] as string[];
        const entries: [number, number][] = [];
        for (let j = 0; j < flat.length; j += 2) entries.push([Number(flat[j + 1]), Number(flat[j]!.slice(flat[j]!.lastIndexOf('|') + 1))]);
        if (!taken.has(shop)) taken.set(shop, new Map());
        taken.get(shop)!.set(sku, entries);
      }
      return { gen, mappings, policies, levels, hubSold, taken };
    }
  }

  async storeTarget(listingKey: string, gen: number, target: number, hubSold: number, at: number): Promise<StoredTarget> {
    const [seq, published, previous, changed] = (await this.lua('target', this.prefix, listingKey, gen, target, hubSold, at)) as number[];
    return { seq: seq!, published: published!, previous: previous!, changed: changed === 1 };
  }

  async markPublished(listingKey: string, seq: number): Promise<void> {
    await this.lua('published', this.prefix, listingKey, seq);
  }
}

function parsePolicy(text: string | null): StockPolicy {
  if (text === null) return DEFAULT_POLICY;
  const parsed = policyFromJson(text);
  // Policies are checked before they are stored; a stored one that no longer parses is a bug, not input.
  if (!parsed.ok) throw new Error(`stock-sync: stored policy does not parse: ${parsed.reason}`);
  return parsed.policy;
}
