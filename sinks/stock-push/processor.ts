import type { AnyChannelConnector } from '../../connectors/contract.js';
import { type ShopDirectory, shopsEnv, shopsOf } from '../../connectors/gateway/shops.js';
import { CONNECTORS } from '../../connectors/registry.js';
import { defineProcessor } from '../../lib/processor/definition.js';
import { RateBudget } from './budget.js';
import { ShopPusher, type ShopPusherDeps } from './pusher.js';
import { StockPushState } from './state.js';

export interface StockPushOptions {
  shops: ShopDirectory;
  connectors?: Readonly<Record<string, AnyChannelConnector>>;
  now?: () => number;
  /** Pusher settings for every shop (tests shorten the backoff). */
  pusher?: Pick<ShopPusherDeps, 'concurrency' | 'retry' | 'reassertRounds'>;
}

/**
 * Listing targets → each shop's stock API. A target is stored in Redis (newest per listing) before
 * its offset is committed, so coalescing across batches loses nothing on a crash; one pusher per
 * shop drains the pending listings, sell-outs first, within the shop's documented rate budget.
 */
export const stockPush = defineProcessor({
  name: 'stock-push',
  kind: 'sink',
  summary: "listing targets pushed through each channel's stock API: newest per listing, sell-outs first, within rate budgets, read back",
  inputs: { stockTargets: 'keeps the newest target per listing as pending for its shop' },
  outputs: { stockPushes: 'writes every stock call (set, increment, compare-and-set, read-back) and its result' },
  stores: [{ prefix: 'stockpush', kind: 'redis', holds: 'newest target per listing, last applied push per listing, pending listings per shop' }],
  env: shopsEnv,
  options: (env, given): StockPushOptions => ({ shops: shopsOf(env, given), now: typeof given.now === 'function' ? (given.now as () => number) : undefined }),
  async start(ctx, opts: StockPushOptions) {
    const connectors = opts.connectors ?? CONNECTORS;
    const state = new StockPushState(ctx.redis, ctx.store('stockpush'));
    const pushers = new Map<string, ShopPusher>();
    const warned = new Set<string>();

    function pusherOf(channel: string, shopId: string): ShopPusher | null {
      const shopKey = `${channel}:${shopId}`;
      const existing = pushers.get(shopKey);
      if (existing) return existing;
      const shop = opts.shops.get(channel, shopId);
      const api = connectors[channel]?.stock;
      if (!shop || !api) {
        if (!warned.has(shopKey))
          ctx.log.warn(
            { shopKey, configured: Boolean(shop), stockApi: Boolean(api) },
            'listing targets for a shop without a stock API or configuration: not pushed',
          );
        warned.add(shopKey);
        return null;
      }
      const pusher = new ShopPusher({
        shop,
        api,
        state,
        budget: new RateBudget(api.rateLimit, opts.now),
        record: (push) => ctx.publish('stockPushes', [{ key: push.listingKey, value: push }]),
        log: ctx.log,
        now: opts.now,
        ...opts.pusher,
      });
      pushers.set(shopKey, pusher);
      pusher.start();
      return pusher;
    }

    // Shops left with pending listings by an earlier run resume first.
    for (const shopKey of await state.shops()) {
      const [channel, ...rest] = shopKey.split(':');
      pusherOf(channel!, rest.join(':'));
    }
    ctx.onStop(async () => {
      await Promise.all([...pushers.values()].map((p) => p.stop()));
    });

    await ctx.consume(async (records) => {
      const woken = new Set<ShopPusher>();
      for (const r of records) {
        const t = r.value;
        if (!(await state.want(t))) continue;
        const pusher = pusherOf(t.channel, t.shopId);
        if (pusher) woken.add(pusher);
      }
      for (const p of woken) p.wake();
    });

    return {
      /** Whether every shop's pushes are done (tests, the bench, the demo). */
      idle: async () => (await Promise.all([...pushers.values()].map((p) => p.idle()))).every(Boolean),
    };
  },
});
