import type { Shipment } from '../../topics/schemas/shipment.js';

/** A shipment as the router writes it (test builder). */
export function shipment(n: number, extra: Partial<Shipment> = {}): Shipment {
  const orderKey = `shopify:shop-1:${n}`;
  const warehouse = extra.warehouse ?? 'WH-EAST';
  return {
    shipmentId: `${orderKey}#${warehouse}`,
    orderKey,
    channel: 'shopify',
    shopId: 'shop-1',
    warehouse,
    carrier: 'ZTO',
    service: 'standard',
    lines: [{ sku: 'APP-1', quantity: 1, category: 'apparel' }],
    buyerCountry: 'CN',
    buyerProvince: '浙江',
    buyerCity: '杭州',
    presale: false,
    shipFrom: null,
    weightGrams: 400,
    paidAt: 0,
    routedAt: 0,
    cutoffAt: Date.parse('2026-11-25T16:00:00+08:00'),
    flagged: false,
    reason: 'cheapest',
    ...extra,
  };
}
