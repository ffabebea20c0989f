import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrierTracking, registerTrackingRoutes } from '../connectors/carriers/tracking-routes.js';
import { ztoDigest } from '../connectors/carriers/zto/signature.js';
import { createDurableProducer, type Producer } from '../lib/kafka.js';
import { runProcessor } from '../lib/processor/run.js';
import { publish } from '../lib/publish.js';
import { type RunningSimulators, startCarrierSimulators } from '../simulators/carriers/index.js';
import type { SimPush } from '../simulators/carriers/server.js';
import { createTestContext, type TestContext } from './support/context.js';
import { readTopic } from './support/read-topic.js';

/**
 * Carrier tracking pushes on the real stack: each carrier's signed push (from its simulator)
 * becomes canonical FulfilmentEvents in Kafka before the carrier's own success body; a bad
 * signature is 401, a bad payload 400, Kafka away 503.
 */
describe('carrier tracking pushes → fulfilment-events', () => {
  let ctx: TestContext;
  let sims: RunningSimulators;
  let producer: Producer;
  let app: FastifyInstance;
  const post = (carrier: string, push: SimPush) =>
    app.inject({ method: 'POST', url: `/carriers/${carrier}/tracking${push.query}`, headers: push.headers, payload: push.body });

  beforeAll(async () => {
    ctx = await createTestContext('tracking');
    sims = await startCarrierSimulators();
    producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    app = Fastify({ logger: false });
    await runProcessor(carrierTracking, ctx.runtime(producer, { http: app }), { carriers: sims.directory });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await producer?.disconnect();
    await sims?.stop();
    await ctx?.close();
  });

  const at = Date.UTC(2025, 10, 11, 2, 0, 0);
  const shipmentId = (n: number) => `taobao:shop-1:${n}#WH-EAST`;
  const cases = [
    { carrier: 'sf', codes: ['50', '30', '80'], kinds: ['COLLECTED', 'IN_TRANSIT', 'DELIVERED'], ack: { return_code: '0000', return_msg: '成功' } },
    { carrier: 'zto', codes: ['GOT', 'PROBLEM'], kinds: ['COLLECTED', 'CARRIER_EXCEPTION'], ack: { status: true, message: 'success', statusCode: '0' } },
    { carrier: 'yto', codes: ['SIGNED'], kinds: ['DELIVERED'], ack: { success: true, code: '0', message: '成功' } },
    { carrier: 'jd', codes: ['揽收', '妥投'], kinds: ['COLLECTED', 'DELIVERED'], ack: { code: 0, msg: 'success' } },
  ];

  it("turns each carrier's signed push into events, then answers the carrier's success body", async () => {
    for (const [i, c] of cases.entries()) {
      const routes = c.codes.map((code, j) => ({
        waybillNo: `${c.carrier.toUpperCase()}-W${i}`,
        orderId: shipmentId(i),
        code,
        at: at + j * 60_000,
        description: `scan ${code}`,
      }));
      const res = await post(c.carrier, sims.byCarrier[c.carrier]!.trackingPush(routes));
      expect(res.statusCode, res.body).toBe(200);
      expect(JSON.parse(res.body)).toEqual(c.ack);
    }
    const total = cases.reduce((n, c) => n + c.codes.length, 0);
    const events = (await readTopic(ctx, 'fulfilmentEvents', total, 30_000)).map((r) => r.value);
    expect(events).toHaveLength(total);
    for (const [i, c] of cases.entries()) {
      const mine = events.filter((e) => e.shipmentId === shipmentId(i)).sort((a, b) => a.occurredAt - b.occurredAt);
      expect(mine.map((e) => e.kind)).toEqual(c.kinds);
      for (const e of mine) {
        expect(e).toMatchObject({
          orderKey: `taobao:shop-1:${i}`,
          channel: 'taobao',
          warehouse: 'WH-EAST',
          carrier: c.carrier.toUpperCase(),
          waybillNo: `${c.carrier.toUpperCase()}-W${i}`,
          source: `tracking:${c.carrier.toUpperCase()}`,
        });
      }
      expect(new Set(mine.map((e) => e.eventId)).size).toBe(mine.length);
    }
  });

  it('answers 401 with the reason to a bad signature, and publishes nothing', async () => {
    for (const c of cases) {
      const push = sims.byCarrier[c.carrier]!.trackingPush([{ waybillNo: 'X1', orderId: shipmentId(99), code: c.codes[0]!, at }]);
      const forged = { ...push, body: push.body.replace('X1', 'X2') };
      const res = await post(c.carrier, forged);
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: expect.stringMatching(/mismatch/) });
    }
    // A genuine push after the forged ones: once it is in, the forged ones would be too.
    expect((await post('sf', sims.byCarrier.sf!.trackingPush([{ waybillNo: 'SENTINEL', orderId: shipmentId(98), code: '50', at }]))).statusCode).toBe(200);
    const events = (await readTopic(ctx, 'fulfilmentEvents', 9, 15_000)).map((r) => r.value);
    expect(events.some((e) => e.shipmentId === shipmentId(98))).toBe(true);
    expect(events.filter((e) => e.shipmentId === shipmentId(99))).toEqual([]);
  });

  it('answers 400 to a signed push it cannot read, 404 to an unknown carrier', async () => {
    const zto = sims.byCarrier.zto!.account();
    const data = JSON.stringify([{ billCode: 'B', partnerOrderCode: 'not-ours', action: 'GOT', actionTime: '2025-11-11 10:00:00' }]);
    const body = new URLSearchParams({ data, data_digest: ztoDigest(data, zto.secret), company_id: zto.credentials.companyId!, msg_type: 'Traces' }).toString();
    const res = await post('zto', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, query: '', body });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toMatch(/not one of ours/);
    expect((await post('dhl', { headers: {}, query: '', body: '' })).statusCode).toBe(404);
  });

  it('answers 503 while Kafka cannot take the events', async () => {
    const down = createDurableProducer(ctx.kafka); // never connected: every send fails
    const offline = Fastify({ logger: false });
    registerTrackingRoutes(offline, {
      carriers: sims.directory,
      write: (records) => publish(down, ctx.serde, ctx.namespace, 'fulfilmentEvents', records),
      log: ctx.log,
      publishTimeoutMs: 2000,
    });
    await offline.ready();
    const push = sims.byCarrier.sf!.trackingPush([{ waybillNo: 'SF-OFF', orderId: shipmentId(50), code: '50', at }]);
    const res = await offline.inject({ method: 'POST', url: '/carriers/sf/tracking', headers: push.headers, payload: push.body });
    expect(res.statusCode).toBe(503);
    await offline.close();
  });
});
