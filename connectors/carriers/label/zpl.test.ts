import { describe, expect, it } from 'vitest';
import { type LabelInput, MASKED_RECEIVER, renderZplLabel } from './zpl.js';

const input: LabelInput = {
  shipment: {
    shipmentId: 'taobao:shop-1:9001#WH-EAST',
    orderKey: 'taobao:shop-1:9001',
    warehouse: 'WH-EAST',
    carrier: 'SF',
    service: 'express',
    buyerProvince: '浙江省',
    buyerCity: '杭州市',
    weightGrams: 1250,
  },
  waybillNo: 'SF1400000000001',
  sortCode: '755WE-571',
  carrierName: 'SF Express 顺丰',
};

describe('ZPL label', () => {
  const zpl = renderZplLabel(input);

  it('is one ^XA…^XZ frame sized 4x6 in at 203 dpi', () => {
    expect(zpl.startsWith('^XA\n')).toBe(true);
    expect(zpl.endsWith('\n^XZ')).toBe(true);
    expect(zpl.match(/\^XA/g)).toHaveLength(1);
    expect(zpl.match(/\^XZ/g)).toHaveLength(1);
    expect(zpl).toContain('^PW812');
    expect(zpl).toContain('^LL1218');
  });

  it('encodes the waybill as a Code 128 barcode and shows carrier, service, sort code, origin, destination and order', () => {
    expect(zpl).toMatch(/\^BCN,160,Y,N,N\^FH_\^FDSF1400000000001\^FS/);
    for (const part of ['SF Express 顺丰', 'EXPRESS', '755WE-571', 'From: warehouse WH-EAST', 'To: 浙江省 杭州市', 'Order taobao:shop-1:9001'])
      expect(zpl).toContain(part);
  });

  it('prints the privacy-masked receiver block and nothing that looks like a phone number', () => {
    for (const m of MASKED_RECEIVER) expect(zpl).toContain(m);
    // A mainland mobile number standing alone (not inside the waybill number).
    expect(zpl).not.toMatch(/(?<![\dA-Za-z])1[3-9]\d{9}(?!\d)/);
  });

  it('takes no receiver name, phone or address at all', () => {
    // The type has no such field; a caller smuggling one in must not see it printed.
    const smuggled = {
      ...input,
      shipment: { ...input.shipment, receiverName: '王建国', receiverPhone: '13912345678', address: '中山北路 88 号' },
    } as LabelInput;
    const out = renderZplLabel(smuggled);
    for (const pii of ['王建国', '13912345678', '中山北路']) expect(out).not.toContain(pii);
  });

  it('escapes ZPL control characters in field data', () => {
    const out = renderZplLabel({ ...input, shipment: { ...input.shipment, orderKey: 'x:y:^XZ~JR' } });
    expect(out.match(/\^XZ/g)).toHaveLength(1);
    expect(out).toContain('x:y:_5EXZ_7EJR');
  });
});
