import type { DecodedOf } from '../../lib/batch-consumer.js';
import { defineProcessor } from '../../lib/processor/definition.js';
import type { Running } from '../../lib/processor/run.js';
import { eventIdOf } from '../../topics/ids.js';
import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import { listingKeyOf } from '../../topics/schemas/listing-mapping.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import { expiryCommand, type InventoryCommand, type ListingComponents, movementCommand, type OrderHeader, orderCommand, type SplitRule } from './commands.js';
import { availableOf, type CommandResult, type Decision, reasonText } from './decision.js';
import { inventoryEnv } from './settings.js';
import { RedisInventoryStore } from './store.js';
import { parseWarehouses, warehousePreference } from './warehouses.js';

export interface InventoryOptions {
  /** OMNISTREAM_WAREHOUSES entries: "CODE" or "CODE:province". */
  warehouses: string[];
  split?: SplitRule;
  /** Unpaid lock lifetime per channel, ms (0: never expires). Default: none. */
  unpaidTimeoutMs?: (channel: string) => number;
  /** How often due unpaid locks are released. Default 1 s. */
  timerIntervalSeconds?: number;
}

/** Commands per Lua call: large enough to amortize the round trip, small enough not to stall Redis. */
const CHUNK = 2000;

/**
 * The stock rules (core.ts ≡ reserve.lua) in their Kafka/Redis shell. Per partition batch: one
 * atomic Lua call decides, the decisions go to inventory-events (acks=all), then the offsets are
 * committed. Redelivered commands are recognised by id inside Lua and re-emit their original
 * decisions with the same event ids, so a crash anywhere in between neither double-reserves nor
 * loses a decision.
 */
export const inventoryProcessor = defineProcessor({
  name: 'inventory',
  kind: 'processor',
  summary: 'stock reservations: four stock states, exactly once, never oversold (core.ts ≡ reserve.lua)',
  inputs: {
    orderEvents: 'locks, reserves, releases or rejects stock for each order event',
    stockMovements: 'applies warehouse receipts, returns, counts, adjustments, scan-outs and stock settings',
    listingMappings: 'keeps what each listing is made of, so a bundle or kit line (组合装) holds its components',
  },
  outputs: {
    inventoryEvents: 'writes one decision per SKU line touched, with the stock levels after it, keyed by sku@warehouse',
    orderEvents: 'writes the hub\'s own cancellation (channelStatus "hub:unpaid-timeout") of an order left unpaid past its deadline',
  },
  stores: [
    {
      prefix: 'inv',
      kind: 'redis',
      holds: 'stock levels per sku@warehouse, order holds with their decisions, applied movement ids, unpaid-lock timers, listing components',
    },
  ],
  timers: [{ name: 'expiry', every: 'every second', does: 'releases unpaid locks past their deadline and cancels those orders' }],
  env: inventoryEnv,
  options: (env): InventoryOptions => ({
    warehouses: env.OMNISTREAM_WAREHOUSES,
    split: env.OMNISTREAM_SPLIT_RULE,
    unpaidTimeoutMs: (channel) => (env.OMNISTREAM_UNPAID_TIMEOUT_BY_CHANNEL.get(channel) ?? env.OMNISTREAM_UNPAID_TIMEOUT_MINUTES) * 60_000,
  }),
  async start(ctx, opts: InventoryOptions) {
    const store = new RedisInventoryStore(ctx.redis, ctx.namespace);
    const warehouses = parseWarehouses(opts.warehouses);
    const timeout = opts.unpaidTimeoutMs ?? (() => 0);
    const emit = (events: InventoryEvent[]) =>
      ctx.publish(
        'inventoryEvents',
        events.map((e) => ({ key: `${e.sku}@${e.warehouse}`, value: e })),
      );

    const toCommand = (r: DecodedOf<'orderEvents' | 'stockMovements'>, listings: ReadonlyMap<string, ListingComponents>): InventoryCommand => {
      if (r.topic === 'stockMovements') return movementCommand(r.value);
      const e = r.value;
      return orderCommand(e, warehousePreference(warehouses, e.buyerProvince), {
        split: opts.split,
        unpaidTimeoutMs: timeout(e.channel),
        componentsOf: (line) => listings.get(lineListingKey(e, line) ?? ''),
      });
    };

    await ctx.consume(async (all) => {
      // One batch is one partition of one topic: mappings are stored before any later order reads them.
      const mappings = all.filter((r) => r.topic === 'listingMappings');
      for (const { value: m } of mappings) await store.putListing(m.listingKey, m.deleted ? null : m.components);
      const records = all.filter((r) => r.topic !== 'listingMappings');
      for (let i = 0; i < records.length; i += CHUNK) {
        const chunk = records.slice(i, i + CHUNK);
        const named = chunk.flatMap((r) => (r.topic === 'orderEvents' ? r.value.lines.flatMap((l) => lineListingKey(r.value, l) ?? []) : []));
        const listings = await store.listings([...new Set(named)]);
        const cmds = chunk.map((r) => toCommand(r, listings));
        const results = await store.apply(cmds);
        const events = results.flatMap((res, j) => eventsOf(res, cmds[j]!, chunk[j]!.value.occurredAt));
        if (events.length > 0) await emit(events);
      }
    });

    /**
     * Unpaid locks past their deadline: release them (conditionally: a paid order is never
     * released), announce the release and the order's cancellation, and only then drop the timer.
     * A crash in between repeats the expiry, which Lua answers with the same decisions.
     */
    const expireDue = async (now = Date.now()): Promise<number> => {
      const due = await store.dueTimers(now);
      if (due.length === 0) return 0;
      const cmds = due.map(([orderKey]) => expiryCommand(orderKey));
      const results = await store.apply(cmds);
      const events = results.flatMap((res, i) => eventsOf(res, cmds[i]!, due[i]![1]));
      if (events.length > 0) await emit(events);
      const cancellations: OrderEvent[] = [];
      for (const [i, res] of results.entries()) {
        if (!res.decisions.some((d) => d.kind === 'RELEASED')) continue;
        const [orderKey, expiresAt] = due[i]!;
        const meta = await store.holdMeta(orderKey);
        if (meta) cancellations.push(cancellationOf(JSON.parse(meta) as OrderHeader, expiresAt));
      }
      if (cancellations.length > 0)
        await ctx.publish(
          'orderEvents',
          cancellations.map((e) => ({ key: e.orderKey, value: e })),
        );
      for (const [orderKey] of due) await store.clearTimer(orderKey);
      return cancellations.length;
    };

    ctx.every('expiry', { seconds: opts.timerIntervalSeconds ?? 1, run: () => expireDue() });
    return { expireDue };
  },
});

export type InventoryProcessor = Running<{ expireDue(now?: number): Promise<number> }>;

function eventsOf(res: CommandResult, cmd: InventoryCommand, occurredAt: number): InventoryEvent[] {
  return res.decisions.map((d) => toInventoryEvent(d, cmd, occurredAt));
}

/** Deterministic in every field: replaying the same input yields byte-identical output events. */
export function toInventoryEvent(d: Decision, cmd: InventoryCommand, occurredAt: number): InventoryEvent {
  return {
    eventId: `${cmd.id}:${d.kind}:${d.sku}@${d.warehouse}`,
    kind: d.kind,
    orderKey: cmd.orderKey,
    sku: d.sku,
    warehouse: d.warehouse,
    quantity: d.quantity,
    reason: reasonText(d.reason),
    physical: d.physical,
    locked: d.locked,
    reserved: d.reserved,
    safety: d.safety,
    presaleQuota: d.presaleQuota,
    available: availableOf(d),
    version: d.version,
    occurredAt,
  };
}

/** The hub's own cancellation of an order left unpaid past its deadline. */
function cancellationOf(header: OrderHeader, expiresAt: number): OrderEvent {
  return {
    ...header,
    eventId: eventIdOf(header.orderKey, 'CANCELLED', expiresAt),
    status: 'CANCELLED',
    channelStatus: 'hub:unpaid-timeout',
    occurredAt: expiresAt,
    receivedAt: expiresAt,
    lines: [],
    // A status without contents: the projection must keep the order's lines and total.
    detail: 'STATUS_ONLY',
  };
}

/** The listing a line was sold from, when the channel named its item and SKU ids. */
function lineListingKey(e: OrderEvent, line: OrderEvent['lines'][number]): string | undefined {
  return line.itemId && line.skuId ? listingKeyOf(e.channel, e.shopId, line.itemId, line.skuId) : undefined;
}
