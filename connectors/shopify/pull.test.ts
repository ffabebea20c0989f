import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/errors.js';
import { makeShopifyOrder, type ShopifySimulator, startShopifySimulator, withCancellation, withStatus } from '../../simulators/shopify/index.js';
import type { ShopConfig } from '../contract.js';
import { shopify } from './index.js';
import type { ShopifyOrder } from './payload.js';
import { nextPageUrl, pullShopifyOrders } from './pull.js';

const TOKEN = 'shpat_sim_0123456789abcdef';
const domain = 'omni-test.myshopify.com';
const t0 = Date.parse('2025-03-01T00:00:00Z');
const MIN = 60_000;
let sim: ShopifySimulator;
let shop: ShopConfig;

/** 600 orders, one update per second from t0 (ids deliberately not in update order). */
const bulk: ShopifyOrder[] = Array.from({ length: 600 }, (_, i) =>
  withStatus(
    makeShopifyOrder({
      id: 5_900_000_000_000 + ((i * 7919) % 600),
      lines: [{ sku: `SKU-${i}`, quantity: 1, price: '10.00' }],
      createdAt: new Date(t0 - 3_600_000),
    }),
    'paid',
    null,
    new Date(t0 + i * 1000),
  ),
);
/** Orders around a later window [t1, t1 + 10 min), to check its edges. */
const t1 = t0 + 24 * 3_600_000;
const order = (id: number, updatedAt: number) =>
  withStatus(
    makeShopifyOrder({ id, lines: [{ sku: 'TEE', quantity: 2, price: '19.99' }], createdAt: new Date(t1 - 3_600_000) }),
    'paid',
    null,
    new Date(updatedAt),
  );
const before = order(7_000_000_000_001, t1 - 1000);
const atFrom = order(7_000_000_000_002, t1);
const inside = order(7_000_000_000_003, t1 + 5 * MIN);
const atTo = order(7_000_000_000_004, t1 + 10 * MIN);
const after = order(7_000_000_000_005, t1 + 11 * MIN);
const cancelled = withCancellation(order(7_000_000_000_006, t1 + MIN), new Date(t1 + 2 * MIN), 'voided');

beforeAll(async () => {
  sim = await startShopifySimulator({ accessToken: TOKEN });
  for (const o of [...bulk, before, atFrom, inside, atTo, after, cancelled]) sim.upsertOrder(o);
  shop = { channel: 'shopify', shopId: domain, brand: 'Omni', secret: 'shpss_client_secret', endpoint: sim.url, credentials: { accessToken: TOKEN } };
});
afterAll(() => sim.close());

async function collect<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iter) out.push(x);
  return out;
}

describe('pull() against the Shopify simulator', () => {
  it('pages over more than 250 orders with Link headers, sending the filters on the first request only', async () => {
    sim.calls.length = 0;
    const got = (await collect(pullShopifyOrders(shop, { from: new Date(t0), to: new Date(t0 + 600_000) }))) as ShopifyOrder[];
    expect(got).toHaveLength(600);
    expect(new Set(got.map((o) => o.id)).size).toBe(600);
    expect(new Set(got.map((o) => o.id))).toEqual(new Set(bulk.map((o) => o.id)));

    expect(sim.calls.map((c) => c.status)).toEqual([200, 200, 200]);
    const [first, second, third] = sim.calls;
    expect(first!.path).toBe('/admin/api/2025-07/orders.json');
    expect(first!.params).toEqual({
      status: 'any',
      updated_at_min: '2025-03-01T00:00:00Z',
      updated_at_max: '2025-03-01T00:10:00Z',
      limit: '250',
    });
    // Later pages: exactly what the rel="next" link gave, page_info and limit, no filters.
    for (const later of [second!, third!]) {
      expect(Object.keys(later.params).sort()).toEqual(['limit', 'page_info']);
      expect(later.params.limit).toBe('250');
    }
  });

  it("the simulator enforces Shopify's rule: page_info with a filter is refused", async () => {
    sim.calls.length = 0;
    await collect(pullShopifyOrders(shop, { from: new Date(t0), to: new Date(t0 + 600_000) }));
    const pageInfo = sim.calls[1]!.params.page_info!;
    const res = await fetch(`${sim.url}/admin/api/2025-07/orders.json?limit=250&status=any&page_info=${pageInfo}`, {
      headers: { 'X-Shopify-Access-Token': TOKEN },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: { status: 'status cannot be passed when page_info is present.' } });
  });

  it('keeps [from, to) exact and includes cancelled orders (status=any)', async () => {
    const got = (await collect(pullShopifyOrders(shop, { from: new Date(t1), to: new Date(t1 + 10 * MIN) }))) as ShopifyOrder[];
    expect(got.map((o) => o.id).sort()).toEqual([atFrom.id, inside.id, cancelled.id].sort());
    // Without status=any Shopify would list open orders only: the cancelled one must be in.
    expect(got.find((o) => o.id === cancelled.id)?.cancelled_at).not.toBeNull();
  });

  it('uses small pages when asked, still exact and without repeats', async () => {
    sim.calls.length = 0;
    const got = await collect(pullShopifyOrders(shop, { from: new Date(t0 + 10_000), to: new Date(t0 + 20_000) }, { limit: 3 }));
    expect(got).toHaveLength(10);
    expect(sim.calls).toHaveLength(4); // 3 + 3 + 3 + 1
  });

  it("yields payloads the connector's schema and normalize accept", async () => {
    const got = await collect(shopify.pull!(shop, { from: new Date(t1), to: new Date(t1 + 10 * MIN) }));
    const statuses = got.map((payload) => {
      const parsed = shopify.payloadSchema.parse(JSON.parse(JSON.stringify(payload)));
      const [event] = shopify.normalize(parsed, shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 });
      if (!event?.ok) throw new Error(event?.reason ?? 'no event');
      expect(event.value.lines).toEqual([
        { sku: 'TEE', quantity: 2, unitPriceMinor: 1999, itemId: '7000000000000', skuId: String((parsed.line_items[0]?.variant_id ?? 0) as number) },
      ]);
      return event.value.status;
    });
    expect(statuses.sort()).toEqual(['CANCELLED', 'PAID', 'PAID']);
  });

  it("a wrong access token gets Shopify's 401", async () => {
    const wrong = { ...shop, credentials: { accessToken: 'shpat_wrong' } };
    const err = await collect(pullShopifyOrders(wrong, { from: new Date(t0), to: new Date(t0 + MIN) })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ api: 'shopify', status: 401, retryable: false, message: expect.stringContaining('Invalid API key or access token') });
  });

  it('refuses to pull without an access token', async () => {
    await expect(collect(pullShopifyOrders({ ...shop, credentials: {} }, { from: new Date(t0), to: new Date(t0 + MIN) }))).rejects.toThrow(/accessToken/);
  });
});

describe('Link header parsing', () => {
  it('picks rel="next" among several links, and nothing when there is none', () => {
    const prev = 'https://s.myshopify.com/admin/api/2025-07/orders.json?limit=250&page_info=abc';
    const next = 'https://s.myshopify.com/admin/api/2025-07/orders.json?limit=250&page_info=def';
    expect(nextPageUrl(`<${prev}>; rel="previous", <${next}>; rel="next"`)).toBe(next);
    expect(nextPageUrl(`<${next}>; rel=next`)).toBe(next);
    expect(nextPageUrl(`<${prev}>; rel="previous"`)).toBeNull();
    expect(nextPageUrl(null)).toBeNull();
    expect(nextPageUrl('')).toBeNull();
  });
});
