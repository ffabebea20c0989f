import { renderPdfLabel } from '../../connectors/carriers/label/pdf.js';
import { renderZplLabel } from '../../connectors/carriers/label/zpl.js';
import type { LabelFormat } from '../../topics/schemas/print-job.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import type { RenderedLabel, WaybillOutcome } from './core.js';

export interface LabelSettings {
  /** Per warehouse: thermal printers take ZPL (default), office printers PDF. */
  formatFor: (warehouse: string) => LabelFormat;
  /** For PDF labels: a font with CJK glyphs, else Chinese text is left out of the PDF. */
  cjkFontPath?: string;
}

export const DEFAULT_LABELS: LabelSettings = { formatFor: () => 'ZPL' };

/** The label of an issued waybill, in the warehouse's format; deterministic in the outcome. */
export async function renderLabel(s: Shipment, outcome: WaybillOutcome, carrierName: string, settings: LabelSettings): Promise<RenderedLabel | null> {
  if (outcome.kind !== 'ISSUED') return null;
  const input = { shipment: s, waybillNo: outcome.waybillNo, sortCode: outcome.sortCode, carrierName };
  if (settings.formatFor(s.warehouse) === 'PDF') {
    return { format: 'PDF', bytes: await renderPdfLabel(input, { createdAt: outcome.at, cjkFontPath: settings.cjkFontPath }) };
  }
  return { format: 'ZPL', bytes: Buffer.from(renderZplLabel(input), 'utf8') };
}
