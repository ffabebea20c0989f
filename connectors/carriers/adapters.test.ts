import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulators, startCarrierSimulators } from '../../simulators/carriers/index.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import { CARRIERS } from './registry.js';

function shipment(id: number, carrier: string, province = '浙江省'): Shipment {
  return {
    shipmentId: `taobao:shop-1:${id}#WH-EAST`,
    orderKey: `taobao:shop-1:${id}`,
    channel: 'taobao',
    shopId: 'shop-1',
    warehouse: 'WH-EAST',
    carrier,
    service: 'express',
    lines: [{ sku: 'SKU-1', quantity: 2, category: '' }],
    buyerCountry: 'CN',
    buyerProvince: province,
    buyerCity: '杭州市',
    presale: false,
    shipFrom: null,
    weightGrams: 800,
    paidAt: 0,
    routedAt: 0,
    cutoffAt: 0,
    flagged: false,
    reason: '',
  };
}

const FORMATS: Record<string, RegExp> = { sf: /^SF\d{13}$/, zto: /^75\d{12}$/, yto: /^YT\d{13}$/, jd: /^JDVA\d{11}$/ };

describe.each(Object.keys(CARRIERS))('%s adapter against its simulator', (code) => {
  let sims: RunningSimulators;
  beforeAll(async () => {
    sims = await startCarrierSimulators(2000);
  });
  afterAll(async () => {
    await sims.stop();
  });
  const adapter = CARRIERS[code]!;
  const sim = () => sims.byCarrier[code]!;
  const account = () => sims.directory.get(code)!;

  it('gets a waybill in the carrier format, and the same one for a repeated order id', async () => {
    const first = await adapter.requestWaybill(shipment(1, code), account());
    expect(first).toMatchObject({ ok: true, value: { waybillNo: expect.stringMatching(FORMATS[code]!) } });
    expect(await adapter.requestWaybill(shipment(1, code), account())).toEqual(first);
    expect(sim().book.requestsFor(shipment(1, code).shipmentId)).toBe(2);
    expect(sim().book.issuedCount).toBe(1);
  });

  it('is refused, not retryable, with a wrong secret', async () => {
    const result = await adapter.requestWaybill(shipment(2, code), { ...account(), secret: 'wrong' });
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(sim().book.requestsFor(shipment(2, code).shipmentId)).toBe(0);
  });

  it('reports an injected 5xx as retryable and a business rejection as final', async () => {
    sim().faults.failNext(1);
    expect(await adapter.requestWaybill(shipment(3, code), account())).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('503') });
    sim().faults.unservedProvinces.add('西藏自治区');
    const rejected = await adapter.requestWaybill(shipment(4, code, '西藏自治区'), account());
    expect(rejected).toMatchObject({ ok: false, retryable: false });
    expect((rejected as { reason: string }).reason).toMatch(/范围|超区|超范围/);
  });

  it('times out as retryable', async () => {
    sim().faults.latencyMs = 400;
    try {
      expect(await adapter.requestWaybill(shipment(5, code), { ...account(), timeoutMs: 100 })).toMatchObject({
        ok: false,
        retryable: true,
        reason: expect.stringContaining('timed out'),
      });
    } finally {
      sim().faults.latencyMs = 0;
    }
  });

  it('parses its own signed tracking push, and refuses a tampered one with 401', () => {
    const s = shipment(6, code);
    const codeOf = Object.entries(adapter.trackingStatusMap).find(([, k]) => k === 'DELIVERED')![0];
    const push = sim().trackingPush([
      { waybillNo: 'W1', orderId: s.shipmentId, code: codeOf, at: Date.UTC(2025, 0, 2, 3, 4, 5), description: 'ok', eventId: 'E1' },
    ]);
    const query = Object.fromEntries(new URLSearchParams(push.query));
    const parsed = adapter.parseTrackingPush({ headers: push.headers, query, rawBody: Buffer.from(push.body), receivedAt: Date.now() }, account());
    expect(parsed).toMatchObject({
      ok: true,
      value: [
        {
          kind: 'DELIVERED',
          orderKey: s.orderKey,
          shipmentId: s.shipmentId,
          warehouse: 'WH-EAST',
          waybillNo: 'W1',
          occurredAt: Date.UTC(2025, 0, 2, 3, 4, 5),
          source: `tracking:${code.toUpperCase()}`,
        },
      ],
    });
    const tampered = adapter.parseTrackingPush(
      { headers: push.headers, query, rawBody: Buffer.from(push.body.replace('W1', 'W2')), receivedAt: Date.now() },
      account(),
    );
    expect(tampered).toMatchObject({ ok: false, code: 'signature' });
    expect(
      adapter.parseTrackingPush({ headers: push.headers, query, rawBody: Buffer.from(push.body), receivedAt: Date.now() }, { ...account(), secret: 'other' }),
    ).toMatchObject({ ok: false, code: 'signature' });
  });
});

describe('default simulators', () => {
  it('accept the accounts loadCarrierDirectory() builds without OMNISTREAM_CARRIERS', async () => {
    const { loadCarrierDirectory } = await import('./directory.js');
    const { startDefaultCarrierSimulators } = await import('../../simulators/carriers/index.js');
    const sims = await startDefaultCarrierSimulators();
    try {
      const directory = loadCarrierDirectory({});
      for (const code of Object.keys(CARRIERS)) {
        expect(await CARRIERS[code]!.requestWaybill(shipment(900, code), directory.get(code)!)).toMatchObject({
          ok: true,
          value: { waybillNo: expect.stringMatching(FORMATS[code]!) },
        });
      }
    } finally {
      await sims.stop();
    }
  });

  it('refuses an OMNISTREAM_CARRIERS naming an unknown carrier or missing a secret, without echoing values', async () => {
    const { loadCarrierDirectory } = await import('./directory.js');
    expect(() => loadCarrierDirectory({ OMNISTREAM_CARRIERS: '{"dhl":{"endpoint":"http://x","secret":"s3cr3t"}}' })).toThrow(/unknown carrier "dhl"/);
    expect(() => loadCarrierDirectory({ OMNISTREAM_CARRIERS: '{"sf":{"endpoint":"http://x"}}' })).toThrow(/sf\.secret/);
    expect(() => loadCarrierDirectory({ OMNISTREAM_CARRIERS: '{"sf":{"endpoint":"http://x","secret":"s3cr3t","timeoutMs":1}}' })).toThrow(/^(?![\s\S]*s3cr3t)/);
    expect(loadCarrierDirectory({ OMNISTREAM_CARRIERS: '{"SF":{"endpoint":"http://x","secret":"k"}}' }).get('sf')).toMatchObject({
      carrier: 'sf',
      secret: 'k',
      timeoutMs: 3000,
    });
  });
});
