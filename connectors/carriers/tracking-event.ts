import type { Result } from '../../lib/result.js';
import type { FulfilmentEvent, FulfilmentEventKind } from '../../topics/schemas/fulfilment-event.js';
import type { TrackingStatusMap } from './contract.js';

/** One route record of a carrier's tracking push, carrier words already picked out. */
export interface RouteRecord {
  waybillNo: string;
  /** The merchant order id we sent with the waybill request: the shipmentId. */
  merchantOrderId: string;
  /** The carrier's code for the scan ("50", "GOT", "SIGNED"…). */
  opCode: string;
  occurredAt: number;
  /** The carrier's own id of this record, when it has one. */
  carrierEventId: string | null;
  description: string;
}

/** shipmentId is `orderKey#warehouse` (see Shipment); orderKey is `channel:shopId:channelOrderId`. */
export function splitShipmentId(shipmentId: string): Result<{ orderKey: string; warehouse: string; channel: string }> {
  const hash = shipmentId.lastIndexOf('#');
  const orderKey = shipmentId.slice(0, hash);
  const warehouse = shipmentId.slice(hash + 1);
  const channel = orderKey.split(':')[0] ?? '';
  if (hash <= 0 || !warehouse || orderKey.split(':').length < 3)
    return { ok: false, reason: `order id "${shipmentId}" is not one of ours (orderKey#warehouse)` };
  return { ok: true, value: { orderKey, warehouse, channel } };
}

/**
 * A route record → the canonical FulfilmentEvent. The id is the carrier's own event id when it
 * has one, else waybill + opcode + time: a re-pushed record is recognisably the same event.
 * Codes missing from the table are kept as IN_TRANSIT with the code in the reason, never dropped.
 */
export function toTrackingEvent(carrierCode: string, map: TrackingStatusMap, r: RouteRecord): Result<FulfilmentEvent> {
  // Upper case, as routing names carriers ("SF") and FulfilmentEvent.source documents ("tracking:ZTO").
  const carrier = carrierCode.toUpperCase();
  const ids = splitShipmentId(r.merchantOrderId);
  if (!ids.ok) return ids;
  const mapped: FulfilmentEventKind | undefined = map[r.opCode];
  const kind = mapped ?? 'IN_TRANSIT';
  const reason = mapped ? r.description || null : `unmapped ${carrier} code ${r.opCode}: ${r.description}`;
  return {
    ok: true,
    value: {
      eventId: `tracking:${carrier}:${r.carrierEventId ?? `${r.waybillNo}:${r.opCode}:${r.occurredAt}`}`,
      kind,
      orderKey: ids.value.orderKey,
      channel: ids.value.channel,
      shipmentId: r.merchantOrderId,
      warehouse: ids.value.warehouse,
      carrier,
      waybillNo: r.waybillNo,
      waveId: null,
      flagged: false,
      reason,
      lines: [],
      source: `tracking:${carrier}`,
      occurredAt: r.occurredAt,
    },
  };
}

/** Every record → event, or the first failure (a push is accepted or refused as a whole). */
export function toTrackingEvents(carrier: string, map: TrackingStatusMap, records: RouteRecord[]): Result<FulfilmentEvent[]> {
  const out: FulfilmentEvent[] = [];
  for (const r of records) {
    const e = toTrackingEvent(carrier, map, r);
    if (!e.ok) return e;
    out.push(e.value);
  }
  return { ok: true, value: out };
}
