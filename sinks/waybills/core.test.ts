import { describe, expect, it } from 'vitest';
import type { CarrierAdapter, Waybill } from '../../connectors/carriers/contract.js';
import type { Result } from '../../lib/result.js';
import type { RetryPolicy } from '../../lib/retry.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import { outputsOf } from './core.js';
import { renderLabel } from './label.js';
import { obtainWaybill } from './obtain.js';

const s: Shipment = {
  shipmentId: 'jd:shop-9:77#WH-SOUTH',
  orderKey: 'jd:shop-9:77',
  channel: 'jd',
  shopId: 'shop-9',
  warehouse: 'WH-SOUTH',
  carrier: 'ZTO',
  service: 'standard',
  lines: [{ sku: 'A', quantity: 1, category: 'apparel' }],
  buyerCountry: 'CN',
  buyerProvince: '广东省',
  buyerCity: '深圳市',
  presale: false,
  shipFrom: null,
  weightGrams: 500,
  paidAt: 1,
  routedAt: 2,
  cutoffAt: 3,
  flagged: false,
  reason: 'rule 3',
};

describe('waybill outputs', () => {
  it('an issued waybill yields a ZPL print job and WAYBILL_ISSUED with ids and times from the outcome only', async () => {
    const outcome = { kind: 'ISSUED', waybillNo: '75300000000001', sortCode: '300-M123', at: 1_700_000_000_000 } as const;
    const zpl = { formatFor: () => 'ZPL' as const };
    const a = outputsOf(s, outcome, await renderLabel(s, outcome, 'ZTO Express 中通', zpl));
    expect(a).toEqual(outputsOf(s, outcome, await renderLabel(s, outcome, 'ZTO Express 中通', zpl)));
    expect(a.printJob).toMatchObject({
      jobId: 'jd:shop-9:77#WH-SOUTH:75300000000001',
      warehouse: 'WH-SOUTH',
      carrier: 'ZTO',
      format: 'ZPL',
      createdAt: outcome.at,
    });
    expect(a.printJob!.label.toString('utf8')).toContain('^FD75300000000001^FS');
    expect(a.event).toMatchObject({
      eventId: 'jd:shop-9:77#WH-SOUTH:WAYBILL_ISSUED',
      kind: 'WAYBILL_ISSUED',
      waybillNo: '75300000000001',
      source: 'carrier:ZTO',
      occurredAt: outcome.at,
      lines: [{ sku: 'A', quantity: 1 }],
    });
  });

  it('a warehouse set to PDF gets a PDF print job, the same bytes on a repeat', async () => {
    const outcome = { kind: 'ISSUED', waybillNo: '75300000000002', sortCode: null, at: 1_700_000_000_000 } as const;
    const pdf = { formatFor: (w: string) => (w === 'WH-SOUTH' ? ('PDF' as const) : ('ZPL' as const)) };
    const a = outputsOf(s, outcome, await renderLabel(s, outcome, 'ZTO', pdf));
    expect(a.printJob).toMatchObject({ format: 'PDF', jobId: 'jd:shop-9:77#WH-SOUTH:75300000000002' });
    expect(a.printJob!.label.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(outputsOf(s, outcome, await renderLabel(s, outcome, 'ZTO', pdf))).toEqual(a);
  });

  it('a failure yields WAYBILL_FAILED with the reason and no print job', () => {
    const out = outputsOf(s, { kind: 'FAILED', reason: 'ZTO G2001: 超区', at: 5 }, null);
    expect(out.printJob).toBeNull();
    expect(out.event).toMatchObject({ eventId: 'jd:shop-9:77#WH-SOUTH:WAYBILL_FAILED', kind: 'WAYBILL_FAILED', waybillNo: null, reason: 'ZTO G2001: 超区' });
  });
});

describe('obtainWaybill', () => {
  const fast: RetryPolicy = { attempts: 4, baseMs: 1, maxMs: 4, budgetMs: 1000 };
  const adapterAnswering = (answers: Result<Waybill>[]): CarrierAdapter & { calls: number } => {
    const a = {
      calls: 0,
      code: 'zto',
      displayName: 'ZTO',
      trackingStatusMap: {},
      parseTrackingPush: () => ({ ok: false as const, reason: 'n/a' }),
      trackingAck: () => ({ contentType: 'text/plain', body: '' }),
      requestWaybill: async () => answers[Math.min(a.calls++, answers.length - 1)]!,
    };
    return a;
  };
  const account = { carrier: 'zto', endpoint: 'http://unused', secret: 'x', credentials: {}, timeoutMs: 100 };

  it('retries transient failures until the waybill comes', async () => {
    const a = adapterAnswering([
      { ok: false, reason: 'HTTP 503', retryable: true },
      { ok: false, reason: 'HTTP 503', retryable: true },
      { ok: true, value: { waybillNo: 'W' } },
    ]);
    expect(await obtainWaybill(a, s, account, fast)).toEqual({ result: { ok: true, value: { waybillNo: 'W' } }, attempts: 3 });
  });

  it('stops at a final rejection, and gives up after the last attempt with the reason', async () => {
    const rejecting = adapterAnswering([{ ok: false, reason: 'no service', retryable: false }]);
    expect(await obtainWaybill(rejecting, s, account, fast)).toEqual({ result: { ok: false, reason: 'no service', retryable: false }, attempts: 1 });
    const down = adapterAnswering([{ ok: false, reason: 'HTTP 503', retryable: true }]);
    expect(await obtainWaybill(down, s, account, fast)).toEqual({
      result: { ok: false, reason: 'HTTP 503 (gave up after 4 attempts)', retryable: true },
      attempts: 4,
    });
  });

  it('turns an adapter exception into a final failure', async () => {
    const broken = {
      ...adapterAnswering([]),
      requestWaybill: async () => {
        throw new Error('boom');
      },
    };
    expect(await obtainWaybill(broken, s, account, fast)).toMatchObject({
      result: { ok: false, reason: 'adapter error: boom', retryable: false },
      attempts: 1,
    });
  });
});
