import { distanceKm, locateProvince, type Point } from '../../lib/regions.js';

export interface Warehouse {
  code: string;
  /** Where it is; warehouses without a known location keep their configured order, after located ones. */
  location?: Point;
}

/**
 * Parses OMNISTREAM_WAREHOUSES entries, "CODE" or "CODE:province" ("WH-EAST:浙江", "WH-SOUTH:GD").
 * Throws on an unknown province, naming it.
 */
export function parseWarehouses(entries: string[]): Warehouse[] {
  return entries.map((entry) => {
    const [code, province] = entry.split(':') as [string, string | undefined];
    if (province === undefined) return { code };
    const location = locateProvince(province);
    if (!location) throw new Error(`warehouse ${code}: unknown province "${province}"`);
    return { code, location };
  });
}

/**
 * Warehouses nearest the buyer first (by provincial capital). An unknown buyer region, or
 * warehouses without a location, fall back to the configured order: allocation never fails for
 * want of geography.
 */
export function warehousePreference(warehouses: Warehouse[], buyerProvince: string | null): string[] {
  const buyer = locateProvince(buyerProvince);
  if (!buyer) return warehouses.map((w) => w.code);
  return warehouses
    .map((w, i) => ({ code: w.code, i, d: w.location ? distanceKm(buyer, w.location) : Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((w) => w.code);
}
