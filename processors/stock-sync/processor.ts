import type { DecodedOf } from '../../lib/batch-consumer.js';
import { defineProcessor } from '../../lib/processor/definition.js';
import type { KeyedRecord } from '../../lib/publish.js';
import { TOPICS } from '../../topics/catalog.js';
import { type ChannelCommand, cancelUnfillableCommand } from '../../topics/schemas/channel-command.js';
import { type HubException, paidUnfillableId } from '../../topics/schemas/hub-exception.js';
import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import type { ListingMapping } from '../../topics/schemas/listing-mapping.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import type { StockTarget } from '../../topics/schemas/stock-target.js';
import { listingsOfOrder, shopKeyOfOrder } from './lines.js';
import { policyFromJson, type StockPolicy } from './policy.js';
import { type OrderFact, StockSyncStore } from './store.js';
import { heldAllocations, targetOf } from './target.js';

/** What one batch writes, and the shops' policies it read (once per shop and batch). */
interface Batch {
  /** Rejections and payments: together they name the paid orders the hub cannot fill. */
  facts: OrderFact[];
  exceptions: KeyedRecord<HubException>[];
  cancels: KeyedRecord<ChannelCommand>[];
  autoMapped: KeyedRecord<ListingMapping>[];
  policyOf(shopKey: string): Promise<StockPolicy>;
}

const stockSyncInputs = {
  inventoryEvents: 'keeps available stock per SKU × warehouse; which order lines it holds stock for, and what allocation owners took',
  orderEvents: 'counts the units each channel took off its listings for orders the hub holds stock for (given back on cancellation)',
  listingMappings: 'keeps which merchant SKUs each listing sells',
  stockPolicies: "keeps each shop's stock policy",
} as const;

export interface StockSyncOptions {
  /** The clock allocations are judged by (epoch ms); tests drive it. */
  now?: () => number;
}

/** Order states in which the buyer has paid. */
const PAID = new Set(['PAID', 'ALLOCATED', 'PICKED', 'SHIPPED', 'DELIVERED', 'COMPLETED']);
/** Order states after which the channel has taken the units off the listing (and has not given them back). */
const SOLD = new Set(['CREATED', ...PAID]);
/** Holds that count against an allocation owner's exclusive units. */
const TAKES = new Set(['LOCKED', 'RESERVED']);

/**
 * Each listing's target quantity, from inventory's levels, the mappings and the shops' policies
 * (target.ts), stored with the generation of the snapshot it was computed from so a slower,
 * older computation never overwrites a newer one; published when it changed (and republished
 * after a crash between storing and publishing).
 */
export const stockSyncProcessor = defineProcessor({
  name: 'stock-sync',
  kind: 'processor',
  summary: "every listing's target stock from inventory levels, listing mappings and shop policies; sell-outs flagged",
  inputs: stockSyncInputs,
  // The channels' own sales are counted apart: in a flash sale they are a flood, and a sell-out
  // (inventory-events) must never wait for the consumer to get through them.
  lanes: { bookkeeping: ['orderEvents'] },
  outputs: {
    stockTargets: 'writes a listing’s target whenever it changes (sellOut when it falls to 0)',
    listingMappings: 'writes mappings matched by merchant code for listings first seen on an order',
    hubExceptions: 'writes UNMAPPED_LINE for order lines that name no listing, PAID_UNFILLABLE for paid orders inventory rejected',
    channelCommands: "writes CANCEL_UNFILLABLE for a paid order inventory rejected, when the shop's policy cancels such orders",
  },
  stores: [{ prefix: 'stock', kind: 'redis', holds: 'levels, mappings, policies, units sold per listing and last target per listing' }],
  timers: [{ name: 'allocations', every: 'every second', does: 'recomputes the listings of SKUs whose allocation started or ended' }],
  options: (_env, given): StockSyncOptions => ({ now: typeof given.now === 'function' ? (given.now as () => number) : undefined }),
  async start(ctx, opts: StockSyncOptions) {
    const now = opts.now ?? Date.now;
    const store = new StockSyncStore(ctx.redis, ctx.store('stock'));

    async function recompute(listingKeys: Iterable<string>): Promise<void> {
      const keys = [...new Set(listingKeys)];
      for (let i = 0; i < keys.length; i += 500) await recomputeChunk(keys.slice(i, i + 500));
    }

    async function recomputeChunk(keys: string[]): Promise<void> {
      if (keys.length === 0) return;
      const snap = await store.snapshot(keys);
      const at = now();
      const allocations = [...snap.policies].flatMap(([owner, p]) =>
        heldAllocations(owner, p, at, (sku, since) => (snap.taken.get(owner)?.get(sku) ?? []).reduce((sum, [t, q]) => (t >= since ? sum + q : sum), 0)),
      );
      const computed = await Promise.all(
        keys.map(async (listingKey): Promise<KeyedRecord<StockTarget> | null> => {
          const mapping = snap.mappings.get(listingKey);
          if (!mapping) return null;
          const shopKey = `${mapping.channel}:${mapping.shopId}`;
          const target = targetOf({ shopKey, components: mapping.components, policy: snap.policies.get(shopKey)!, levels: snap.levels, allocations });
          const hubSold = snap.hubSold.get(listingKey) ?? 0;
          const stored = await store.storeTarget(listingKey, snap.gen, target, hubSold, at);
          if (stored.seq < 0 || stored.seq <= stored.published) return null;
          const { channel, shopId, itemId, skuId } = mapping;
          const value = {
            listingKey,
            channel,
            shopId,
            itemId,
            skuId,
            target,
            hubSold,
            seq: stored.seq,
            sellOut: target === 0 && stored.previous !== 0,
            computedAt: at,
          };
          return { key: listingKey, value };
        }),
      );
      const out = computed.filter((r) => r !== null);
      if (out.length === 0) return;
      await ctx.publish('stockTargets', out);
      await Promise.all(out.map((r) => store.markPublished(r.value.listingKey, r.value.seq)));
    }

    /**
     * A paid order the hub cannot fill: on the exception queue with the reason, and, where the
     * shop's policy cancels such orders, a CANCEL_UNFILLABLE for sync-back to tell the channel.
     */
    async function unfillable(orderKey: string, reason: string, batch: Batch): Promise<void> {
      const shopKey = shopKeyOfOrder(orderKey);
      const [channel, shopId] = shopKey.split(':') as [string, string];
      const cancel = (await batch.policyOf(shopKey)).onUnfillable === 'CANCEL';
      const why = `paid, but the hub cannot fill it (${reason})`;
      const at = now();
      batch.exceptions.push({
        key: orderKey,
        value: {
          exceptionId: paidUnfillableId(orderKey),
          kind: 'PAID_UNFILLABLE',
          state: cancel ? 'CANCEL_REQUESTED' : 'OPEN',
          subject: orderKey,
          channel,
          shopId,
          reason: `${why}: ${cancel ? 'the shop policy cancels it; the channel is being told' : 'held for a person (shop policy HOLD)'}`,
          at,
        },
      });
      if (cancel) batch.cancels.push({ key: orderKey, value: cancelUnfillableCommand(orderKey, why, at) });
    }

    /** The newest level per SKU × warehouse in the batch; returns the SKUs whose level changed. */
    async function applyLevels(events: InventoryEvent[]): Promise<Set<string>> {
      const newest = new Map<string, InventoryEvent>();
      for (const e of events) {
        const key = `${e.sku}@${e.warehouse}`;
        if ((newest.get(key)?.version ?? -1) < e.version) newest.set(key, e);
      }
      return store.applyLevels([...newest.values()]);
    }

    /** Decisions about orders: the lines inventory holds stock for, what allocation owners took, paid orders it rejected. */
    async function applyDecisions(events: InventoryEvent[], listings: Set<string>, out: Batch): Promise<void> {
      const held = events.filter((e) => e.orderKey && TAKES.has(e.kind));
      for (const k of await store.acceptMany(held.map((e) => ({ orderKey: e.orderKey!, sku: e.sku })))) listings.add(k);
      await Promise.all([
        ...held.map(async (e) => {
          const shopKey = shopKeyOfOrder(e.orderKey!);
          if ((await out.policyOf(shopKey)).allocations.some((a) => a.sku === e.sku))
            await store.recordTaken(shopKey, e.sku, e.orderKey!, e.quantity, e.occurredAt);
        }),
      ]);
      for (const e of events)
        if (e.orderKey && e.kind === 'REJECTED') out.facts.push({ orderKey: e.orderKey, fact: 'rejected', why: e.reason ?? 'rejected by inventory' });
    }

    /** Order events: lines attributed to their listings (mapped by merchant code when new), lines without ids reported, cancellations given back. */
    async function applyOrders(orders: OrderEvent[], listings: Set<string>, out: Batch): Promise<void> {
      const sold = orders.filter((e) => SOLD.has(e.status) && e.lines.length > 0).map((e) => ({ e, ...listingsOfOrder(e) }));
      for (const { e, unresolved } of sold) {
        for (const line of unresolved) {
          out.exceptions.push({
            key: e.orderKey,
            value: {
              exceptionId: `unmapped-line:${e.orderKey}:${line.sku}`,
              kind: 'UNMAPPED_LINE',
              state: 'OPEN',
              subject: e.orderKey,
              channel: e.channel,
              shopId: e.shopId,
              reason: `line ${line.sku} names no platform item and SKU id: its listing's stock cannot be kept in step`,
              at: now(),
            },
          });
        }
      }
      const named = [...new Set(sold.flatMap(({ resolved }) => resolved.map((r) => r.listingKey)))];
      const known = await store.mappings(named);
      for (const { e, resolved } of sold) {
        for (const { listingKey, itemId, skuId, line } of resolved) {
          if (known.has(listingKey) || !line.sku) continue;
          const mapping: ListingMapping = {
            listingKey,
            channel: e.channel,
            shopId: e.shopId,
            itemId,
            skuId,
            components: [{ sku: line.sku, quantity: 1 }],
            source: 'MERCHANT_CODE',
            deleted: false,
            updatedAt: now(),
          };
          await store.putMapping(mapping);
          known.set(listingKey, mapping);
          listings.add(listingKey);
          out.autoMapped.push({ key: listingKey, value: mapping });
        }
      }
      const attributed = sold.map(({ e, resolved }) => ({
        orderKey: e.orderKey,
        // Met by inventory's holds of the listing's first component: a bundle's line holds its components, not its own code.
        lines: resolved.map(({ listingKey, line }) => ({ listingKey, sku: known.get(listingKey)?.components[0]?.sku ?? line.sku, quantity: line.quantity })),
      }));
      for (const k of await store.attributeMany(attributed)) listings.add(k);
      for (const e of orders) if (PAID.has(e.status)) out.facts.push({ orderKey: e.orderKey, fact: 'paid' });
      await Promise.all(
        orders.map(async (e) => {
          // After the batch's counts: a cancellation in the same batch gives back what was just counted.
          if (e.status === 'CANCELLED' || e.status === 'CLOSED') for (const k of await store.uncountSold(e.orderKey)) listings.add(k);
        }),
      );
    }

    const handle = async (records: DecodedOf<keyof typeof stockSyncInputs>[]): Promise<void> => {
      const listings = new Set<string>();
      const skus = new Set<string>();
      const policies = new Map<string, Promise<StockPolicy>>();
      const out: Batch = {
        facts: [],
        exceptions: [],
        cancels: [],
        autoMapped: [],
        // Read after the batch's own policy records are stored (they come first, below).
        policyOf: (shopKey) => policies.get(shopKey) ?? policies.set(shopKey, store.policy(shopKey)).get(shopKey)!,
      };
      const inventory: InventoryEvent[] = [];
      const orders: OrderEvent[] = [];
      for (const r of records) {
        if (r.topic === 'inventoryEvents') inventory.push(r.value);
        else if (r.topic === 'orderEvents') orders.push(r.value);
        else if (r.topic === 'listingMappings') {
          await store.putMapping(r.value);
          listings.add(r.value.listingKey);
        } else {
          const shopKey = `${r.value.channel}:${r.value.shopId}`;
          const parsed = r.value.deleted ? null : policyFromJson(r.value.policyJson);
          if (parsed && !parsed.ok) {
            ctx.log.error({ shopKey, reason: parsed.reason }, 'stock policy refused: the previous policy stays');
            continue;
          }
          const before = await store.policy(shopKey);
          await store.putPolicy(shopKey, parsed ? r.value.policyJson : null, (parsed?.policy.allocations.length ?? 0) > 0);
          for (const k of await store.listingsOfShop(shopKey)) listings.add(k);
          // An allocation, added or removed, changes what every other shop selling its SKU sees.
          for (const a of [...before.allocations, ...(parsed?.policy.allocations ?? [])]) skus.add(a.sku);
        }
      }
      // Levels before the sales they explain. The channels' own sales (hubSold) come in their own lane
      // and may trail: until they arrive, an increment takes such a sale off again (the listing shows
      // less, never more), and the count's arrival gives it back.
      for (const sku of await applyLevels(inventory)) skus.add(sku);
      await applyDecisions(inventory, listings, out);
      await applyOrders(orders, listings, out);
      const unfillables = await store.unfillable(out.facts);
      for (const { orderKey, why } of unfillables) await unfillable(orderKey, why, out);
      for (const k of await store.listingsOfSkus(skus)) listings.add(k);
      await recompute(listings);
      if (out.autoMapped.length > 0) await ctx.publish('listingMappings', out.autoMapped);
      // The exception before its command: whoever reads the command's outcome finds the exception it updates.
      if (out.exceptions.length > 0) await ctx.publish('hubExceptions', out.exceptions);
      if (out.cancels.length > 0) await ctx.publish('channelCommands', out.cancels);
      await store.reported(unfillables.map((u) => u.orderKey));
    };
    // Every partition of a group at once: a policy or mapping change never waits behind inventory's batches.
    const partitions = (ids: (keyof typeof stockSyncInputs)[]) => ids.reduce((n, id) => n + TOPICS[id].partitions, 0);
    await ctx.consume(handle, { partitionsConsumedConcurrently: partitions(['inventoryEvents', 'listingMappings', 'stockPolicies']) });
    await ctx.consume(handle, { lane: 'bookkeeping', partitionsConsumedConcurrently: partitions(['orderEvents']) });

    /** Recomputes the listings of SKUs whose allocation started or ended in (from, to]. */
    async function crossAllocationBoundaries(from: number, to: number): Promise<void> {
      const skus = new Set<string>();
      for (const shopKey of await store.shopsWithAllocations()) {
        for (const a of (await store.policy(shopKey)).allocations) {
          if ((a.start > from && a.start <= to) || (a.end > from && a.end <= to)) skus.add(a.sku);
        }
      }
      if (skus.size === 0) return;
      await store.bumpGeneration();
      await recompute(await store.listingsOfSkus(skus));
    }

    // Allocation boundaries are time, not events: each tick looks at the boundaries passed since the last.
    let last = now();
    ctx.every('allocations', {
      seconds: 1,
      run: () => {
        const from = last;
        last = now();
        return crossAllocationBoundaries(from, last);
      },
    });
    return {
      /** Runs the allocation check for (from, to] now (tests drive the clock). */
      crossAllocationBoundaries,
    };
  },
});
