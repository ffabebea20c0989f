import { z } from 'zod';
import type { FulfilmentEvent, FulfilmentEventKind } from '../../topics/schemas/fulfilment-event.js';
import type { StockMovement } from '../../topics/schemas/stock-movement.js';

export const SCAN_TYPES = ['PICKED', 'PACKED', 'SCAN_OUT'] as const;
export type ScanType = (typeof SCAN_TYPES)[number];

const instant = z.union([z.number().int().positive(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

/** One scan as the WMS pushes it. Operator is an id (badge number), never a name. */
export const wmsScanSchema = z.object({
  scanId: z.string().min(1).max(128),
  type: z.enum(SCAN_TYPES),
  shipmentId: z.string().min(1).max(256),
  orderKey: z.string().regex(/^[^:]+:[^:]+:.+$/, 'orderKey is channel:shopId:channelOrderId'),
  waybillNo: z.string().min(1).max(64).nullish(),
  lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })).min(1),
  scannedAt: instant,
  operator: z.string().max(64).nullish(),
});
export type WmsScan = z.output<typeof wmsScanSchema>;

/** A push carries one scan or an array of them. */
export const wmsScanPushSchema = z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(wmsScanSchema).min(1).max(500));

const KIND: Readonly<Record<ScanType, FulfilmentEventKind>> = { PICKED: 'PICKED', PACKED: 'PACKED', SCAN_OUT: 'SHIPPED' };

/** The id every record of one scan is derived from: the same scan pushed twice yields the same records. */
export const scanRecordId = (warehouse: string, scanId: string) => `wms:${warehouse}:${scanId}`;

/**
 * What one scan means to the hub: a fulfilment event (told by `wms:<warehouse>`) and, for the
 * scan-out, one stock movement that ships the order's whole hold (the inventory processor ships
 * every line of the hold on the first SCAN_OUT and rejects a second one, so exactly one per scan).
 */
export function scanRecords(warehouse: string, scan: WmsScan): { event: FulfilmentEvent; movement: StockMovement | null } {
  const id = scanRecordId(warehouse, scan.scanId);
  const event: FulfilmentEvent = {
    eventId: id,
    kind: KIND[scan.type],
    orderKey: scan.orderKey,
    channel: scan.orderKey.split(':')[0]!,
    shipmentId: scan.shipmentId,
    warehouse,
    carrier: null,
    waybillNo: scan.waybillNo ?? null,
    waveId: null,
    flagged: false,
    reason: null,
    lines: scan.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    source: `wms:${warehouse}`,
    occurredAt: scan.scannedAt,
  };
  if (scan.type !== 'SCAN_OUT') return { event, movement: null };
  const first = scan.lines[0]!;
  return {
    event,
    movement: { movementId: id, kind: 'SCAN_OUT', sku: first.sku, warehouse, quantity: first.quantity, orderKey: scan.orderKey, occurredAt: scan.scannedAt },
  };
}
