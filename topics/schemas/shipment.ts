import type { Schema } from 'avsc';

/**
 * One parcel to pick, pack and ship: a paid order's lines held at one warehouse, with the carrier
 * the routing rules chose. Keyed by warehouse, so one warehouse's work stays in one partition, in
 * order (the wave planner and the waybill service read it).
 */
export interface ShipmentLine {
  sku: string;
  quantity: number;
  /** Product category from the routing rules' catalog ("" when unknown): waves group by it. */
  category: string;
}

export interface Shipment {
  /** orderKey#warehouse */
  shipmentId: string;
  orderKey: string;
  channel: string;
  shopId: string;
  warehouse: string;
  carrier: string;
  /** Carrier product: "standard", "express", "cold-chain"… as the rule says. */
  service: string;
  lines: ShipmentLine[];
  buyerCountry: string | null;
  buyerProvince: string | null;
  buyerCity: string | null;
  presale: boolean;
  /** Presale: the earliest day it may ship (epoch ms); null otherwise or when unknown. */
  shipFrom: number | null;
  weightGrams: number;
  /** When the channel says the order was paid (epoch ms). */
  paidAt: number;
  /** When the hub routed it (the time of the decision that completed the order). */
  routedAt: number;
  /** The carrier's collection cut-off this parcel is planned for (epoch ms). */
  cutoffAt: number;
  /** No routing rule matched: the catch-all carrier was used. */
  flagged: boolean;
  /** The rule that matched, or why none did. */
  reason: string;
}

export const shipmentSchema: Schema = {
  type: 'record',
  name: 'Shipment',
  namespace: 'dev.omnistream.fulfilment',
  fields: [
    { name: 'shipmentId', type: 'string' },
    { name: 'orderKey', type: 'string' },
    { name: 'channel', type: 'string' },
    { name: 'shopId', type: 'string' },
    { name: 'warehouse', type: 'string' },
    { name: 'carrier', type: 'string' },
    { name: 'service', type: 'string' },
    {
      name: 'lines',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'ShipmentLine',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'quantity', type: 'int' },
            { name: 'category', type: 'string', default: '' },
          ],
        },
      },
    },
    { name: 'buyerCountry', type: ['null', 'string'], default: null },
    { name: 'buyerProvince', type: ['null', 'string'], default: null },
    { name: 'buyerCity', type: ['null', 'string'], default: null },
    { name: 'presale', type: 'boolean', default: false },
    { name: 'shipFrom', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }] as Schema, default: null },
    { name: 'weightGrams', type: 'int' },
    { name: 'paidAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
    { name: 'routedAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
    { name: 'cutoffAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
    { name: 'flagged', type: 'boolean', default: false },
    { name: 'reason', type: 'string', default: '' },
  ],
};
