import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../app/pipeline.js';
import type { AnyChannelConnector, ShopConfig } from '../connectors/contract.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { createDurableProducer, type Producer } from '../lib/kafka.js';
import { publish } from '../lib/publish.js';
import { parseStockPolicy, policyToJson } from '../processors/stock-sync/policy.js';
import { type ListingMapping, listingKeyOf } from '../topics/schemas/listing-mapping.js';
import type { OrderEvent } from '../topics/schemas/order-event.js';
import { createTestContext, type TestContext } from './support/context.js';
import { type MemoryPlatform, memoryPlatform } from './support/memory-platform.js';
import { readAll } from './support/read-topic.js';

/*
 * Stock sync on the real stack: inventory → stock-sync → stock-push → a platform's listing, for
 * three kinds of platform (full set with read-back; idempotent increments with set and CAS;
 * increments only, with read-back). The platforms are in-process stand-ins over the simulators'
 * listing store (test/support/memory-platform.ts); each channel's wire format is tested against
 * its own simulator in connectors/<channel>/stock.test.ts.
 */
const WH = 'WH-EAST';
const T0 = Date.parse('2026-12-03T12:00:00Z');
const HOUR = 3_600_000;

const shop = (channel: string, shopId: string): ShopConfig => ({ channel, shopId, brand: 'Omni', secret: 'unused' });
const SHOPS = [shop('taobao', 'tb-1'), shop('shopify', 'sp-1'), shop('kuaishou', 'ks-1')];

const platforms: Record<string, MemoryPlatform> = {
  taobao: memoryPlatform({ writes: ['SET'], idempotentIncrements: false, read: true }),
  shopify: memoryPlatform({ writes: ['SET', 'INCREMENT', 'CAS'], idempotentIncrements: true, read: true }),
  kuaishou: memoryPlatform({ writes: ['INCREMENT'], idempotentIncrements: false, read: true }),
};

interface Listing {
  channel: string;
  shopId: string;
  itemId: string;
  skuId: string;
  components: { sku: string; quantity: number }[];
}
const L = {
  tbA: { channel: 'taobao', shopId: 'tb-1', itemId: 't1', skuId: 't1s', components: [{ sku: 'A', quantity: 1 }] },
  tbBundle: { channel: 'taobao', shopId: 'tb-1', itemId: 't2', skuId: 't2s', components: [{ sku: 'A', quantity: 2 }] },
  spA: { channel: 'shopify', shopId: 'sp-1', itemId: 'p1', skuId: 'v1', components: [{ sku: 'A', quantity: 1 }] },
  ksA: { channel: 'kuaishou', shopId: 'ks-1', itemId: 'k1', skuId: 'k1s', components: [{ sku: 'A', quantity: 1 }] },
  tbB: { channel: 'taobao', shopId: 'tb-1', itemId: 't3', skuId: 't3s', components: [{ sku: 'B', quantity: 1 }] },
  ksB: { channel: 'kuaishou', shopId: 'ks-1', itemId: 'k3', skuId: 'k3s', components: [{ sku: 'B', quantity: 1 }] },
} satisfies Record<string, Listing>;

const shows = (l: Listing) => platforms[l.channel]!.store.get(l.itemId, l.skuId)?.quantity;

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; listings show ${JSON.stringify(Object.fromEntries(Object.entries(L).map(([k, l]) => [k, shows(l)])))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('stock sync on the real stack', () => {
  let ctx: TestContext;
  let producer: Producer;
  let pipeline: Pipeline;
  let clock = T0;
  let movements = 0;

  const count = (sku: string, quantity: number) =>
    publish(producer, ctx.serde, ctx.namespace, 'stockMovements', [
      { key: sku, value: { movementId: `count-${sku}-${++movements}`, kind: 'COUNT' as const, sku, warehouse: WH, quantity, occurredAt: clock } },
    ]);
  const start = () =>
    startPipeline({ ...ctx.config, OMNISTREAM_HTTP_PORT: 0, OMNISTREAM_UNPAID_TIMEOUT_MINUTES: 0, OMNISTREAM_WAREHOUSES: [WH] }, ctx.log, {
      shops: new ShopDirectory(SHOPS),
      parts: { inventory: true, 'stock-sync': true, 'stock-push': true },
      overrides: {
        'stock-sync': { now: () => clock },
        'stock-push': {
          connectors: Object.fromEntries(Object.entries(platforms).map(([c, p]) => [c, { stock: p.api } as unknown as AnyChannelConnector])),
          pusher: { retry: { baseMs: 20, maxMs: 200 } },
        },
      },
    });

  beforeAll(async () => {
    ctx = await createTestContext('stocksync');
    producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    // The listings show stale numbers until the hub first pushes.
    for (const l of Object.values(L)) platforms[l.channel]!.store.put(l.itemId, l.skuId, 999);
    const mappings: ListingMapping[] = Object.values(L).map((l) => ({
      ...l,
      listingKey: listingKeyOf(l.channel, l.shopId, l.itemId, l.skuId),
      source: 'CSV',
      deleted: false,
      updatedAt: T0,
    }));
    await publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'listingMappings',
      mappings.map((m) => ({ key: m.listingKey, value: m })),
    );
    pipeline = await start();
  });
  afterAll(async () => {
    await pipeline?.stop();
    await producer?.disconnect();
    await ctx?.close();
  });

  it('pushes every listing its target, a bundle floor(available / units), and all of them 0 at sell-out', async () => {
    await count('A', 10);
    await until('listings at 10 (bundle 5)', () => shows(L.tbA) === 10 && shows(L.tbBundle) === 5 && shows(L.spA) === 10 && shows(L.ksA) === 10);
    await count('A', 0);
    await until('every listing of A at 0', () => [L.tbA, L.tbBundle, L.spA, L.ksA].every((l) => shows(l) === 0));
    const targets = await readAll(ctx, 'stockTargets');
    const last = new Map(targets.map((t) => [t.listingKey, t]));
    for (const l of [L.tbA, L.tbBundle, L.spA, L.ksA]) {
      expect(last.get(listingKeyOf(l.channel, l.shopId, l.itemId, l.skuId))).toMatchObject({ target: 0, sellOut: true });
    }
  });

  it('a set answered "success" but never applied is found on read-back and set again', async () => {
    await count('A', 7);
    await until('listings at 7', () => shows(L.tbA) === 7 && shows(L.spA) === 7 && shows(L.ksA) === 7 && shows(L.tbBundle) === 3);
    platforms.taobao!.store.injectFaults('not-applied', 1);
    await count('A', 4);
    await until('listings at 4', () => shows(L.tbA) === 4 && shows(L.tbBundle) === 2 && shows(L.spA) === 4 && shows(L.ksA) === 4);
    await pipeline.drain(60_000);
    const pushes = await readAll(ctx, 'stockPushes');
    const notApplied = pushes.filter((p) => p.result === 'NOT_APPLIED' && p.channel === 'taobao');
    expect(notApplied.length).toBe(1);
    // Whichever listing's set came first took the fault: the single one (7 → 4) or the bundle (3 → 2).
    const [hit] = notApplied;
    expect(hit!.write).toBe('READ');
    expect([
      [4, 7],
      [2, 3],
    ]).toContainEqual([hit!.target, hit!.quantity]);
    expect(pushes.some((p) => p.listingKey === notApplied[0]!.listingKey && p.reason === 're-asserted after read-back' && p.result === 'APPLIED')).toBe(true);
  });

  it('a sale the channel made itself is not taken off its listing twice when the hub learns of it', async () => {
    // Shopify's buyer takes one unit: the platform shows 3 before the hub knows.
    expect(platforms.shopify!.store.sell('p1', 'v1', 1)).toBe(true);
    expect(shows(L.spA)).toBe(3);
    const order: OrderEvent = {
      eventId: 'sp-order-1-paid',
      orderKey: 'shopify:sp-1:1001',
      channel: 'shopify',
      shopId: 'sp-1',
      brand: 'Omni',
      channelOrderId: '1001',
      status: 'PAID',
      channelStatus: 'paid',
      occurredAt: clock,
      receivedAt: clock,
      currency: 'CNY',
      totalMinor: 1000,
      lines: [{ sku: 'A', quantity: 1, unitPriceMinor: 1000, itemId: 'p1', skuId: 'v1' }],
      buyerCountry: 'CN',
      buyerProvince: null,
      buyerCity: null,
      presale: false,
      detail: 'FULL',
    };
    await publish(producer, ctx.serde, ctx.namespace, 'orderEvents', [{ key: order.orderKey, value: order }]);
    // The hub reserves the unit (available 3): every other listing falls to 3, Shopify's stays at 3.
    await until('other listings at 3', () => shows(L.tbA) === 3 && shows(L.ksA) === 3 && shows(L.tbBundle) === 1);
    await pipeline.drain(60_000);
    await until('pushes settled', async () => ((await pipeline.components.get('stock-push')) as unknown as { idle(): Promise<boolean> }).idle());
    expect(shows(L.spA)).toBe(3);
  });

  it("an order for a bundle listing (2 × A, its own merchant code) holds its components, and the channel's sale is not taken off twice", async () => {
    // Taobao's buyer takes the bundle (the listing showed 1): inventory must hold 2 × A, not one "KIT-A2".
    expect(platforms.taobao!.store.sell('t2', 't2s', 1)).toBe(true);
    const order: OrderEvent = {
      eventId: 'tb-bundle-1-paid',
      orderKey: 'taobao:tb-1:1501',
      channel: 'taobao',
      shopId: 'tb-1',
      brand: 'Omni',
      channelOrderId: '1501',
      status: 'PAID',
      channelStatus: 'WAIT_SELLER_SEND_GOODS',
      occurredAt: clock,
      receivedAt: clock,
      currency: 'CNY',
      totalMinor: 2000,
      lines: [{ sku: 'KIT-A2', quantity: 1, unitPriceMinor: 2000, itemId: 't2', skuId: 't2s' }],
      buyerCountry: 'CN',
      buyerProvince: null,
      buyerCity: null,
      presale: false,
      detail: 'FULL',
    };
    await publish(producer, ctx.serde, ctx.namespace, 'orderEvents', [{ key: order.orderKey, value: order }]);
    // 3 available − 2 held for the bundle: every single-unit listing of A at 1, the bundle at 0.
    await until('A listings at 1, the bundle at 0', () => shows(L.tbA) === 1 && shows(L.spA) === 1 && shows(L.ksA) === 1 && shows(L.tbBundle) === 0);
    const held = (await readAll(ctx, 'inventoryEvents')).filter((e) => e.orderKey === order.orderKey);
    expect(held.map((e) => [e.kind, e.sku, e.quantity])).toContainEqual(['RESERVED', 'A', 2]);
    expect(held.every((e) => e.sku === 'A' && e.quantity === 2)).toBe(true);
    const exceptions = await readAll(ctx, 'hubExceptions');
    expect(exceptions.filter((e) => e.subject === order.orderKey)).toEqual([]);
  });

  it('order lines name their listing: an unknown one is mapped by merchant code, one without ids is an exception; paid orders the hub rejected are exceptions', async () => {
    const base = { brand: 'Omni', status: 'PAID' as const, channelStatus: 'paid', occurredAt: clock, receivedAt: clock, currency: 'CNY', totalMinor: 100 };
    const region = { buyerCountry: 'CN', buyerProvince: null, buyerCity: null, presale: false, detail: 'FULL' as const };
    const orders: OrderEvent[] = [
      {
        ...base,
        ...region,
        eventId: 'tb-2',
        orderKey: 'taobao:tb-1:2002',
        channel: 'taobao',
        shopId: 'tb-1',
        channelOrderId: '2002',
        lines: [{ sku: 'B', quantity: 1, unitPriceMinor: 100, itemId: 't9', skuId: 't9s' }],
      },
      {
        ...base,
        ...region,
        eventId: 'tb-3',
        orderKey: 'taobao:tb-1:2003',
        channel: 'taobao',
        shopId: 'tb-1',
        channelOrderId: '2003',
        lines: [{ sku: 'B', quantity: 1, unitPriceMinor: 100 }],
      },
    ];
    await publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'orderEvents',
      orders.map((o) => ({ key: o.orderKey, value: o })),
    );
    await pipeline.drain(60_000);
    const mappings = await readAll(ctx, 'listingMappings');
    expect(mappings.filter((m) => m.source === 'MERCHANT_CODE')).toEqual([
      expect.objectContaining({ listingKey: 'taobao:tb-1:t9:t9s', components: [{ sku: 'B', quantity: 1 }] }),
    ]);
    const exceptions = await readAll(ctx, 'hubExceptions');
    // Both were paid with no stock of B yet: inventory rejected them, so both are paid orders the hub cannot fill.
    expect(exceptions.map((e) => [e.kind, e.subject, e.state]).sort()).toEqual([
      ['PAID_UNFILLABLE', 'taobao:tb-1:2002', 'OPEN'],
      ['PAID_UNFILLABLE', 'taobao:tb-1:2003', 'OPEN'],
      ['UNMAPPED_LINE', 'taobao:tb-1:2003', 'OPEN'],
    ]);
    expect(exceptions.find((e) => e.kind === 'PAID_UNFILLABLE')?.reason).toMatch(/cannot fill it .*held for a person/);
  });

  it('an exclusive allocation is seen by its shop alone until its end time, then returns to the pool', async () => {
    await count('B', 10);
    // The two orders above came before any stock of B: rejected, they hold none.
    await until('B listings at 10', () => shows(L.tbB) === 10 && shows(L.ksB) === 10);
    const policy = parseStockPolicy({ allocations: [{ sku: 'B', quantity: 3, start: new Date(T0).toISOString(), end: new Date(T0 + HOUR).toISOString() }] });
    if (!policy.ok) throw new Error(policy.reason);
    clock = T0 + 1;
    await publish(producer, ctx.serde, ctx.namespace, 'stockPolicies', [
      { key: 'kuaishou:ks-1', value: { channel: 'kuaishou', shopId: 'ks-1', policyJson: policyToJson(policy.policy), deleted: false, updatedAt: clock } },
    ]);
    await until('taobao sees the pool less the allocation', () => shows(L.tbB) === 7 && shows(L.ksB) === 10);
    const sync = pipeline.components.get('stock-sync') as unknown as { crossAllocationBoundaries(from: number, to: number): Promise<void> };
    clock = T0 + HOUR + 1;
    await sync.crossAllocationBoundaries(T0 + 1, clock);
    await until('the allocation returned', () => shows(L.tbB) === 10 && shows(L.ksB) === 10);
  });

  it('a restart in the middle of a burst leaves no listing stale', async () => {
    for (const p of Object.values(platforms)) {
      p.store.slowMs = 200;
      p.store.injectFaults('slow', 3);
    }
    for (let q = 30; q >= 11; q--) await count('A', q);
    await pipeline.stop();
    pipeline = await start();
    await count('A', 9);
    await pipeline.drain(120_000);
    // 9 counted, 1 held by Shopify's order and 2 by Taobao's bundle: 6 available.
    await until(
      'every A listing at its final target',
      () => shows(L.tbA) === 6 && shows(L.tbBundle) === 3 && shows(L.spA) === 6 && shows(L.ksA) === 6,
      120_000,
    );
  }, 180_000);
});
