import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../app/config.js';
import { migrate } from '../sinks/postgres/migrate.js';
import { writeProjection } from '../sinks/postgres/projection.js';
import type { OrderEvent, OrderStatus } from '../topics/schemas/order-event.js';

/**
 * The order projection on real Postgres: furthest state wins whatever the arrival order, status-only
 * events never erase contents, and writing the same events again changes nothing.
 */
const KEY = 'douyin:shop-1:6920000000000000001';
const full = (status: OrderStatus, at: number, total = 19900): OrderEvent => ({
  eventId: `${status}-${at}`,
  orderKey: KEY,
  channel: 'douyin',
  shopId: 'shop-1',
  brand: 'B',
  channelOrderId: '6920000000000000001',
  status,
  channelStatus: `s${status}`,
  occurredAt: at,
  receivedAt: at,
  currency: 'CNY',
  totalMinor: total,
  lines: [{ sku: 'SKU-1', quantity: 2, unitPriceMinor: 9950 }],
  buyerCountry: 'CN',
  buyerProvince: '浙江省',
  buyerCity: '杭州市',
  presale: false,
  detail: 'FULL',
});
const statusOnly = (status: OrderStatus, at: number): OrderEvent => ({
  ...full(status, at),
  eventId: `${status}-${at}-s`,
  totalMinor: 0,
  lines: [],
  buyerCountry: null,
  buyerProvince: null,
  buyerCity: null,
  detail: 'STATUS_ONLY',
});

describe('postgres order projection', () => {
  let pool: pg.Pool;
  const schema = `t_proj_${Date.now().toString(36)}`;
  const row = async () => (await pool.query(`select status, total_minor, buyer_province, detail from ${schema}.orders where order_key = $1`, [KEY])).rows[0];
  const lines = async () => (await pool.query(`select sku, quantity from ${schema}.order_lines where order_key = $1`, [KEY])).rows;
  const write = async (events: OrderEvent[]) => {
    const client = await pool.connect();
    try {
      await writeProjection(client, schema, events, []);
    } finally {
      client.release();
    }
  };
  const reset = () => pool.query(`truncate ${schema}.orders, ${schema}.order_lines, ${schema}.order_timeline cascade`);

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: loadConfig({ ...process.env, ...inject('stackEnv') }).DATABASE_URL });
    expect(await migrate(pool, schema)).toEqual([
      '001_orders_and_stock.sql',
      '002_order_detail.sql',
      '003_query_api.sql',
      '004_fulfilment.sql',
      '005_divergences.sql',
      '006_stock_sync.sql',
    ]);
    expect(await migrate(pool, schema)).toEqual([]); // versioned: nothing twice
  });
  afterAll(async () => {
    await pool.query(`drop schema if exists ${schema} cascade`);
    await pool.end();
  });

  it('a status-only push that runs ahead keeps its status when the full order arrives later', async () => {
    await reset();
    await write([statusOnly('SHIPPED', 3000)]);
    expect(await row()).toEqual({ status: 'SHIPPED', total_minor: '0', buyer_province: null, detail: 'STATUS_ONLY' });
    await write([full('PAID', 2000)]);
    expect(await row()).toEqual({ status: 'SHIPPED', total_minor: '19900', buyer_province: '浙江省', detail: 'FULL' });
    expect(await lines()).toEqual([{ sku: 'SKU-1', quantity: 2 }]);
  });

  it('a status-only event never erases what a full one brought', async () => {
    await reset();
    await write([full('PAID', 2000)]);
    await write([statusOnly('SHIPPED', 3000)]);
    expect(await row()).toEqual({ status: 'SHIPPED', total_minor: '19900', buyer_province: '浙江省', detail: 'FULL' });
  });

  it('any arrival order, in one batch or many, and any repetition, ends in the same row', async () => {
    const events = [full('CREATED', 1000, 100), statusOnly('PAID', 2000), full('PAID', 2000, 200), statusOnly('SHIPPED', 3000), full('CREATED', 1000, 100)];
    const orders = [
      [0, 1, 2, 3, 4],
      [4, 3, 2, 1, 0],
      [3, 0, 4, 1, 2],
      [1, 3, 0, 2, 4],
    ];
    const results = [];
    for (const order of orders) {
      for (const batched of [true, false]) {
        await reset();
        const sequence = order.map((i) => events[i]!);
        if (batched) await write(sequence);
        else for (const e of sequence) await write([e]);
        await write(sequence); // replayed
        results.push(await row());
      }
    }
    for (const r of results) expect(r).toEqual({ status: 'SHIPPED', total_minor: '200', buyer_province: '浙江省', detail: 'FULL' });
  });
});
