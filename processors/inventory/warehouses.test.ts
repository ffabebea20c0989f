import { describe, expect, it } from 'vitest';
import { locateProvince } from '../../lib/regions.js';
import { parseWarehouses, warehousePreference } from './warehouses.js';

describe('warehouse preference by buyer region', () => {
  const warehouses = parseWarehouses(['WH-NORTH:北京', 'WH-EAST:浙江', 'WH-SOUTH:GD', 'WH-VIRTUAL']);

  it('ranks the nearest warehouse first, unlocated ones last', () => {
    expect(warehousePreference(warehouses, '上海市')).toEqual(['WH-EAST', 'WH-NORTH', 'WH-SOUTH', 'WH-VIRTUAL']);
    expect(warehousePreference(warehouses, 'Guangdong')).toEqual(['WH-SOUTH', 'WH-EAST', 'WH-NORTH', 'WH-VIRTUAL']);
    expect(warehousePreference(warehouses, 'HL')).toEqual(['WH-NORTH', 'WH-EAST', 'WH-SOUTH', 'WH-VIRTUAL']);
  });

  it('keeps the configured order when the buyer region is unknown or missing', () => {
    expect(warehousePreference(warehouses, 'Atlantis')).toEqual(['WH-NORTH', 'WH-EAST', 'WH-SOUTH', 'WH-VIRTUAL']);
    expect(warehousePreference(warehouses, null)).toEqual(['WH-NORTH', 'WH-EAST', 'WH-SOUTH', 'WH-VIRTUAL']);
  });

  it('reads Chinese names with their suffixes, pinyin and codes alike', () => {
    for (const name of ['广西壮族自治区', 'guangxi', 'GX', 'CN-GX']) expect(locateProvince(name)).toEqual({ lat: 22.82, lon: 108.37 });
    expect(locateProvince('新疆维吾尔自治区')).toBeDefined();
    expect(locateProvince('香港特别行政区')).toBeDefined();
  });

  it('refuses a warehouse in an unknown province', () => {
    expect(() => parseWarehouses(['WH-X:Narnia'])).toThrow('warehouse WH-X: unknown province "Narnia"');
  });
});
