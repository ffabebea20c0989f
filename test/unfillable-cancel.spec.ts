import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../app/pipeline.js';
import type { ShopConfig } from '../connectors/contract.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { createDurableProducer, type Producer } from '../lib/kafka.js';
import { publish } from '../lib/publish.js';
import { parseStockPolicy, policyToJson } from '../processors/stock-sync/policy.js';
import { type JdSimulator, makeJdOrder, startJdSimulator, withState } from '../simulators/jd/index.js';
import type { OrderEvent } from '../topics/schemas/order-event.js';
import { createTestContext, type TestContext } from './support/context.js';
import { waitFor } from './support/processor-child.js';
import { readAll } from './support/read-topic.js';

/*
 * Paid orders the hub cannot fill, end to end on the real stack: inventory rejects them, stock-sync
 * puts them on the exception queue and, where the shop's policy cancels, issues CANCEL_UNFILLABLE;
 * sync-back tells the channel (JD's simulated 删单申请 over signed JOS), reads the order back, and
 * the exception ends CANCELLED, or CANCEL_FAILED where the channel has no such API (Taobao).
 */
const WH = 'WH-EAST';
const JD = { appKey: 'JD-AK-UNFILL', secret: 'jd-unfill-secret-01', token: 'JD-TOKEN-UNFILL' };
const PAID_AT = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;

describe('paid orders the hub cannot fill: held, or cancelled at the channel', () => {
  let ctx: TestContext;
  let producer: Producer;
  let pipeline: Pipeline;
  let jd: JdSimulator;

  const shops = (): ShopConfig[] => [
    { channel: 'jd', shopId: 'jd-cancel', brand: 'Omni', secret: JD.secret, endpoint: jd.url, credentials: { appKey: JD.appKey, accessToken: JD.token } },
    { channel: 'jd', shopId: 'jd-hold', brand: 'Omni', secret: JD.secret, endpoint: jd.url, credentials: { appKey: JD.appKey, accessToken: JD.token } },
    { channel: 'taobao', shopId: 'tb-cancel', brand: 'Omni', secret: 'unused-secret' },
  ];

  const paidOrder = (channel: string, shopId: string, channelOrderId: string, channelStatus: string): OrderEvent => ({
    eventId: `${channel}-${channelOrderId}-paid`,
    orderKey: `${channel}:${shopId}:${channelOrderId}`,
    channel,
    shopId,
    brand: 'Omni',
    channelOrderId,
    status: 'PAID',
    channelStatus,
    occurredAt: PAID_AT,
    receivedAt: PAID_AT,
    currency: 'CNY',
    totalMinor: 3000,
    lines: [{ sku: 'GONE', quantity: 1, unitPriceMinor: 3000, itemId: '10077', skuId: '100077001' }],
    buyerCountry: 'CN',
    buyerProvince: null,
    buyerCity: null,
    presale: false,
    detail: 'FULL',
  });

  beforeAll(async () => {
    ctx = await createTestContext('unfillable');
    jd = await startJdSimulator({ appKey: JD.appKey, secret: JD.secret, accessToken: JD.token });
    for (const id of ['300000009001', '300000009002'])
      jd.upsertOrder(
        withState(
          makeJdOrder({ orderId: id, createdAt: new Date(PAID_AT - 60_000), lines: [{ skuId: '100077001', wareId: '10077', quantity: 1, price: '30.00' }] }),
          'WAIT_SELLER_STOCK_OUT',
          new Date(PAID_AT),
        ),
      );
    producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    const cancel = parseStockPolicy({ onUnfillable: 'CANCEL' });
    if (!cancel.ok) throw new Error(cancel.reason);
    await publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'stockPolicies',
      [
        ['jd', 'jd-cancel'],
        ['taobao', 'tb-cancel'],
      ].map(([channel, shopId]) => ({
        key: `${channel}:${shopId}`,
        value: { channel: channel!, shopId: shopId!, policyJson: policyToJson(cancel.policy), deleted: false, updatedAt: PAID_AT },
      })),
    );
    pipeline = await startPipeline({ ...ctx.config, OMNISTREAM_HTTP_PORT: 0, OMNISTREAM_UNPAID_TIMEOUT_MINUTES: 0, OMNISTREAM_WAREHOUSES: [WH] }, ctx.log, {
      shops: new ShopDirectory(shops()),
      parts: { inventory: true, 'stock-sync': true, syncBack: true },
      overrides: { syncBack: { retry: { attempts: 3, baseMs: 50, maxMs: 200 } } },
    });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await producer?.disconnect();
    await jd?.close();
    await ctx?.close();
  });

  it('cancels where the policy says so and the channel can be told, holds the rest, and never leaves one silently paid', async () => {
    const orders = [
      paidOrder('jd', 'jd-cancel', '300000009001', 'WAIT_SELLER_STOCK_OUT'),
      paidOrder('jd', 'jd-hold', '300000009002', 'WAIT_SELLER_STOCK_OUT'),
      paidOrder('taobao', 'tb-cancel', '4200000000000009003', 'WAIT_SELLER_SEND_GOODS'),
    ];
    await publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'orderEvents',
      orders.map((o) => ({ key: o.orderKey, value: o })),
    );
    const latest = async () => {
      const byId = new Map((await readAll(ctx, 'hubExceptions')).map((e) => [e.subject, e]));
      return orders.map((o) => byId.get(o.orderKey)?.state);
    };
    await waitFor(
      'every exception in its final state',
      async () => JSON.stringify(await latest()) === JSON.stringify(['CANCELLED', 'OPEN', 'CANCEL_FAILED']),
      90_000,
    );
    // JD was told once, for the shop whose policy cancels; the held shop's order was left alone.
    expect(jd.orderDeletes.map((d) => d.orderId)).toEqual(['300000009001']);
    expect(jd.order('300000009001')?.orderState).toBe('TRADE_CANCELED');
    expect(jd.order('300000009002')?.orderState).toBe('WAIT_SELLER_STOCK_OUT');
    // The exception went OPEN → CANCEL_REQUESTED → CANCELLED, and the confirming pull brought the channel's cancellation into the hub.
    const history = (await readAll(ctx, 'hubExceptions')).filter((e) => e.subject === orders[0]!.orderKey).map((e) => e.state);
    expect(history).toEqual(['CANCEL_REQUESTED', 'CANCELLED']);
    await waitFor(
      'the cancelled JD order on order-events',
      async () => (await readAll(ctx, 'orderEvents')).some((e) => e.orderKey === orders[0]!.orderKey && e.status === 'CANCELLED'),
      30_000,
    );
    const failed = (await readAll(ctx, 'hubExceptions')).find((e) => e.subject === orders[2]!.orderKey && e.state === 'CANCEL_FAILED');
    expect(failed?.reason).toMatch(/taobao connector has no API to cancel, refund or mark out of stock/);
    const outcomes = await readAll(ctx, 'commandOutcomes');
    expect(outcomes.filter((o) => o.commandKind === 'CANCEL_UNFILLABLE').map((o) => [o.orderKey, o.state])).toEqual(
      expect.arrayContaining([
        [orders[0]!.orderKey, 'SUCCEEDED'],
        [orders[2]!.orderKey, 'FAILED'],
      ]),
    );
  }, 150_000);
});
