import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../sinks/postgres/migrate.js';
import { writeProjection } from '../sinks/postgres/projection.js';
import { buildQueryApi } from '../sinks/postgres/query-api/index.js';
import type { InventoryEvent } from '../topics/schemas/inventory-event.js';
import type { OrderEvent, OrderStatus } from '../topics/schemas/order-event.js';
import { createTestContext, type TestContext } from './support/context.js';

/**
 * The read-only query API over real projections: rows written by writeProjection into this file's
 * schema, every route exercised with inject(): filters, keyset pages (no duplicates, no gaps, ties
 * on occurredAt included), 400s with reasons, 404s, and the OpenAPI document.
 */
const T = Date.UTC(2026, 0, 10, 8, 0, 0);

type Spec = { key: string; events: { status: OrderStatus; at: number; detail?: 'FULL' | 'STATUS_ONLY' }[]; lines?: OrderEvent['lines'] };
const orderSpecs: Spec[] = [
  { key: 'shopify:shop-a:1001', events: [{ status: 'CREATED', at: T + 1001 }] },
  {
    key: 'shopify:shop-a:1002',
    events: [
      { status: 'CREATED', at: T + 500 },
      { status: 'PAID', at: T + 2000 },
    ],
    lines: [
      { sku: 'SKU-B', quantity: 1, unitPriceMinor: 500 },
      { sku: 'SKU-A', quantity: 2, unitPriceMinor: 1999 },
    ],
  },
  { key: 'shopify:shop-b:2001', events: [{ status: 'SHIPPED', at: T + 2000 }] },
  { key: 'jd:jd-1:3001', events: [{ status: 'PAID', at: T + 2000 }] },
  {
    key: 'jd:jd-1:3002',
    events: [
      { status: 'CREATED', at: T + 3000 },
      { status: 'CANCELLED', at: T + 5000 },
    ],
  },
  { key: 'jd:jd-1:3003', events: [{ status: 'CREATED', at: T + 7000 }] },
  { key: 'douyin:dy-1:4001', events: [{ status: 'SHIPPED', at: T + 6000, detail: 'STATUS_ONLY' }] },
  // Many orders on few distinct times: keyset pages must break ties on orderKey.
  ...Array.from(
    { length: 23 },
    (_, i): Spec => ({
      key: `youzan:yz-1:${5000 + i}`,
      events: [{ status: i % 3 === 0 ? 'PAID' : 'CREATED', at: T + 1000 * (i % 4) }],
    }),
  ),
];
const [channelOf, shopOf, idOf] = [(k: string) => k.split(':')[0]!, (k: string) => k.split(':')[1]!, (k: string) => k.split(':')[2]!];

const orderEvents: OrderEvent[] = orderSpecs.flatMap((o) =>
  o.events.map((e, i): OrderEvent => {
    const full = (e.detail ?? 'FULL') === 'FULL';
    const lines = full ? (o.lines ?? [{ sku: 'SKU-A', quantity: 1, unitPriceMinor: 1000 }]) : [];
    return {
      eventId: `${o.key}#${i}`,
      orderKey: o.key,
      channel: channelOf(o.key),
      shopId: shopOf(o.key),
      brand: 'Brand',
      channelOrderId: idOf(o.key),
      status: e.status,
      channelStatus: `raw:${e.status.toLowerCase()}`,
      occurredAt: e.at,
      receivedAt: e.at + 5,
      currency: 'CNY',
      totalMinor: full ? lines.reduce((n, l) => n + l.quantity * l.unitPriceMinor, 0) : 0,
      lines,
      buyerCountry: full ? 'CN' : null,
      buyerProvince: full ? '浙江省' : null,
      buyerCity: full ? '杭州市' : null,
      presale: false,
      detail: e.detail ?? 'FULL',
    };
  }),
);

const final = (o: Spec) => o.events.at(-1)!;
/** Newest first, ties by orderKey descending (byte order: the keys are ASCII). */
const expectedOrderKeys = (pred: (o: Spec) => boolean = () => true) =>
  orderSpecs
    .filter(pred)
    .sort((a, b) => final(b).at - final(a).at || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0))
    .map((o) => o.key);

let version = 0;
const inv = (kind: InventoryEvent['kind'], sku: string, warehouse: string, physical: number, extra: Partial<InventoryEvent> = {}): InventoryEvent => ({
  eventId: `inv-${++version}`,
  kind,
  orderKey: null,
  sku,
  warehouse,
  quantity: 1,
  reason: null,
  physical,
  locked: 0,
  reserved: 0,
  safety: 0,
  presaleQuota: 0,
  available: physical,
  version,
  occurredAt: T + version,
  ...extra,
});
const SKUS = Array.from({ length: 9 }, (_, i) => `SKU-${String.fromCharCode(65 + i)}`); // SKU-A … SKU-I
const WAREHOUSES = ['WH-EAST', 'WH-SOUTH'];
const inventoryEvents: InventoryEvent[] = [
  ...SKUS.flatMap((sku, i) => WAREHOUSES.filter((_, w) => !(w === 1 && i % 3 === 2)).map((wh) => inv('RECEIVED', sku, wh, 10 * (i + 1)))), // some SKUs only in WH-EAST
  inv('LOCKED', 'SKU-A', 'WH-EAST', 10, { orderKey: 'shopify:shop-a:1002', quantity: 2, locked: 2, available: 8, occurredAt: T + 600 }),
  inv('RESERVED', 'SKU-A', 'WH-EAST', 10, { orderKey: 'shopify:shop-a:1002', quantity: 2, reserved: 2, available: 8, occurredAt: T + 2100 }),
];
const stockKeys = () => [...new Set(inventoryEvents.map((e) => `${e.sku}@${e.warehouse}`))].sort();

/** Response bodies, as far as these tests read them (the routes' JSON schemas fix the rest). */
type Page<T> = { items: T[]; nextCursor: string | null };
type OrderItem = { orderKey: string };
type StockItem = { sku: string; warehouse: string };
type OrderBody = { lines: unknown[]; timeline: { source: string; status: string }[] };
type StockBody = { sku: string; warehouses: { warehouse: string; physical: number }[]; total: Record<string, number> };
type ErrorBody = { error: string };
type OpenApiBody = {
  openapi: string;
  paths: Record<
    string,
    {
      get: {
        parameters: { name: string; in: string }[];
        responses: Record<string, { content: Record<string, { schema: { properties: { items: { items: { properties: Record<string, unknown> } } } } }> }>;
      };
    }
  >;
};

describe('query api over the Postgres projections', () => {
  let ctx: TestContext;
  let app: FastifyInstance;
  const get = async <T = unknown>(url: string) => {
    const res = await app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json<T>() };
  };
  /** Follows nextCursor to the end; returns every item and the number of pages. */
  const pages = async <T>(path: string, params: Record<string, string>, limit: number) => {
    const items: T[] = [];
    let cursor: string | null = null;
    let n = 0;
    do {
      const q: URLSearchParams = new URLSearchParams({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) });
      const { status, body } = await get<Page<T>>(`${path}?${q}`);
      expect(status).toBe(200);
      expect(body.items.length).toBeLessThanOrEqual(limit);
      items.push(...body.items);
      cursor = body.nextCursor;
      if (++n > 100) throw new Error('pagination does not end');
    } while (cursor);
    return { items, pages: n };
  };

  beforeAll(async () => {
    ctx = await createTestContext('query');
    expect(await migrate(ctx.pool, ctx.namespace)).toContain('002_order_detail.sql');
    const client = await ctx.pool.connect();
    try {
      // Two batches, the second replaying part of the first: the projection is idempotent anyway.
      await writeProjection(client, ctx.namespace, orderEvents.slice(0, 10), inventoryEvents.slice(0, 5));
      await writeProjection(client, ctx.namespace, orderEvents, inventoryEvents);
    } finally {
      client.release();
    }
    app = await buildQueryApi({ pool: ctx.pool, schema: ctx.namespace });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('lists every order newest first, region only, nothing else', async () => {
    const { status, body } = await get<Page<OrderItem>>('/orders?limit=500');
    expect(status).toBe(200);
    expect(body.nextCursor).toBeNull();
    expect(body.items.map((o) => o.orderKey)).toEqual(expectedOrderKeys());
    const o1002 = body.items.find((o) => o.orderKey === 'shopify:shop-a:1002');
    expect(o1002).toEqual({
      orderKey: 'shopify:shop-a:1002',
      channel: 'shopify',
      shopId: 'shop-a',
      brand: 'Brand',
      channelOrderId: '1002',
      status: 'PAID',
      channelStatus: 'raw:paid',
      currency: 'CNY',
      totalMinor: 4498,
      buyerCountry: 'CN',
      buyerProvince: '浙江省',
      buyerCity: '杭州市',
      presale: false,
      detail: 'FULL',
      occurredAt: new Date(T + 2000).toISOString(),
      firstSeenAt: new Date(T + 505).toISOString() /* the order's first event */,
      contentsAt: new Date(T + 2000).toISOString(),
    });
    // The default page size is 50 (the whole set here).
    expect((await get<Page<OrderItem>>('/orders')).body.items).toHaveLength(orderSpecs.length);
  });

  it('pages through all orders without duplicates or gaps, ties on occurredAt included', async () => {
    for (const limit of [1, 4, 7]) {
      const { items, pages: n } = await pages<OrderItem>('/orders', {}, limit);
      const keys = items.map((o) => o.orderKey);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toEqual(expectedOrderKeys());
      expect(n).toBe(Math.ceil(orderSpecs.length / limit)); // a full last page says so: no empty page after it
    }
  });

  it('filters by channel, shop, status and time window (from inclusive, to exclusive), also across pages', async () => {
    const keysOf = async (q: string) => (await get<Page<OrderItem>>(`/orders?limit=500&${q}`)).body.items.map((o) => o.orderKey);
    expect(await keysOf('channel=jd')).toEqual(expectedOrderKeys((o) => channelOf(o.key) === 'jd'));
    expect(await keysOf('channel=shopify&shopId=shop-a')).toEqual(['shopify:shop-a:1002', 'shopify:shop-a:1001']);
    expect(await keysOf('status=PAID')).toEqual(expectedOrderKeys((o) => final(o).status === 'PAID'));
    expect((await keysOf('status=PAID')).length).toBeGreaterThan(3);
    const from = new Date(T + 2000).toISOString();
    const to = new Date(T + 5000).toISOString();
    expect(await keysOf(`from=${from}&to=${to}`)).toEqual(expectedOrderKeys((o) => final(o).at >= T + 2000 && final(o).at < T + 5000));
    expect(await keysOf(`from=${from}&to=${to}`)).toContain('jd:jd-1:3001'); // at T+2000: from is inclusive
    expect(await keysOf(`from=${from}&to=${to}`)).not.toContain('jd:jd-1:3002'); // at T+5000: to is exclusive
    // The same instant in another offset is the same instant.
    expect(await keysOf(`from=${encodeURIComponent('2026-01-10T16:00:02+08:00')}&to=${to}`)).toEqual(await keysOf(`from=${from}&to=${to}`));
    expect(await keysOf('channel=meituan')).toEqual([]);

    const filtered = await pages<OrderItem>('/orders', { channel: 'youzan', status: 'CREATED', to: new Date(T + 3000).toISOString() }, 2);
    expect(filtered.items.map((o) => o.orderKey)).toEqual(
      expectedOrderKeys((o) => channelOf(o.key) === 'youzan' && final(o).status === 'CREATED' && final(o).at < T + 3000),
    );
    expect(filtered.items.length).toBeGreaterThan(4);
  });

  it('returns one order with its lines and its timeline, oldest first', async () => {
    const { status, body } = await get<OrderBody>(`/orders/${encodeURIComponent('shopify:shop-a:1002')}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ orderKey: 'shopify:shop-a:1002', status: 'PAID', totalMinor: 4498 });
    expect(body.lines).toEqual([
      { sku: 'SKU-A', quantity: 2, unitPriceMinor: 1999 },
      { sku: 'SKU-B', quantity: 1, unitPriceMinor: 500 },
    ]);
    expect(body.timeline.map((t) => `${t.source}:${t.status}`)).toEqual([
      'channel:shopify:CREATED',
      'processor:inventory:LOCKED',
      'channel:shopify:PAID',
      'processor:inventory:RESERVED',
    ]);
    expect(body.timeline[1]).toEqual({
      eventId: expect.any(String),
      source: 'processor:inventory',
      status: 'LOCKED',
      detail: 'SKU-A × 2 @ WH-EAST',
      occurredAt: new Date(T + 600).toISOString(),
    });

    const statusOnly = await get<OrderBody>('/orders/douyin:dy-1:4001'); // ':' needs no encoding in a path segment
    expect(statusOnly.status).toBe(200);
    expect(statusOnly.body).toMatchObject({ status: 'SHIPPED', detail: 'STATUS_ONLY', totalMinor: 0, buyerProvince: null, contentsAt: null, lines: [] });
    expect(statusOnly.body.timeline).toHaveLength(1);
  });

  it('answers 404 with a reason for unknown orders, SKUs and routes; writes are not routes', async () => {
    expect(await get('/orders/shopify:shop-a:9999')).toEqual({ status: 404, body: { error: 'no order shopify:shop-a:9999' } });
    expect(await get('/stock/NO-SUCH-SKU')).toEqual({ status: 404, body: { error: 'no stock known for sku NO-SUCH-SKU' } });
    expect((await get('/customers')).status).toBe(404);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      expect((await app.inject({ method, url: '/orders', payload: {} })).statusCode, method).toBe(404);
    }
  });

  it('refuses bad parameters with 400 and the reason', async () => {
    const otherFilters = (await get<Page<OrderItem>>('/orders?channel=youzan&limit=2')).body.nextCursor as string;
    expect(otherFilters).toEqual(expect.any(String));
    const cases: [string, RegExp][] = [
      ['/orders?limit=0', /limit must be >= 1/],
      ['/orders?limit=501', /limit must be <= 500/],
      ['/orders?limit=ten', /limit must be integer/],
      ['/orders?status=TELEPORTED', /status must be equal to one of the allowed values/],
      ['/orders?channel=JD!', /channel must match pattern/],
      ['/orders?from=yesterday', /from must match format "date-time"/],
      ['/orders?from=2026-01-10T08:00:00', /from must match format "date-time"/], // no offset: ambiguous
      [`/orders?from=${new Date(T + 5000).toISOString()}&to=${new Date(T + 5000).toISOString()}`, /from must be before/],
      ['/orders?staus=PAID', /must NOT have additional properties/], // a typo never widens the query
      ['/orders?cursor=%21%21%21', /invalid cursor/],
      [`/orders?cursor=${Buffer.from('{"t":"o","at":"now","k":"x"}').toString('base64url')}`, /invalid cursor/],
      [`/orders?cursor=${Buffer.from('[1,2]').toString('base64url')}`, /invalid cursor/],
      [`/orders?channel=jd&cursor=${otherFilters}`, /cursor was issued for other filters/],
      [`/stock?cursor=${otherFilters}`, /invalid cursor/], // an orders cursor is not a stock cursor
      ['/stock?limit=1000', /limit must be <= 500/],
      ['/stock?warehouse=WH%20EAST', /warehouse must match pattern/],
      ['/stock?color=red', /must NOT have additional properties/],
      [`/orders/${'x'.repeat(301)}`, /orderKey must NOT have more than 300 characters/],
    ];
    for (const [url, reason] of cases) {
      const { status, body } = await get<ErrorBody>(url);
      expect({ url, status }).toEqual({ url, status: 400 });
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error, url).toMatch(reason);
    }
    // The same cursor with its own filters works.
    expect((await get(`/orders?channel=youzan&limit=2&cursor=${otherFilters}`)).status).toBe(200);
  });

  it('lists stock by (sku, warehouse), paged and filtered', async () => {
    const all = await get<Page<StockItem>>('/stock?limit=500');
    expect(all.status).toBe(200);
    expect(all.body.items.map((s) => `${s.sku}@${s.warehouse}`)).toEqual(stockKeys());
    expect(all.body.items[0]).toEqual({
      sku: 'SKU-A',
      warehouse: 'WH-EAST',
      physical: 10,
      locked: 0,
      reserved: 2,
      safety: 0,
      available: 8,
      version: expect.any(Number),
      updatedAt: new Date(T + 2100).toISOString(),
    });
    for (const limit of [1, 5]) {
      const { items } = await pages<StockItem>('/stock', {}, limit);
      const keys = items.map((s) => `${s.sku}@${s.warehouse}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toEqual(stockKeys());
    }
    const south = await pages<StockItem>('/stock', { warehouse: 'WH-SOUTH' }, 2);
    expect(south.items.map((s) => s.sku)).toEqual(
      stockKeys()
        .filter((k) => k.endsWith('@WH-SOUTH'))
        .map((k) => k.split('@')[0]),
    );
    expect(south.items.length).toBeGreaterThan(2);
    expect((await get<Page<StockItem>>('/stock?sku=SKU-B')).body.items.map((s) => s.warehouse)).toEqual(['WH-EAST', 'WH-SOUTH']);
    expect((await get<Page<StockItem>>('/stock?sku=SKU-C&warehouse=WH-SOUTH')).body.items).toEqual([]); // SKU-C is only in WH-EAST
  });

  it('returns one SKU in every warehouse with totals', async () => {
    const { status, body } = await get<StockBody>('/stock/SKU-B');
    expect(status).toBe(200);
    expect(body.sku).toBe('SKU-B');
    expect(body.warehouses.map((w) => [w.warehouse, w.physical])).toEqual([
      ['WH-EAST', 20],
      ['WH-SOUTH', 20],
    ]);
    expect(body.total).toEqual({ physical: 40, locked: 0, reserved: 0, safety: 0, available: 40 });
    expect((await get<StockBody>('/stock/SKU-A')).body.total).toMatchObject({ physical: 20, reserved: 2, available: 18 });
  });

  it('serves an OpenAPI document listing every route with its parameters and answers', async () => {
    const { status, body } = await get<OpenApiBody>('/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths).sort()).toEqual([
      '/divergences',
      '/orders',
      '/orders/{orderKey}',
      '/orders/{orderKey}/fulfilment',
      '/stock',
      '/stock/{sku}',
      '/waves',
    ]);
    const params = (path: string) => body.paths[path]!.get.parameters.map((p) => `${p.in}:${p.name}`).sort();
    expect(params('/orders')).toEqual(['query:channel', 'query:cursor', 'query:from', 'query:limit', 'query:shopId', 'query:status', 'query:to']);
    expect(params('/orders/{orderKey}')).toEqual(['path:orderKey']);
    expect(params('/stock')).toEqual(['query:cursor', 'query:limit', 'query:sku', 'query:warehouse']);
    expect(params('/stock/{sku}')).toEqual(['path:sku']);
    expect(params('/waves')).toEqual(['query:cursor', 'query:kind', 'query:limit', 'query:warehouse']);
    expect(params('/orders/{orderKey}/fulfilment')).toEqual(['path:orderKey']);
    expect(params('/divergences')).toEqual(['query:channel', 'query:cursor', 'query:limit', 'query:state', 'query:type']);
    for (const path of Object.keys(body.paths)) {
      expect(Object.keys(body.paths[path]!), path).toEqual(['get']);
      expect(Object.keys(body.paths[path]!.get.responses).sort(), path).toEqual(path.includes('{') ? ['200', '400', '404'] : ['200', '400']);
    }
    const orderSchema = body.paths['/orders']!.get.responses['200']!.content['application/json']!.schema.properties.items.items;
    expect(Object.keys(orderSchema.properties).filter((k) => /name|phone|address|mobile|email/i.test(k) && k !== 'brand')).toEqual([]);
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(buildQueryApi({ pool: ctx.pool, schema: 'x; drop table orders' })).rejects.toThrow(/plain lower-case SQL identifier/);
  });
});
