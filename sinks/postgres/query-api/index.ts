import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { CursorError, decodeOrderCursor, decodeStockCursor, encodeOrderCursor, encodeStockCursor, filterFingerprint } from './cursor.js';
import { fulfilmentRoutes } from './fulfilment-routes.js';
import { getOrder, getStock, listOrders, listStock, type OrderFilters, type OrderRow, type Queryable, quoteSchema, type StockRow } from './queries.js';
import { DEFAULT_LIMIT, getOrderSchema, getStockSchema, listOrdersSchema, listStockSchema } from './schemas.js';

/**
 * Read-only HTTP access to the Postgres projections (orders, order lines, order timeline, stock
 * levels). GET routes only, SELECTs only, parameterized SQL; responses pass through the route
 * schemas, so only the fields listed in schemas.ts can leave (region, never buyer names, phones
 * or addresses: the tables hold none).
 *
 *   GET /orders?channel=&shopId=&status=&from=&to=&limit=&cursor=   newest first, keyset paginated
 *   GET /orders/:orderKey                                           with lines and timeline
 *   GET /stock?sku=&warehouse=&limit=&cursor=                       by (sku, warehouse), keyset paginated
 *   GET /stock/:sku                                                 every warehouse, with totals
 *   GET /waves, /orders/:orderKey/fulfilment, /divergences          see fulfilment-routes.ts
 *   GET /openapi.json                                               (buildQueryApi) the OpenAPI 3.1 document
 */
export interface QueryApiOptions {
  /** Anything with pg's query(): a Pool (ideally connected as a read-only role). */
  pool: Queryable;
  /** Postgres schema of the projections (OMNISTREAM_PG_SCHEMA). */
  schema: string;
}

const iso = (d: Date) => d.toISOString();
/** bigint columns arrive as text; every amount/level here is far below 2^53. */
const num = (v: string | number) => Number(v);

const orderOut = (r: OrderRow) => ({
  orderKey: r.order_key,
  channel: r.channel,
  shopId: r.shop_id,
  brand: r.brand,
  channelOrderId: r.channel_order_id,
  status: r.status,
  channelStatus: r.channel_status,
  currency: r.currency,
  totalMinor: num(r.total_minor),
  buyerCountry: r.buyer_country,
  buyerProvince: r.buyer_province,
  buyerCity: r.buyer_city,
  presale: r.presale,
  detail: r.detail,
  occurredAt: iso(r.occurred_at),
  firstSeenAt: iso(r.first_seen_at),
  contentsAt: r.contents_at ? iso(r.contents_at) : null,
});

const stockOut = (r: StockRow) => ({
  sku: r.sku,
  warehouse: r.warehouse,
  physical: num(r.physical),
  locked: num(r.locked),
  reserved: num(r.reserved),
  safety: num(r.safety),
  available: num(r.available),
  version: num(r.version),
  updatedAt: iso(r.updated_at),
});

class BadRequest extends Error {
  readonly statusCode = 400;
}

/** The routes, as a plugin: register it in any fastify app (add @fastify/swagger first for OpenAPI). */
export const queryApiRoutes: FastifyPluginAsync<QueryApiOptions> = async (app, { pool, schema }) => {
  quoteSchema(schema); // refuse a bad schema name at start-up, not on the first request

  app.setErrorHandler((err: { statusCode?: number; message: string; validation?: unknown }, req, reply) => {
    if (err instanceof CursorError) return reply.code(400).send({ error: err.message });
    const status = err.validation ? 400 : err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      req.log.error({ err }, 'query api error');
      return reply.code(500).send({ error: 'internal error' }); // never the SQL error text
    }
    return reply.code(status).send({ error: err.message });
  });

  app.get<{ Querystring: OrderFilters & { limit?: number; cursor?: string } }>('/orders', { schema: listOrdersSchema }, async (req) => {
    const { limit = DEFAULT_LIMIT, cursor, ...filters } = req.query;
    if (filters.from && filters.to && Date.parse(filters.from) >= Date.parse(filters.to))
      throw new BadRequest('querystring/from must be before querystring/to');
    const fingerprint = filterFingerprint({ ...filters });
    const after = cursor ? decodeOrderCursor(cursor, fingerprint) : undefined;
    const rows = await listOrders(pool, schema, filters, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(orderOut),
      nextCursor: rows.length > limit && last ? encodeOrderCursor({ at: last.cursor_at, key: last.order_key }, fingerprint) : null,
    };
  });

  app.get<{ Params: { orderKey: string } }>('/orders/:orderKey', { schema: getOrderSchema }, async (req, reply) => {
    const found = await getOrder(pool, schema, req.params.orderKey);
    if (!found) return reply.code(404).send({ error: `no order ${req.params.orderKey}` });
    return {
      ...orderOut(found.order),
      lines: found.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPriceMinor: num(l.unit_price_minor) })),
      timeline: found.timeline.map((t) => ({ eventId: t.event_id, source: t.source, status: t.status, detail: t.detail, occurredAt: iso(t.occurred_at) })),
    };
  });

  app.get<{ Querystring: { sku?: string; warehouse?: string; limit?: number; cursor?: string } }>('/stock', { schema: listStockSchema }, async (req) => {
    const { limit = DEFAULT_LIMIT, cursor, ...filters } = req.query;
    const fingerprint = filterFingerprint({ ...filters });
    const after = cursor ? decodeStockCursor(cursor, fingerprint) : undefined;
    const rows = await listStock(pool, schema, filters, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(stockOut),
      nextCursor: rows.length > limit && last ? encodeStockCursor({ sku: last.sku, warehouse: last.warehouse }, fingerprint) : null,
    };
  });

  app.get<{ Params: { sku: string } }>('/stock/:sku', { schema: getStockSchema }, async (req, reply) => {
    const rows = await getStock(pool, schema, req.params.sku);
    if (rows.length === 0) return reply.code(404).send({ error: `no stock known for sku ${req.params.sku}` });
    const levels = rows.map(stockOut);
    const sum = (k: 'physical' | 'locked' | 'reserved' | 'safety' | 'available') => levels.reduce((n, l) => n + l[k], 0);
    return {
      sku: req.params.sku,
      warehouses: levels,
      total: { physical: sum('physical'), locked: sum('locked'), reserved: sum('reserved'), safety: sum('safety'), available: sum('available') },
    };
  });

  // Same scope: the error handler above answers for these routes too.
  await fulfilmentRoutes(app, { pool, schema });
};

/**
 * A standalone query API server: the routes, their OpenAPI document at GET /openapi.json, and
 * unknown query parameters refused (400) rather than ignored, so a typo never widens a query.
 * Call listen() on the result, or inject() in tests.
 */
export async function buildQueryApi(opts: QueryApiOptions & { logger?: boolean }): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    // Order keys are channel:shopId:channelOrderId: longer than the router's default 100 characters at times.
    routerOptions: { maxParamLength: 512 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true, allErrors: false } },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'omnistream query API',
        version: '1',
        description:
          "Read-only access to the hub's Postgres projections: orders (with lines and timeline), stock levels, shipments, waves, waybills and divergences. No buyer PII is stored or served.",
      },
      tags: [{ name: 'orders' }, { name: 'stock' }, { name: 'fulfilment' }, { name: 'divergences' }],
    },
  });
  await app.register(queryApiRoutes, { pool: opts.pool, schema: opts.schema });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` }));
  return app;
}
