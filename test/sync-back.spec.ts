import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyChannelConnector, ShopConfig } from '../connectors/contract.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { CONNECTORS } from '../connectors/registry.js';
import { createDurableProducer } from '../lib/kafka.js';
import { type Running, runProcessor } from '../lib/processor/run.js';
import { type DouyinSimulator, makeDouyinOrder, startDouyinSimulator, withDouyinStatus } from '../simulators/douyin/index.js';
import { type JdSimulator, makeJdOrder, startJdSimulator, withState } from '../simulators/jd/index.js';
import { makePddOrder, type PddSimulator, startPddSimulator, withPddStatus } from '../simulators/pinduoduo/index.js';
import { makeShopifyOrder, type ShopifySimulator, startShopifySimulator, withStatus as withShopifyStatus } from '../simulators/shopify/index.js';
import { makeTaobaoTrade, startTaobaoSimulator, type TaobaoSimulator, withStatus as withTaobaoStatus } from '../simulators/taobao/index.js';
import { syncBack } from '../sinks/sync-back/processor.js';
import { channelCommandTopic } from '../topics/catalog.js';
import type { ChannelCommand } from '../topics/schemas/channel-command.js';
import type { CommandOutcome } from '../topics/schemas/command-outcome.js';
import type { OrderEvent } from '../topics/schemas/order-event.js';
import { createTestContext, type TestContext } from './support/context.js';
import { collectTopic, type TopicCollector } from './support/sync-back-collector.js';

/*
 * Sync-back on the real stack: channel commands on their per-channel Kafka topics, executed against
 * the five platform simulators (the platforms themselves cannot be reached), outcomes on
 * command-outcomes, and the channels' new status back on order-events through the normal ingest
 * path (Kafka, registry, Redis dedupe).
 */
const CHANNELS = ['shopify', 'taobao', 'jd', 'pinduoduo', 'douyin'] as const;
type Channel = (typeof CHANNELS)[number];
const SHOP: Record<Channel, string> = { shopify: 'omni-sync.myshopify.com', taobao: 'tb-sync', jd: 'jd-sync', pinduoduo: 'pdd-sync', douyin: 'dy-sync' };
const SP = { token: 'shpat_sync_back_0001', secret: 'shpss_sync_back_secret' };
const TB = { appKey: '23456789', secret: 'tb-sync-secret-01', session: '6100sync-session-01' };
const JD = { appKey: 'JD-AK-SYNC', secret: 'jd-sync-secret-01', token: 'JD-TOKEN-SYNC' };
const PDD = { clientId: 'pdd-client-sync', secret: 'pdd-sync-secret-01', token: 'pdd-token-sync' };
const DY = { appKey: '7012345678901230001', secret: 'dy-sync-secret-01', token: 'dy-token-sync' };

const PAID_AT = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
const CREATED_AT = new Date(PAID_AT - 60_000);

describe('sync-back: executing channel commands on the real stack', () => {
  let ctx: TestContext;
  let sp: ShopifySimulator;
  let tb: TaobaoSimulator;
  let jd: JdSimulator;
  let pdd: PddSimulator;
  let dy: DouyinSimulator;
  let producer: ReturnType<typeof createDurableProducer>;
  let executor: Running<object> | undefined;
  let outcomes: TopicCollector<CommandOutcome>;
  let events: TopicCollector<OrderEvent>;
  const connectors: Record<string, AnyChannelConnector> = Object.fromEntries(CHANNELS.map((c) => [c, CONNECTORS[c]!]));

  /** A paid order, awaiting shipment, in the channel's simulator; returns its channel order id. */
  const seedPaidOrder = (channel: Channel, n: number, opts: { cancelled?: boolean } = {}): string => {
    const paid = new Date(PAID_AT);
    switch (channel) {
      case 'shopify': {
        const id = 5_950_000_000_000 + n;
        sp.upsertOrder(
          withShopifyStatus(makeShopifyOrder({ id, lines: [{ sku: `SP-${n}`, quantity: 1, price: '19.99' }], createdAt: CREATED_AT }), 'paid', null, paid),
        );
        return String(id);
      }
      case 'taobao': {
        const tid = String(4_200_000_000_000_000_000n + BigInt(n));
        tb.upsertOrder(
          withTaobaoStatus(
            makeTaobaoTrade({ tid, lines: [{ outerSkuId: `TB-${n}`, num: 1, price: '9.90' }], createdAt: CREATED_AT }),
            'WAIT_SELLER_SEND_GOODS',
            paid,
          ),
        );
        return tid;
      }
      case 'jd': {
        const orderId = String(310_000_000_000 + n);
        jd.upsertOrder(
          withState(
            makeJdOrder({ orderId, createdAt: CREATED_AT, lines: [{ skuId: String(8000 + n), outerSkuId: `JD-${n}`, quantity: 1, price: '30.00' }] }),
            'WAIT_SELLER_STOCK_OUT',
            paid,
          ),
        );
        return orderId;
      }
      case 'pinduoduo': {
        const orderSn = `251125-${String(900_000_000_000_000 + n)}`;
        pdd.upsertOrder(withPddStatus(makePddOrder({ orderSn, items: [{ outerId: `PDD-${n}`, count: 1, price: '19.90' }], createdAt: CREATED_AT }), {}, paid));
        return orderSn;
      }
      case 'douyin': {
        const orderId = String(6_920_000_000_000_000_000n + BigInt(n));
        dy.upsertOrder(
          withDouyinStatus(
            makeDouyinOrder({
              orderId,
              skus: [{ skuId: String(1_789_000_000_000_000 + n), outSkuId: `DY-${n}`, quantity: 1, priceFen: 5000 }],
              createdAt: CREATED_AT,
            }),
            opts.cancelled ? 4 : 2,
            paid,
          ),
        );
        return orderId;
      }
    }
  };

  const commandFor = (kind: ChannelCommand['kind'], channel: Channel, channelOrderId: string, over: Partial<ChannelCommand> = {}): ChannelCommand => {
    const shopId = over.shopId ?? SHOP[channel];
    return {
      commandId: `${kind.toLowerCase()}-${channel}-${channelOrderId}`,
      kind,
      orderKey: `${channel}:${shopId}:${channelOrderId}`,
      channel,
      shopId,
      channelOrderId,
      carrier: kind === 'SHIP' ? 'SF' : null,
      waybillNo: kind === 'SHIP' ? `SF${channelOrderId.slice(-10)}` : null,
      divergenceId: null,
      reason: kind === 'SHIP' ? 'warehouse scanned the parcel out' : 'PAID push missing',
      since: PAID_AT,
      issuedAt: Date.now(),
      ...over,
    };
  };

  const send = async (...commands: ChannelCommand[]) => {
    for (const c of commands) {
      await producer.send({
        topic: channelCommandTopic(ctx.namespace, c.channel),
        acks: -1,
        messages: [{ key: c.orderKey, value: await ctx.serde.encode('channelCommands', c) }],
      });
    }
  };
  const outcomesOf = (commandId: string) => outcomes.records.filter((o) => o.commandId === commandId);
  const finalOf = (commandId: string) => outcomesOf(commandId).find((o) => o.state !== 'RETRYING');
  const waitFinal = (commandIds: string[]) => outcomes.waitFor(() => commandIds.every((id) => finalOf(id)), `final outcomes of ${commandIds.join(', ')}`);
  const shipmentsOf = (channel: Channel) =>
    ({ shopify: sp.shipments, taobao: tb.shipments, jd: jd.shipments, pinduoduo: pdd.shipments, douyin: dy.shipments })[channel].length;

  const start = async () => {
    executor = await runProcessor(syncBack, ctx.runtime(producer), {
      connectors,
      shops: new ShopDirectory(shops()),
      // Short waits keep the test quick; the schedule itself is unit-tested (backoff.test.ts).
      retry: { attempts: 5, baseMs: 100, maxMs: 1_000 },
    });
  };
  const shops = (): ShopConfig[] => [
    { channel: 'shopify', shopId: SHOP.shopify, brand: 'Omni', secret: SP.secret, endpoint: sp.url, credentials: { accessToken: SP.token } },
    { channel: 'taobao', shopId: SHOP.taobao, brand: 'Omni', secret: TB.secret, endpoint: tb.url, credentials: { appKey: TB.appKey, sessionKey: TB.session } },
    { channel: 'jd', shopId: SHOP.jd, brand: 'Omni', secret: JD.secret, endpoint: jd.url, credentials: { appKey: JD.appKey, accessToken: JD.token } },
    {
      channel: 'pinduoduo',
      shopId: SHOP.pinduoduo,
      brand: 'Omni',
      secret: PDD.secret,
      endpoint: pdd.url,
      credentials: { clientId: PDD.clientId, accessToken: PDD.token },
    },
    { channel: 'douyin', shopId: SHOP.douyin, brand: 'Omni', secret: DY.secret, endpoint: dy.url, credentials: { appKey: DY.appKey, accessToken: DY.token } },
  ];

  beforeAll(async () => {
    ctx = await createTestContext('syncback');
    [sp, tb, jd, pdd, dy] = await Promise.all([
      startShopifySimulator({ accessToken: SP.token }),
      startTaobaoSimulator({ appKey: TB.appKey, appSecret: TB.secret, sessionKey: TB.session }),
      startJdSimulator({ appKey: JD.appKey, secret: JD.secret, accessToken: JD.token }),
      startPddSimulator({ clientId: PDD.clientId, clientSecret: PDD.secret, accessToken: PDD.token }),
      startDouyinSimulator({ appKey: DY.appKey, appSecret: DY.secret, accessToken: DY.token }),
    ]);
    producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    outcomes = await collectTopic(ctx, 'commandOutcomes');
    events = await collectTopic(ctx, 'orderEvents');
    await start();
  });
  afterAll(async () => {
    await executor?.stop();
    await outcomes?.stop();
    await events?.stop();
    await producer?.disconnect();
    await Promise.all([sp?.close(), tb?.close(), jd?.close(), pdd?.close(), dy?.close()]);
    await ctx?.close();
  });

  it("ships on every channel, and each channel's SHIPPED status comes back on order-events", async () => {
    const commands = CHANNELS.map((channel) => commandFor('SHIP', channel, seedPaidOrder(channel, 1)));
    await send(...commands);
    await waitFinal(commands.map((c) => c.commandId));
    for (const c of commands) {
      expect(outcomesOf(c.commandId), c.channel).toEqual([
        expect.objectContaining({
          outcomeId: `${c.commandId}#1`,
          state: 'SUCCEEDED',
          attempt: 1,
          target: `channel:${c.channel}`,
          orderKey: c.orderKey,
          commandKind: 'SHIP',
          reason: "shipped; the channel's order was pulled and ingested",
        }),
      ]);
      expect(shipmentsOf(c.channel as Channel), c.channel).toBe(1);
    }
    await events.waitFor(
      (rs) => commands.every((c) => rs.some((e) => e.orderKey === c.orderKey && e.status === 'SHIPPED')),
      'SHIPPED events of the five orders',
    );
    // The carrier reached each platform in its own code.
    expect(sp.shipments[0]).toMatchObject({ company: 'SF Express', trackingNumber: commands[0]!.waybillNo });
    expect(tb.shipments[0]).toMatchObject({ companyCode: 'SF' });
    expect(dy.shipments[0]).toMatchObject({ companyCode: 'shunfeng' });
  });

  it('retries transient 5xx and rate limits (RETRYING outcomes), then succeeds', async () => {
    const tid = seedPaidOrder('taobao', 2);
    const sn = seedPaidOrder('pinduoduo', 2);
    tb.injectShipFaults(2, 'server-error');
    pdd.injectShipFaults(1, 'rate-limit');
    const commands = [commandFor('SHIP', 'taobao', tid), commandFor('SHIP', 'pinduoduo', sn)];
    await send(...commands);
    await waitFinal(commands.map((c) => c.commandId));
    expect(outcomesOf(commands[0]!.commandId).map((o) => [o.outcomeId, o.state])).toEqual([
      [`${commands[0]!.commandId}#1`, 'RETRYING'],
      [`${commands[0]!.commandId}#2`, 'RETRYING'],
      [`${commands[0]!.commandId}#3`, 'SUCCEEDED'],
    ]);
    expect(outcomesOf(commands[0]!.commandId)[0]!.reason).toContain('HTTP 502');
    expect(outcomesOf(commands[1]!.commandId).map((o) => o.state)).toEqual(['RETRYING', 'SUCCEEDED']);
    expect(outcomesOf(commands[1]!.commandId)[0]!.reason).toContain('70031');
    expect(tb.trade(tid)?.status).toBe('WAIT_BUYER_CONFIRM_GOODS');
    expect(pdd.order(sn)?.order_status).toBe(2);
  });

  it('fails a permanent error at once, and a command for an unknown shop, visibly', async () => {
    const cancelled = commandFor('SHIP', 'douyin', seedPaidOrder('douyin', 3, { cancelled: true }));
    const unknownShop = commandFor('SHIP', 'jd', '310000009999', { shopId: 'jd-unknown' });
    await send(cancelled, unknownShop);
    await waitFinal([cancelled.commandId, unknownShop.commandId]);
    expect(outcomesOf(cancelled.commandId)).toEqual([expect.objectContaining({ state: 'FAILED', attempt: 1, reason: expect.stringContaining('不允许发货') })]);
    expect(outcomesOf(unknownShop.commandId)).toEqual([
      expect.objectContaining({ state: 'FAILED', reason: 'shop jd/jd-unknown is not in the shop directory' }),
    ]);
    expect(dy.order(cancelled.channelOrderId)?.order_status).toBe(4);
  });

  it('executes a duplicate or redelivered command once, re-emitting its outcomes with the same ids', async () => {
    const command = commandFor('SHIP', 'jd', seedPaidOrder('jd', 4));
    await send(command);
    await waitFinal([command.commandId]);
    const shippedBefore = jd.shipments.length;
    // The same command again (a producer retry, or the hub issuing it twice).
    await send(command);
    await outcomes.waitFor(() => outcomesOf(command.commandId).length === 2, 'the re-emitted outcome');
    // A crash before the commit: the group starts over from the beginning of every command topic.
    await executor!.stop();
    const before = outcomes.records.length;
    await ctx.admin.resetOffsets({ groupId: `${ctx.namespace}.${syncBack.name}`, topic: channelCommandTopic(ctx.namespace, 'jd'), earliest: true });
    await start();
    // (Both deliveries of it come back in one batch, and are announced once.)
    await outcomes.waitFor(() => outcomesOf(command.commandId).length >= 3, 'the outcomes re-emitted after redelivery');
    expect(new Set(outcomesOf(command.commandId).map((o) => o.outcomeId))).toEqual(new Set([`${command.commandId}#1`]));
    expect(jd.shipments.filter((s) => s.orderId === command.channelOrderId)).toHaveLength(1);
    expect(jd.shipments.length).toBe(shippedBefore);
    // Redelivery re-announced the other jd commands too, but executed none of them.
    expect(outcomes.records.slice(before).every((o) => o.channel === 'jd')).toBe(true);
  });

  it('RECONCILE_ORDER pulls an order whose PAID push was lost, and its PAID event appears', async () => {
    const sn = seedPaidOrder('pinduoduo', 5);
    const orderId = seedPaidOrder('douyin', 5);
    const commands = [commandFor('RECONCILE_ORDER', 'pinduoduo', sn), commandFor('RECONCILE_ORDER', 'douyin', orderId)];
    expect(events.records.some((e) => commands.some((c) => c.orderKey === e.orderKey))).toBe(false);
    await send(...commands);
    await waitFinal(commands.map((c) => c.commandId));
    for (const c of commands) expect(finalOf(c.commandId)).toMatchObject({ state: 'SUCCEEDED', commandKind: 'RECONCILE_ORDER' });
    await events.waitFor((rs) => commands.every((c) => rs.some((e) => e.orderKey === c.orderKey && e.status === 'PAID')), 'the PAID events');
  });
});
