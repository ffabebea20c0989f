import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import { type LabelInput, MASKED_RECEIVER } from './zpl.js';

/** 100 x 150 mm in PDF points. */
const SIZE: [number, number] = [283.46, 425.2];

export interface PdfLabelOptions {
  /** A TrueType/OpenType font with CJK glyphs (e.g. Noto Sans SC). Without it, Chinese text is left out. */
  cjkFontPath?: string;
  /** Written as the PDF's creation date: the same label renders to the same bytes. */
  createdAt: number;
}

/** Printable ASCII only: what the built-in Helvetica can show. */
const latin = (s: string) =>
  s
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The same label as renderZplLabel, as a 100 x 150 mm PDF for laser/desktop printers: Code 128
 * barcode (bwip-js) of the waybill, carrier, service, sort code, origin, destination, order and the
 * privacy-masked receiver block; no receiver name, phone or address.
 */
export async function renderPdfLabel(input: LabelInput, opts: PdfLabelOptions): Promise<Buffer> {
  const s = input.shipment;
  const barcode = await bwipjs.toBuffer({ bcid: 'code128', text: input.waybillNo, scale: 3, height: 14, includetext: true, textxalign: 'center' });
  const created = new Date(opts.createdAt);
  const doc = new PDFDocument({
    size: SIZE,
    margin: 14,
    info: { Title: `Label ${input.waybillNo}`, Creator: 'omnistream', Producer: 'omnistream', CreationDate: created, ModDate: created },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  let cjk: 'cjk' | null = null;
  if (opts.cjkFontPath) {
    doc.registerFont('cjk', opts.cjkFontPath);
    cjk = 'cjk';
  }
  const say = (value: string, size: number, x: number, y: number, font = 'Helvetica') =>
    doc
      .font(font)
      .fontSize(size)
      .text(value, x, y, { width: SIZE[0] - 28 });
  const destination = [s.buyerProvince, s.buyerCity].filter(Boolean).join(' ');

  say(cjk ? input.carrierName : latin(input.carrierName) || s.carrier, 14, 14, 14, cjk ?? 'Helvetica-Bold');
  say(s.service.toUpperCase(), 10, 200, 18);
  doc
    .moveTo(14, 36)
    .lineTo(SIZE[0] - 14, 36)
    .stroke();
  say(input.sortCode ?? '-', 26, 14, 44, 'Helvetica-Bold');
  doc.image(barcode, 24, 84, { fit: [SIZE[0] - 48, 80], align: 'center' });
  doc
    .moveTo(14, 172)
    .lineTo(SIZE[0] - 14, 172)
    .stroke();
  say(
    cjk ? `To: ${destination || 'unknown destination'}` : `To: ${latin(destination) || '(destination in CJK: see ZPL label / configure a CJK font)'}`,
    11,
    14,
    180,
    cjk ?? 'Helvetica',
  );
  doc.rect(14, 204, SIZE[0] - 28, 70).stroke();
  if (cjk) say(MASKED_RECEIVER[0], 11, 22, 212, cjk);
  say(MASKED_RECEIVER[1], 10, 22, cjk ? 230 : 214);
  say(`Order ${s.orderKey}`, 8, 22, 252);
  say(`From: warehouse ${s.warehouse}`, 10, 14, 286);
  say(`Weight: ${(s.weightGrams / 1000).toFixed(2)} kg`, 9, 14, 302);
  say(`Shipment ${s.shipmentId}`, 8, 14, 318);
  say(`${s.carrier} ${input.waybillNo}`, 9, 14, SIZE[1] - 30);
  doc.end();
  return done;
}
