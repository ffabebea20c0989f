import { describe, expect, it } from 'vitest';
import { scanRecords, wmsScanPushSchema } from './scans.js';

const scan = (type: 'PICKED' | 'PACKED' | 'SCAN_OUT', extra: Record<string, unknown> = {}) => ({
  scanId: `S-1:${type}`,
  type,
  shipmentId: 'shopify:shop:1#WH-EAST',
  orderKey: 'shopify:shop:1',
  lines: [
    { sku: 'A', quantity: 2 },
    { sku: 'B', quantity: 1 },
  ],
  scannedAt: '2026-11-25T08:00:00+08:00',
  ...extra,
});

describe('WMS scans', () => {
  it('accepts one scan or an array, and reads ISO or epoch-ms times', () => {
    const one = wmsScanPushSchema.parse(scan('PICKED'));
    expect(one).toHaveLength(1);
    expect(one[0]!.scannedAt).toBe(Date.parse('2026-11-25T00:00:00Z'));
    const many = wmsScanPushSchema.parse([scan('PICKED'), scan('PACKED', { scannedAt: 1_764_028_800_000 })]);
    expect(many.map((s) => s.scannedAt)).toEqual([Date.parse('2026-11-25T00:00:00Z'), 1_764_028_800_000]);
  });

  it('rejects a bad order key, no lines, a non-positive quantity, an unknown type', () => {
    expect(wmsScanPushSchema.safeParse(scan('PICKED', { orderKey: 'nocolons' })).success).toBe(false);
    expect(wmsScanPushSchema.safeParse(scan('PICKED', { lines: [] })).success).toBe(false);
    expect(wmsScanPushSchema.safeParse(scan('PICKED', { lines: [{ sku: 'A', quantity: 0 }] })).success).toBe(false);
    expect(wmsScanPushSchema.safeParse(scan('PICKED', { type: 'WEIGHED' })).success).toBe(false);
    expect(wmsScanPushSchema.safeParse([]).success).toBe(false);
  });

  it('a pick or pack is a fulfilment event only, told by the warehouse', () => {
    const [s] = wmsScanPushSchema.parse(scan('PACKED'));
    const r = scanRecords('WH-EAST', s!);
    expect(r.movement).toBeNull();
    expect(r.event).toMatchObject({ eventId: 'wms:WH-EAST:S-1:PACKED', kind: 'PACKED', channel: 'shopify', source: 'wms:WH-EAST', warehouse: 'WH-EAST' });
  });

  it('a scan-out is SHIPPED plus exactly one SCAN_OUT movement from the first line, both with ids from the scan id', () => {
    const [s] = wmsScanPushSchema.parse(scan('SCAN_OUT', { waybillNo: 'SF123' }));
    const r = scanRecords('WH-EAST', s!);
    expect(r.event).toMatchObject({
      kind: 'SHIPPED',
      waybillNo: 'SF123',
      lines: [
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
      ],
    });
    expect(r.movement).toEqual({
      movementId: 'wms:WH-EAST:S-1:SCAN_OUT',
      kind: 'SCAN_OUT',
      sku: 'A',
      warehouse: 'WH-EAST',
      quantity: 2,
      orderKey: 'shopify:shop:1',
      occurredAt: Date.parse('2026-11-25T00:00:00Z'),
    });
    expect(scanRecords('WH-EAST', s!)).toEqual(r);
  });
});
