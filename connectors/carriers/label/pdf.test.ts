import { describe, expect, it } from 'vitest';
import { renderPdfLabel } from './pdf.js';
import type { LabelInput } from './zpl.js';

const input: LabelInput = {
  shipment: {
    shipmentId: 'jd:s:1#WH-NORTH',
    orderKey: 'jd:s:1',
    warehouse: 'WH-NORTH',
    carrier: 'JD',
    service: 'standard',
    buyerProvince: '北京',
    buyerCity: null,
    weightGrams: 300,
  },
  waybillNo: 'JDVA20000000001',
  sortCode: 'BJ-123',
  carrierName: 'JD Logistics 京东物流',
};

describe('PDF label', () => {
  it('is a one-page 100x150 mm PDF, byte-identical for the same label', async () => {
    const a = await renderPdfLabel(input, { createdAt: 1_700_000_000_000 });
    const b = await renderPdfLabel(input, { createdAt: 1_700_000_000_000 });
    expect(a.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(a.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
    expect(a.toString('latin1')).toMatch(/\/MediaBox \[0 0 283\.46 425\.2\]/);
    expect(a.toString('latin1').match(/\/Type \/Page\b/g)).toHaveLength(1);
    expect(a.equals(b)).toBe(true);
  });

  it('embeds the barcode image and differs per waybill', async () => {
    const a = await renderPdfLabel(input, { createdAt: 1 });
    const other = await renderPdfLabel({ ...input, waybillNo: 'JDVA20000000002' }, { createdAt: 1 });
    expect(a.toString('latin1')).toMatch(/\/Subtype \/Image/);
    expect(a.equals(other)).toBe(false);
  });
});
