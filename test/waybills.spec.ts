import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDurableProducer, type Producer } from '../lib/kafka.js';
import { type Running, runProcessor } from '../lib/processor/run.js';
import { publish } from '../lib/publish.js';
import { type RunningSimulators, startCarrierSimulators } from '../simulators/carriers/index.js';
import { waybillService } from '../sinks/waybills/processor.js';
import type { Shipment } from '../topics/schemas/shipment.js';
import { createTestContext, type TestContext } from './support/context.js';
import { readTopic } from './support/read-topic.js';

/**
 * The waybill service on the real stack with the four carrier simulators: every routed shipment
 * gets exactly one waybill, one print job and one WAYBILL_ISSUED, through transient carrier
 * outages; a carrier's refusal becomes WAYBILL_FAILED; a redelivered shipment is not asked again.
 */
describe('waybills: shipments → carrier → print queue, exactly once', () => {
  let ctx: TestContext;
  let sims: RunningSimulators;
  let producer: Producer;
  let service: Running<object> | undefined;
  const start = async () =>
    runProcessor(waybillService, ctx.runtime(producer), {
      carriers: sims.directory,
      retry: { attempts: 4, baseMs: 100, maxMs: 800, budgetMs: 6000 },
    });

  const shipment = (n: number, carrier: string, province = '浙江省'): Shipment => ({
    shipmentId: `shopify:brand.myshopify.com:${n}#WH-EAST`,
    orderKey: `shopify:brand.myshopify.com:${n}`,
    channel: 'shopify',
    shopId: 'brand.myshopify.com',
    warehouse: 'WH-EAST',
    carrier,
    service: n % 2 ? 'express' : 'standard',
    lines: [{ sku: `SKU-${n}`, quantity: 1, category: '' }],
    buyerCountry: 'CN',
    buyerProvince: province,
    buyerCity: '杭州市',
    presale: false,
    shipFrom: null,
    weightGrams: 700,
    paidAt: Date.now() - 2000,
    routedAt: Date.now() - 1000,
    cutoffAt: Date.now() + 3600_000,
    flagged: false,
    reason: 'test rule',
  });
  const send = (shipments: Shipment[]) =>
    publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'warehouseOrders',
      shipments.map((s) => ({ key: s.warehouse, value: s })),
    );

  beforeAll(async () => {
    ctx = await createTestContext('waybills');
    sims = await startCarrierSimulators(2000);
    producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    service = await start();
  });
  afterAll(async () => {
    await service?.stop();
    await producer?.disconnect();
    await sims?.stop();
    await ctx?.close();
  });

  const carriers = ['SF', 'ZTO', 'YTO', 'JD'];
  const issued = carriers.flatMap((c, i) => [shipment(100 + 2 * i, c), shipment(101 + 2 * i, c)]);
  const refused = shipment(200, 'YTO', '西藏自治区');

  it('issues one waybill per shipment for all four carriers, through injected 5xx, and refuses what the carrier will not serve', async () => {
    sims.byCarrier.zto!.faults.failNext(3);
    sims.byCarrier.sf!.faults.failNext(1, 502);
    sims.byCarrier.yto!.faults.unservedProvinces.add('西藏自治区');
    await send([...issued, refused]);

    const jobs = (await readTopic(ctx, 'printQueue', issued.length, 30_000)).map((r) => r.value);
    const events = (await readTopic(ctx, 'fulfilmentEvents', issued.length + 1, 30_000)).map((r) => r.value);

    expect(jobs.map((j) => j.shipmentId).sort()).toEqual(issued.map((s) => s.shipmentId).sort());
    for (const s of issued) {
      const sim = sims.byCarrier[s.carrier.toLowerCase()]!;
      const job = jobs.find((j) => j.shipmentId === s.shipmentId)!;
      expect(job.waybillNo).toBe(sim.book.issuedFor(s.shipmentId));
      expect(job).toMatchObject({ jobId: `${s.shipmentId}:${job.waybillNo}`, warehouse: 'WH-EAST', carrier: s.carrier, format: 'ZPL' });
      expect(job.label.toString('utf8')).toMatch(new RegExp(`^\\^XA[\\s\\S]*\\^FD${job.waybillNo}\\^FS[\\s\\S]*\\^XZ$`));
      expect(events.filter((e) => e.shipmentId === s.shipmentId)).toEqual([
        expect.objectContaining({ kind: 'WAYBILL_ISSUED', waybillNo: job.waybillNo, source: `carrier:${s.carrier}`, orderKey: s.orderKey }),
      ]);
    }
    // The injected failures were retried: more requests than waybills, still one waybill each.
    const zto = issued.filter((s) => s.carrier === 'ZTO').map((s) => sims.byCarrier.zto!.book.requestsFor(s.shipmentId));
    expect(zto.reduce((a, b) => a + b, 0)).toBe(2 + 3);
    expect(sims.byCarrier.zto!.book.issuedCount).toBe(2);
    expect(sims.byCarrier.sf!.book.issuedCount).toBe(2);

    const failed = events.filter((e) => e.shipmentId === refused.shipmentId);
    expect(failed).toEqual([
      expect.objectContaining({ kind: 'WAYBILL_FAILED', waybillNo: null, carrier: 'YTO', reason: expect.stringContaining('收件地址不在服务范围') }),
    ]);
    expect(sims.byCarrier.yto!.book.requestsFor(refused.shipmentId)).toBe(1);
  });

  it('a redelivered shipment is answered from memory: no second carrier request, the same ids and bytes', async () => {
    const before = new Map(issued.map((s) => [s.shipmentId, sims.byCarrier[s.carrier.toLowerCase()]!.book.requestsFor(s.shipmentId)]));
    const firstJobs = (await readTopic(ctx, 'printQueue', issued.length, 30_000)).map((r) => r.value);

    // A restart of the service (same group), then the same shipments delivered again.
    await service!.stop();
    service = await start();
    const again = [issued[0]!, issued[3]!, issued[5]!, issued[6]!, refused];
    await send(again);

    const jobs = (await readTopic(ctx, 'printQueue', issued.length + 4, 30_000)).map((r) => r.value);
    const events = (await readTopic(ctx, 'fulfilmentEvents', issued.length + 1 + 5, 30_000)).map((r) => r.value);
    for (const s of again.slice(0, 4)) {
      const copies = jobs.filter((j) => j.shipmentId === s.shipmentId);
      expect(copies).toHaveLength(2);
      expect(copies[1]).toEqual(copies[0]);
      expect(copies[0]).toEqual(firstJobs.find((j) => j.shipmentId === s.shipmentId));
      const evs = events.filter((e) => e.shipmentId === s.shipmentId);
      expect(evs).toHaveLength(2);
      expect(evs[1]).toEqual(evs[0]);
    }
    const refusals = events.filter((e) => e.shipmentId === refused.shipmentId);
    expect(refusals).toHaveLength(2);
    expect(refusals[1]).toEqual(refusals[0]);
    for (const s of issued) expect(sims.byCarrier[s.carrier.toLowerCase()]!.book.requestsFor(s.shipmentId)).toBe(before.get(s.shipmentId));
    expect(sims.byCarrier.yto!.book.requestsFor(refused.shipmentId)).toBe(1);
  });
});
