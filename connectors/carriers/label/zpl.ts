import type { Shipment } from '../../../topics/schemas/shipment.js';

/** What a label shows. Deliberately no receiver name, phone or street: the hub holds none. */
export interface LabelInput {
  shipment: Pick<Shipment, 'shipmentId' | 'orderKey' | 'warehouse' | 'carrier' | 'service' | 'buyerProvince' | 'buyerCity' | 'weightGrams'>;
  waybillNo: string;
  sortCode: string | null;
  carrierName: string;
}

/** The platform prints the receiver through its own encrypted data (隐私面单). */
export const MASKED_RECEIVER = ['收件人信息由平台加密打印', 'receiver printed by platform'] as const;

/** 4 x 6 in (≈100 x 150 mm) at 203 dpi. */
const WIDTH_DOTS = 812;
const LENGTH_DOTS = 1218;
/** A TrueType font with CJK glyphs stored on the printer (override per fleet). */
const DEFAULT_CJK_FONT = 'E:SIMSUN.TTF';

/**
 * Field data with ^FH: "^", "~" and the escape character itself are written as hex, so no value
 * can end a field or inject a command.
 */
function fd(text: string): string {
  return `^FH_^FD${text.replace(/[_^~]/g, (c) => `_${c.charCodeAt(0).toString(16).toUpperCase()}`)}^FS`;
}

function text(x: number, y: number, size: number, value: string, font = '0'): string {
  const f = font === '0' ? `^A0N,${size},${size}` : `^A@N,${size},${size},${font}`;
  return `^FO${x},${y}${f}${fd(value)}`;
}

/** A print-ready ZPL II label: carrier, service, sort code, Code 128 waybill, origin, destination, order. */
export function renderZplLabel(input: LabelInput, cjkFont = DEFAULT_CJK_FONT): string {
  const s = input.shipment;
  const destination = [s.buyerProvince, s.buyerCity].filter(Boolean).join(' ') || 'unknown destination';
  return [
    '^XA',
    '^CI28', // UTF-8 field data
    `^PW${WIDTH_DOTS}`,
    `^LL${LENGTH_DOTS}`,
    '^LH0,0',
    text(40, 40, 48, input.carrierName, cjkFont),
    text(560, 48, 36, s.service.toUpperCase()),
    `^FO40,110^GB732,4,4^FS`,
    text(40, 135, 96, input.sortCode ?? '-'),
    // Code 128, 160 dots high, interpretation line below.
    `^FO60,260^BY3,3,160^BCN,160,Y,N,N${fd(input.waybillNo)}`,
    `^FO40,480^GB732,4,4^FS`,
    text(40, 505, 40, `To: ${destination}`, cjkFont),
    `^FO40,570^GB732,190,3^FS`,
    text(60, 600, 34, MASKED_RECEIVER[0], cjkFont),
    text(60, 650, 30, MASKED_RECEIVER[1]),
    text(60, 700, 26, `Order ${s.orderKey}`),
    `^FO40,780^GB732,4,4^FS`,
    text(40, 805, 32, `From: warehouse ${s.warehouse}`),
    text(40, 855, 28, `Weight: ${(s.weightGrams / 1000).toFixed(2)} kg`),
    text(40, 905, 28, `Shipment ${s.shipmentId}`),
    text(40, 1150, 28, `${s.carrier} ${input.waybillNo}`),
    '^PQ1',
    '^XZ',
  ].join('\n');
}
