import type { RetryPolicy } from '../../lib/retry.js';
import type { FulfilmentEvent } from '../../topics/schemas/fulfilment-event.js';
import type { LabelFormat, PrintJob } from '../../topics/schemas/print-job.js';
import type { Shipment } from '../../topics/schemas/shipment.js';

/**
 * What became of a shipment's waybill request, remembered per shipmentId so a redelivered
 * shipment re-emits byte-identical outputs instead of asking the carrier again.
 */
export type WaybillOutcome = { kind: 'ISSUED'; waybillNo: string; sortCode: string | null; at: number } | { kind: 'FAILED'; reason: string; at: number };

export interface WaybillOutputs {
  printJob: PrintJob | null;
  event: FulfilmentEvent;
}

export interface RenderedLabel {
  format: LabelFormat;
  bytes: Buffer;
}

/**
 * The print job and the fulfilment event of one outcome; every id and time comes from the outcome
 * (the label is rendered from it too, see label.ts), so a repeat is byte-identical.
 */
export function outputsOf(s: Shipment, outcome: WaybillOutcome, label: RenderedLabel | null): WaybillOutputs {
  const base = {
    orderKey: s.orderKey,
    channel: s.channel,
    shipmentId: s.shipmentId,
    warehouse: s.warehouse,
    carrier: s.carrier,
    waveId: null,
    flagged: s.flagged,
    lines: s.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    source: `carrier:${s.carrier}`,
    occurredAt: outcome.at,
  };
  if (outcome.kind === 'FAILED' || !label) {
    if (outcome.kind === 'ISSUED') throw new Error(`no label rendered for issued waybill ${outcome.waybillNo}`);
    return { printJob: null, event: { ...base, eventId: `${s.shipmentId}:WAYBILL_FAILED`, kind: 'WAYBILL_FAILED', waybillNo: null, reason: outcome.reason } };
  }
  return {
    printJob: {
      jobId: `${s.shipmentId}:${outcome.waybillNo}`,
      shipmentId: s.shipmentId,
      orderKey: s.orderKey,
      warehouse: s.warehouse,
      carrier: s.carrier,
      waybillNo: outcome.waybillNo,
      format: label.format,
      label: label.bytes,
      createdAt: outcome.at,
    },
    event: { ...base, eventId: `${s.shipmentId}:WAYBILL_ISSUED`, kind: 'WAYBILL_ISSUED', waybillNo: outcome.waybillNo, reason: null },
  };
}

/** 4 attempts in ≤ 8 s: under the consumer's 10 s session timeout (the batch holds no heartbeat). */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 250, maxMs: 2000, budgetMs: 8000 };
