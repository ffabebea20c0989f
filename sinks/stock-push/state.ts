import type { Redis } from 'ioredis';
import { type LuaScript, luaScript } from '../../lib/lua-script.js';
import type { StockTarget } from '../../topics/schemas/stock-target.js';
import type { Pushed } from './plan.js';

/** Sell-outs sort ahead of every other pending listing (scores are ms; this is ~300 years). */
const SELL_OUT_AHEAD = 1e13;

/** A listing's wanted state as stored (the newest target seen). */
export interface StoredWant {
  listingKey: string;
  channel: string;
  shopId: string;
  itemId: string;
  skuId: string;
  seq: number;
  target: number;
  hubSold: number;
  sellOut: boolean;
  computedAt: number;
}

/**
 * The push sink's Redis state, `{ns}:stockpush:`. Targets are stored here before their offsets are
 * committed, so a crash loses no pending push: on start, every shop with pending listings resumes.
 */
export class StockPushState {
  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
  ) {
    this.lua = luaScript(redis, 'omnistreamStockPush', new URL('./state.lua', import.meta.url));
  }

  private readonly lua: LuaScript;

  /** Stores the target if newer; true if it is now pending. */
  async want(t: StockTarget): Promise<boolean> {
    const shopKey = `${t.channel}:${t.shopId}`;
    const score = t.sellOut ? t.computedAt - SELL_OUT_AHEAD : t.computedAt;
    const fields = {
      channel: t.channel,
      shopId: t.shopId,
      itemId: t.itemId,
      skuId: t.skuId,
      target: t.target,
      hubSold: t.hubSold,
      sellOut: t.sellOut ? 1 : 0,
      computedAt: t.computedAt,
    };
    return (await this.lua('want', this.prefix, t.listingKey, shopKey, t.seq, score, JSON.stringify(fields))) === 1;
  }

  /** Up to `limit` pending listings of a shop, sell-outs first, then the oldest. */
  async pending(shopKey: string, limit: number): Promise<string[]> {
    return this.redis.zrange(`${this.prefix}pending:${shopKey}`, 0, limit - 1);
  }

  async pendingCount(shopKey: string): Promise<number> {
    return this.redis.zcard(`${this.prefix}pending:${shopKey}`);
  }

  async shops(): Promise<string[]> {
    return this.redis.smembers(`${this.prefix}shops`);
  }

  async read(listingKey: string): Promise<{ want: StoredWant | null; pushed: Pushed | null; failedSeq: number }> {
    const [w, d] = await Promise.all([this.redis.hgetall(`${this.prefix}want:${listingKey}`), this.redis.hgetall(`${this.prefix}done:${listingKey}`)]);
    const want: StoredWant | null = w.seq
      ? {
          listingKey,
          channel: w.channel!,
          shopId: w.shopId!,
          itemId: w.itemId!,
          skuId: w.skuId!,
          seq: Number(w.seq),
          target: Number(w.target),
          hubSold: Number(w.hubSold),
          sellOut: w.sellOut === '1',
          computedAt: Number(w.computedAt),
        }
      : null;
    const pushed: Pushed | null = d.seq ? { seq: Number(d.seq), target: Number(d.target), hubSold: Number(d.sold), baselined: d.baselined === '1' } : null;
    return { want, pushed, failedSeq: Number(d.failedSeq ?? 0) };
  }

  async done(want: StoredWant, applied: { target: number; hubSold: number }): Promise<void> {
    await this.lua('done', this.prefix, want.listingKey, `${want.channel}:${want.shopId}`, want.seq, applied.target, applied.hubSold);
  }

  async giveUp(want: StoredWant): Promise<void> {
    await this.lua('giveup', this.prefix, want.listingKey, `${want.channel}:${want.shopId}`, want.seq);
  }
}
