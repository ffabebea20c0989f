/**
 * Stock-sync benchmark: channels that keep selling what the hub can no longer ship.
 *
 *   npx tsx bench/stock-sync.ts [--attempts 1000000] [--stock 10000] [--seconds 60] [--shops-per-channel 2]
 *                               [--push-delay-ms 500] [--periodic-seconds 5] [--floor 0]
 *
 * Two worlds, side by side in one run, with the same buyers:
 *   realtime  the hub's pipeline (inventory → stock-sync → stock-push) pushes every change to the
 *             listings through each channel's stock API (its simulator over HTTP, signed, at its
 *             documented rate limit);
 *   periodic  the ERPs' way: the same hub inventory, but a full sync sets every listing to the hub's
 *             available stock every --periodic-seconds (a scaled stand-in for their minutes).
 * Each world has its own namespace, its own hot SKU with --stock units and its own simulated shops
 * (every channel × --shops-per-channel, one listing each). Each purchase attempt goes to one shop
 * (round robin) in both worlds: the platform sells only while its listing shows stock. A sale
 * reaches the hub --push-delay-ms later (the platform's order push) as a canonical order on
 * order-events; the gateway's own cost is measured by bench:webhook, not here.
 *
 * Prints: units sold by the channels beyond the stock (oversell) per world and their ratio, the floor
 * that would have covered the realtime oversell, time from the hub's available reaching 0 until
 * each listing shows 0 (p50, p99, max), and stock calls per second per shop against the budget.
 */

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, InvalidArgumentError } from 'commander';
import { Redis } from 'ioredis';
import { loadConfig } from '../app/config.js';
import { COMPONENTS } from '../app/parts.js';
import { CONNECTORS } from '../connectors/registry.js';
import { createDurableProducer, createKafka, type Producer } from '../lib/kafka.js';
import { groupLag } from '../lib/lag.js';
import { createLogger } from '../lib/logger.js';
import { inputsOf } from '../lib/processor/definition.js';
import { publish } from '../lib/publish.js';
import { ensureTopics } from '../lib/topic-admin.js';
import { availableOf } from '../processors/inventory/decision.js';
import { RedisInventoryStore } from '../processors/inventory/store.js';
import { parseStockPolicy, policyToJson } from '../processors/stock-sync/policy.js';
import { percentile } from '../test/support/inventory-audit.js';
import { childEnv, ProcessorChild } from '../test/support/processor-child.js';
import { scanTopic } from '../test/support/topic-scan.js';
import { allTopicNames, topicName } from '../topics/catalog.js';
import { listingKeyOf } from '../topics/schemas/listing-mapping.js';
import type { OrderEvent } from '../topics/schemas/order-event.js';
import { TopicSerde } from '../topics/serde.js';
import { int } from './options.js';
import { FLEET_CHANNELS, type FleetShop, startFleetShop } from './stock-fleet.js';

interface Options {
  attempts: number;
  stock: number;
  seconds: number;
  shopsPerChannel: number;
  pushDelayMs: number;
  periodicSeconds: number;
  floor: number;
  channels: string;
}

const program = new Command('stock-sync')
  .description('flash sale on many channels: realtime stock sync against a periodic full sync, oversell and time to zero')
  .option('--attempts <n>', 'purchase attempts in all', int(1), 1_000_000)
  .option('--stock <n>', 'units of the hot SKU in each world', int(1), 10_000)
  .option('--seconds <n>', 'how long the attempts are spread over', int(1), 60)
  .option('--shops-per-channel <n>', 'simulated shops per channel (one listing each)', int(1), 2)
  .option('--push-delay-ms <n>', "how long a channel's order takes to reach the hub", int(0), 500)
  .option('--periodic-seconds <n>', 'interval of the periodic full sync (the comparison)', int(1), 5)
  .option('--floor <n>', 'stock policy floor of every realtime shop (show 0 at or below N)', int(0), 0)
  .option('--channels <list>', 'comma-separated channels', FLEET_CHANNELS.join(','));

const HOT = 'HOT-SNEAKER-42';
const say = (s: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${s}\n`);

interface World {
  name: 'realtime' | 'periodic';
  ns: string;
  shops: FleetShop[];
  producer: Producer;
  serde: TopicSerde;
  /** The hub's parts, one OS process each (as deployed: `omnistream run --only <part>`). */
  children: ProcessorChild[];
  inventory: RedisInventoryStore;
  /** Orders waiting for their push delay: [due, event]. */
  outbox: [number, OrderEvent][];
  orders: number;
  /** The hub's parts in this world (each its own consumer group). */
  parts: string[];
}

const itemOf = (i: number) => `71000000${String(i).padStart(4, '0')}`;
const skuOf = (i: number) => `52000000${String(i).padStart(4, '0')}`;

async function main(o: Options): Promise<number> {
  const channels = o.channels.split(',').map((c) => c.trim());
  for (const c of channels) if (!CONNECTORS[c]?.stock) throw new InvalidArgumentError(`channel ${c} has no stock API`);
  const run = randomBytes(3).toString('hex');
  const base = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const warehouse = base.OMNISTREAM_WAREHOUSES[0]!;
  const log = createLogger('bench', base.LOG_LEVEL);
  const kafka = createKafka(base.KAFKA_BROKERS, 'bench-stock-sync', log);
  const admin = kafka.admin();
  await admin.connect();
  const redis = new Redis(base.REDIS_URL);
  const worlds: World[] = [];

  async function startWorld(name: World['name']): Promise<World> {
    const ns = `bench_ss_${name.slice(0, 2)}_${run}`;
    const config = loadConfig({
      ...process.env,
      OMNISTREAM_NAMESPACE: ns,
      OMNISTREAM_PG_SCHEMA: ns,
      LOG_LEVEL: base.LOG_LEVEL,
      OMNISTREAM_UNPAID_TIMEOUT_MINUTES: '0',
    });
    await ensureTopics(admin, ns, channels);
    const serde = TopicSerde.connect(config.SCHEMA_REGISTRY_URL, ns);
    await serde.registerAll();
    const shops: FleetShop[] = [];
    for (const c of channels) for (let i = 0; i < o.shopsPerChannel; i++) shops.push(await startFleetShop(c, i));
    for (const [i, s] of shops.entries()) s.listings.put(itemOf(i), skuOf(i), 0);
    const producer = createDurableProducer(kafka);
    await producer.connect();
    if (name === 'realtime') {
      await publish(
        producer,
        serde,
        ns,
        'listingMappings',
        shops.map((s, i) => {
          const listingKey = listingKeyOf(s.shop.channel, s.shop.shopId, itemOf(i), skuOf(i));
          return {
            key: listingKey,
            value: {
              listingKey,
              channel: s.shop.channel,
              shopId: s.shop.shopId,
              itemId: itemOf(i),
              skuId: skuOf(i),
              components: [{ sku: HOT, quantity: 1 }],
              source: 'CSV' as const,
              deleted: false,
              updatedAt: Date.now(),
            },
          };
        }),
      );
      if (o.floor > 0) {
        const policy = parseStockPolicy({ floor: o.floor });
        if (!policy.ok) throw new Error(policy.reason);
        await publish(
          producer,
          serde,
          ns,
          'stockPolicies',
          shops.map((s) => ({
            key: `${s.shop.channel}:${s.shop.shopId}`,
            value: { channel: s.shop.channel, shopId: s.shop.shopId, policyJson: policyToJson(policy.policy), deleted: false, updatedAt: Date.now() },
          })),
        );
      }
    }
    // The hub runs in its own processes, one per part as deployed: the buyers and simulators here must
    // not slow it down, and stock-push's calls must not wait behind inventory's flood of orders.
    const parts = name === 'realtime' ? ['inventory', 'stock-sync', 'stock-push'] : ['inventory'];
    const env = childEnv(config, {
      OMNISTREAM_HTTP_PORT: '0',
      OMNISTREAM_UNPAID_TIMEOUT_MINUTES: '0',
      OMNISTREAM_SHOPS: JSON.stringify(shops.map((s) => s.shop)),
    });
    const children = parts.map((part) => new ProcessorChild(env, `hub-${name}-${part}`, [part]));
    await publish(producer, serde, ns, 'stockMovements', [
      { key: HOT, value: { movementId: `bench-count-${HOT}`, kind: 'COUNT' as const, sku: HOT, warehouse, quantity: o.stock, occurredAt: Date.now() } },
    ]);
    return { name, ns, shops, producer, serde, children, parts, inventory: new RedisInventoryStore(redis, ns), outbox: [], orders: 0 };
  }

  const available = async (w: World) => availableOf(await w.inventory.levels(HOT, warehouse));

  /** The ERPs' full sync: every listing set to the hub's available stock, through the same stock APIs. */
  async function fullSync(w: World): Promise<number> {
    const quantity = Math.max(0, await available(w));
    let calls = 0;
    await Promise.all(
      w.shops.map(async (s, i) => {
        const api = CONNECTORS[s.shop.channel]!.stock!;
        const ref = { itemId: itemOf(i), skuId: skuOf(i) };
        const key = { idempotencyKey: `full-${Date.now()}-${i}` };
        if (api.set) {
          calls++;
          await api.set(s.shop, ref, quantity, key);
          return;
        }
        const read = await api.read!(s.shop, ref);
        calls += 2;
        if (read.ok && read.value !== quantity) await api.increment!(s.shop, ref, quantity - read.value, key);
      }),
    );
    return calls;
  }

  try {
    say(`${channels.length} channels × ${o.shopsPerChannel} shops per world; ${o.stock} units of ${HOT} each`);
    worlds.push(await startWorld('realtime'), await startWorld('periodic'));
    const [rt, pd] = worlds as [World, World];
    say('waiting for the opening stock on every listing');
    await until(
      'realtime listings at the opening stock',
      async () => rt.shops.every((s, i) => s.listings.get(itemOf(i), skuOf(i))?.quantity === o.stock),
      120_000,
    );
    await until('periodic world counted', async () => (await available(pd)) === o.stock, 60_000);
    let periodicCalls = await fullSync(pd);
    if (!pd.shops.every((s, i) => s.listings.get(itemOf(i), skuOf(i))?.quantity === o.stock)) throw new Error('periodic opening sync did not land');

    // Time to zero starts when the hub's inventory published available 0 (the broker's timestamp of that
    // decision, written by the hub's process: this one is too busy with buyers to be the clock).
    const hubZero = async (): Promise<number | null> => {
      let first: number | null = null;
      await scanTopic(kafka, admin, topicName(rt.ns, 'inventoryEvents'), async (rec) => {
        const e = await rt.serde.decode('inventoryEvents', rec.value!);
        if (e.sku === HOT && e.available <= 0 && (first === null || rec.timestamp < first)) first = rec.timestamp;
      });
      return first;
    };

    say(`sale: ${o.attempts} attempts over ${o.seconds} s; orders reach the hub ${o.pushDelayMs} ms after the sale`);
    const saleStart = Date.now();
    const saleEnd = saleStart + o.seconds * 1000;
    let attempted = 0;
    let nextFull = saleStart + o.periodicSeconds * 1000;
    let fullSyncs = 0;
    const flush = async (w: World, now: number) => {
      let due = 0;
      while (due < w.outbox.length && w.outbox[due]![0] <= now) due++;
      if (due === 0) return;
      const batch = w.outbox.splice(0, due).map(([, e]) => ({ key: e.orderKey, value: e }));
      // Chunks: one produce request must stay under the broker's message size limit.
      for (let i = 0; i < batch.length; i += 1000) await publish(w.producer, w.serde, w.ns, 'orderEvents', batch.slice(i, i + 1000));
    };
    const buy = (w: World, shopIndex: number, at: number) => {
      const s = w.shops[shopIndex]!;
      // The listing store alone: the platform's order document is not needed here, and building one per
      // sale would starve this process, which also answers the stock calls as the platforms.
      if (!s.listings.sell(itemOf(shopIndex), skuOf(shopIndex), 1)) return;
      const id = String(++w.orders);
      const orderKey = `${s.shop.channel}:${s.shop.shopId}:${id}`;
      w.outbox.push([
        at + o.pushDelayMs,
        {
          eventId: `${orderKey}:paid`,
          orderKey,
          channel: s.shop.channel,
          shopId: s.shop.shopId,
          brand: 'Omni',
          channelOrderId: id,
          status: 'PAID',
          channelStatus: 'paid',
          occurredAt: at,
          receivedAt: at + o.pushDelayMs,
          currency: 'CNY',
          totalMinor: 59_900,
          lines: [{ sku: HOT, quantity: 1, unitPriceMinor: 59_900, itemId: itemOf(shopIndex), skuId: skuOf(shopIndex) }],
          buyerCountry: 'CN',
          buyerProvince: null,
          buyerCity: null,
          presale: false,
          detail: 'FULL',
        },
      ]);
    };
    const periodic = (async () => {
      while (Date.now() < saleEnd + 2 * o.periodicSeconds * 1000) {
        await sleep(Math.max(0, nextFull - Date.now()));
        nextFull += o.periodicSeconds * 1000;
        periodicCalls += await fullSync(pd);
        fullSyncs++;
      }
    })();
    while (attempted < o.attempts) {
      const now = Date.now();
      const due = Math.min(o.attempts, Math.ceil((o.attempts * (now - saleStart)) / (saleEnd - saleStart)));
      for (; attempted < due; attempted++) {
        const shopIndex = attempted % rt.shops.length;
        buy(rt, shopIndex, now);
        buy(pd, shopIndex, now);
        // Let the platforms' HTTP handlers in between: a storefront keeps answering its API during a sale.
        if (attempted % 200 === 199) await new Promise((r) => setImmediate(r));
      }
      await Promise.all([flush(rt, now), flush(pd, now)]);
      await sleep(2);
    }
    say(`attempts done in ${((Date.now() - saleStart) / 1000).toFixed(1)} s; delivering the last orders`);
    while (rt.outbox.length + pd.outbox.length > 0) {
      await Promise.all([flush(rt, Date.now()), flush(pd, Date.now())]);
      await sleep(5);
    }
    // Settled: no consumer lag left in the realtime hub, and every listing at the hub's available stock.
    // Stock-sync's order-events backlog (counting the channels' own sales, for increments) is left out: it
    // does not hold up a target, and after a sale of this size it takes minutes (reported below).
    const inputs = (part: string) =>
      inputsOf(COMPONENTS.find((c) => c.name === part)!)
        .filter((id) => part !== 'stock-sync' || id === 'inventoryEvents')
        .map((id) => topicName(rt.ns, id));
    const settled = await until(
      'the realtime hub settled',
      async () => {
        const lag = await Promise.all(rt.parts.map((part) => groupLag(admin, `${rt.ns}.${part}`, inputs(part))));
        const left = Math.max(0, await available(rt));
        return lag.every((l) => l === 0) && rt.shops.every((s, i) => s.listings.get(itemOf(i), skuOf(i))?.quantity === left);
      },
      300_000,
    );
    await periodic;
    const saleSeconds = (Date.now() - saleStart) / 1000;
    const bookkeepingLag = await groupLag(admin, `${rt.ns}.stock-sync.bookkeeping`, [topicName(rt.ns, 'orderEvents')]);

    // Results.
    const oversell = (w: World) => {
      const sold = w.shops.reduce((sum, s) => sum + s.listings.totalSold(), 0);
      return { sold, oversold: Math.max(0, sold - o.stock) };
    };
    const r = oversell(rt);
    const p = oversell(pd);
    const hubZeroAt = await hubZero();
    const ttz = rt.shops.map((s, i) => {
      const key = `${itemOf(i)}/${skuOf(i)}`;
      const at = s.listings.zeroedAt.get(key);
      return at === undefined || hubZeroAt === null ? Number.POSITIVE_INFINITY : Math.max(0, at - hubZeroAt);
    });
    const finite = ttz.filter(Number.isFinite).sort((a, b) => a - b);
    const pushes = new Map<string, number>();
    const zeroPushMs: number[] = [];
    await scanTopic(kafka, admin, topicName(rt.ns, 'stockPushes'), async (rec) => {
      const shop = rec.key?.toString().split(':').slice(0, 2).join(':') ?? '?';
      pushes.set(shop, (pushes.get(shop) ?? 0) + 1);
      const push = await rt.serde.decode('stockPushes', rec.value!);
      if (push.target === 0 && push.result === 'APPLIED' && push.write !== 'READ') zeroPushMs.push(push.latencyMs);
    });
    // Where the time to zero goes: hub available 0 → the sell-out target computed (inventory → stock-sync), then → the platform's answer (stock-push).
    const sellOutAfterMs: number[] = [];
    await scanTopic(kafka, admin, topicName(rt.ns, 'stockTargets'), async (rec) => {
      const t = await rt.serde.decode('stockTargets', rec.value!);
      // A listing mapped before its opening stock starts at 0, flagged a sell-out too: not this sale's.
      if (t.sellOut && hubZeroAt !== null && t.computedAt >= saleStart) sellOutAfterMs.push(t.computedAt - hubZeroAt);
    });
    sellOutAfterMs.sort((a, b) => a - b);
    zeroPushMs.sort((a, b) => a - b);
    const showingAtEnd = rt.shops.map((s, i) => `${s.shop.channel}:${s.listings.get(itemOf(i), skuOf(i))?.quantity ?? '?'}`);
    const stillShowing = rt.shops.filter((s, i) => (s.listings.get(itemOf(i), skuOf(i))?.quantity ?? 0) > 0).length;

    const out: string[] = [];
    out.push(
      '',
      `stock-sync benchmark — ${channels.length} channels × ${o.shopsPerChannel} shops, ${o.stock} units, ${attempted} attempts, order push delay ${o.pushDelayMs} ms`,
    );
    out.push(`  command: npx tsx bench/stock-sync.ts ${process.argv.slice(2).join(' ')}`.trimEnd());
    out.push(`  realtime: channels sold ${r.sold} units, oversold ${r.oversold}; hub orders ${rt.orders}`);
    out.push(
      `  periodic (full sync every ${o.periodicSeconds} s, ${fullSyncs} syncs, ${periodicCalls} calls): channels sold ${p.sold}, oversold ${p.oversold}`,
    );
    out.push(
      `  oversell ratio periodic / realtime: ${r.oversold === 0 ? (p.oversold === 0 ? '— (neither oversold)' : `∞ (realtime oversold 0, periodic ${p.oversold})`) : (p.oversold / r.oversold).toFixed(1)}`,
    );
    out.push(
      `  floor that would have covered the realtime oversell: ≈ ${r.oversold} (units the channels sold during the push lag; check with --floor ${r.oversold})${o.floor > 0 ? `; this run's floor: ${o.floor}` : ''}`,
    );
    out.push(
      `  time to zero (hub available 0 → listing shows 0), ${finite.length} of ${ttz.length} listings: p50 ${fmt(percentile(finite, 50))} ms, p99 ${fmt(percentile(finite, 99))} ms, max ${fmt(finite.at(-1))} ms${hubZeroAt === null ? ' (the hub never reached 0)' : ''}`,
    );
    out.push(
      `    of which: sell-out target computed after the hub's 0: p50 ${fmt(percentile(sellOutAfterMs, 50))} ms, max ${fmt(sellOutAfterMs.at(-1))} ms; target → platform answered 0: p50 ${fmt(percentile(zeroPushMs, 50))} ms, p99 ${fmt(percentile(zeroPushMs, 99))} ms`,
    );
    out.push(`  stock-sync's backlog of order events at the end (its count of the channels' own sales): ${bookkeepingLag}`);
    out.push(
      `  listings still showing stock at the end: ${stillShowing}${settled ? '' : ` (not settled: hub available ${await available(rt)}; listings ${showingAtEnd.join(' ')})`}`,
    );
    out.push(`  stock calls per shop (realtime, over ${saleSeconds.toFixed(0)} s):`);
    for (const s of rt.shops) {
      const key = `${s.shop.channel}:${s.shop.shopId}`;
      const n = pushes.get(key) ?? 0;
      out.push(
        `    ${key.padEnd(40)} ${String(n).padStart(6)} calls  ${(n / saleSeconds).toFixed(2).padStart(7)}/s  (budget ${CONNECTORS[s.shop.channel]!.stock!.rateLimit.perSecond}/s)`,
      );
    }
    const ok = settled && stillShowing === 0 && finite.length === ttz.length;
    out.push('', ok ? 'RESULT: ok — every realtime listing reached 0' : 'RESULT: FAIL — some listing never showed 0', '');
    console.log(out.join('\n'));
    return ok ? 0 : 1;
  } finally {
    for (const w of worlds) {
      await Promise.all(w.children.map((c) => c.stop().catch(() => {})));
      await w.producer.disconnect().catch(() => {});
      await Promise.all(w.shops.map((s) => s.close().catch(() => {})));
      await admin.deleteTopics({ topics: allTopicNames(w.ns, channels).map((t) => t.name) }).catch(() => {});
      const keys = await redis.keys(`{${w.ns}}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    }
    await admin.disconnect();
    redis.disconnect();
  }
}

const fmt = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '—' : String(Math.round(n)));

/** Waits for `check`; false (and a note) after the timeout. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      say(`gave up waiting for ${what} after ${timeoutMs} ms`);
      return false;
    }
    await sleep(20);
  }
  return true;
}

program.action(async (o: Options) => {
  process.exitCode = await main(o);
});
await program.parseAsync();
