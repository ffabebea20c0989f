import type { Shipment } from '../../topics/schemas/shipment.js';

/** What a generated shipment is meant to exercise, and so where it must end up. */
export type ShipmentCase =
  | 'presale-yesterday'
  | 'presale-today'
  | 'presale-tomorrow'
  | 'presale-none'
  | 'presale-past'
  | 'normal'
  | 'normal-soon'
  | 'cutoff-passed'
  | 'unknown-category'
  | 'unknown-region';

export const CASES: ShipmentCase[] = [
  'presale-yesterday',
  'presale-today',
  'presale-tomorrow',
  'presale-none',
  'presale-past',
  'normal',
  'normal',
  'normal-soon',
  'cutoff-passed',
  'unknown-category',
  'unknown-region',
];

const WAREHOUSES = ['WH-EAST', 'WH-SOUTH', 'WH-NORTH'];
const PROVINCES = ['浙江', '广东', '北京', '四川', '湖北'];
const CATEGORIES: [string, string][] = [
  ['APP-1', 'apparel'],
  ['BTY-1', 'beauty'],
  ['FRS-1', 'fresh'],
  ['ELC-1', 'electronics'],
];

/** Day starts in Shanghai around the midnight under test (D0 = 2026-11-26 00:00 +08:00). */
export const D0 = Date.parse('2026-11-26T00:00:00+08:00');
const DAY = 24 * 3600 * 1000;

/**
 * A routed shipment of `kind`, paid at `paidAt`, deterministic from `n`. Campaign days are relative
 * to D0: "yesterday" is 2026-11-25, "today" 2026-11-26, "tomorrow" 2026-11-27, "past" 2026-11-20.
 */
export function makeShipment(n: number, kind: ShipmentCase, paidAt: number): Shipment {
  const warehouse = WAREHOUSES[n % WAREHOUSES.length]!;
  const [sku, category] = CATEGORIES[Math.floor(n / 3) % CATEGORIES.length]!;
  const orderKey = `${['shopify', 'douyin', 'taobao'][n % 3]}:shop-${n % 7}:${n}`;
  const presale = kind.startsWith('presale');
  const shipFrom = { 'presale-yesterday': D0 - DAY, 'presale-today': D0, 'presale-tomorrow': D0 + DAY, 'presale-past': D0 - 6 * DAY } as Partial<
    Record<ShipmentCase, number>
  >;
  const cutoffAt = kind === 'cutoff-passed' ? D0 - 8 * 3600_000 : kind === 'normal-soon' ? D0 + 20 * 60_000 : D0 + 16 * 3600_000;
  return {
    shipmentId: `${orderKey}#${warehouse}`,
    orderKey,
    channel: orderKey.split(':')[0]!,
    shopId: `shop-${n % 7}`,
    warehouse,
    carrier: 'ZTO',
    service: 'standard',
    lines: [{ sku: kind === 'unknown-category' ? 'MYSTERY-1' : sku, quantity: 1 + (n % 2), category: kind === 'unknown-category' ? '' : category }],
    buyerCountry: 'CN',
    buyerProvince: kind === 'unknown-region' ? 'Atlantis' : PROVINCES[n % PROVINCES.length]!,
    buyerCity: null,
    presale,
    shipFrom: shipFrom[kind] ?? null,
    weightGrams: 500,
    paidAt,
    routedAt: paidAt,
    cutoffAt,
    flagged: false,
    reason: 'cheapest',
  };
}
