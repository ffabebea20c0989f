import type { Schema } from 'avsc';

/**
 * What happened to an order between allocation and the buyer's door, told by the system that saw
 * it: the router, the wave planner, a carrier adapter, a warehouse (WMS scans) or a carrier's
 * tracking. The warehouse's and the carrier's views of an order are read from here.
 */
export const FULFILMENT_EVENT_KINDS = [
  // hub
  'ROUTED',
  'WAVED',
  'WAYBILL_ISSUED',
  'WAYBILL_FAILED',
  // warehouse (WMS scans and interceptions)
  'PICKED',
  'PACKED',
  'SHIPPED',
  'INTERCEPTED',
  'INTERCEPT_FAILED',
  // carrier tracking
  'COLLECTED',
  'IN_TRANSIT',
  'DELIVERED',
  'CARRIER_EXCEPTION',
] as const;
export type FulfilmentEventKind = (typeof FULFILMENT_EVENT_KINDS)[number];

export interface FulfilmentLine {
  sku: string;
  quantity: number;
}

export interface FulfilmentEvent {
  /** Deterministic from the cause, so a repeat is recognisably the same event. */
  eventId: string;
  kind: FulfilmentEventKind;
  orderKey: string;
  channel: string;
  /** orderKey#warehouse: an order split over warehouses ships as several parcels. */
  shipmentId: string;
  warehouse: string;
  carrier: string | null;
  waybillNo: string | null;
  waveId: string | null;
  /** Matched no rule and went to a catch-all (wave, carrier): needs a person's look. */
  flagged: boolean;
  /** Why: a failure's reason, the rule that matched, an exception's description. */
  reason: string | null;
  lines: FulfilmentLine[];
  /** Which system says so: "router", "wave-planner", "carrier:SF", "wms:WH-SH", "tracking:ZTO". */
  source: string;
  occurredAt: number;
}

export const fulfilmentEventSchema: Schema = {
  type: 'record',
  name: 'FulfilmentEvent',
  namespace: 'dev.omnistream.fulfilment',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'kind', type: { type: 'enum', name: 'FulfilmentEventKind', symbols: [...FULFILMENT_EVENT_KINDS] } },
    { name: 'orderKey', type: 'string' },
    { name: 'channel', type: 'string' },
    { name: 'shipmentId', type: 'string' },
    { name: 'warehouse', type: 'string' },
    { name: 'carrier', type: ['null', 'string'], default: null },
    { name: 'waybillNo', type: ['null', 'string'], default: null },
    { name: 'waveId', type: ['null', 'string'], default: null },
    { name: 'flagged', type: 'boolean', default: false },
    { name: 'reason', type: ['null', 'string'], default: null },
    {
      name: 'lines',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'FulfilmentLine',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'quantity', type: 'int' },
          ],
        },
      },
      default: [],
    },
    { name: 'source', type: 'string' },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
  ],
};
