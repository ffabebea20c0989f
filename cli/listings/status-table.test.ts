import { describe, expect, it } from 'vitest';
import type { ListingStockRow } from '../../sinks/postgres/query-api/stock-sync-queries.js';
import { formatListingStatus, parseShopFilter } from './status-table.js';

const row = (extra: Partial<ListingStockRow>): ListingStockRow => ({
  listing_key: 'taobao:tb-1:6001:7001',
  channel: 'taobao',
  shop_id: 'tb-1',
  target: 7,
  target_seq: 3,
  sell_out: false,
  target_at: new Date('2026-11-24T08:00:03Z'),
  last_pushed: 7,
  pushed_at: new Date('2026-11-24T08:00:03.100Z'),
  last_confirmed: 7,
  confirmed_at: new Date('2026-11-24T08:00:03.500Z'),
  last_result: 'CONFIRMED',
  last_reason: null,
  ...extra,
});

describe('listings status table', () => {
  it('prints target, last pushed, last confirmed and the last result, one listing a line', () => {
    const text = formatListingStatus([
      row({}),
      row({
        listing_key: 'taobao:tb-1:6002:7002',
        target: 0,
        sell_out: true,
        last_confirmed: null,
        confirmed_at: null,
        last_result: 'FAILED',
        last_reason: 'taobao 500',
      }),
      row({ listing_key: 'taobao:tb-1:6003:7003', target: null, target_seq: null, sell_out: null }),
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^LISTING\s+TARGET\s+SEQ\s+LAST PUSHED\s+PUSHED AT\s+LAST CONFIRMED\s+CONFIRMED AT\s+LAST RESULT$/);
    expect(lines[1]!.split(/\s{2,}/)).toEqual(['taobao:tb-1:6001:7001', '7', '3', '7', '2026-11-24T08:00:03Z', '7', '2026-11-24T08:00:03Z', 'CONFIRMED']);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['taobao:tb-1:6002:7002', '0 (sold out)', '3', '7', '2026-11-24T08:00:03Z', '-', '-', 'FAILED: taobao 500']);
    expect(lines[3]!.split(/\s{2,}/).slice(0, 3)).toEqual(['taobao:tb-1:6003:7003', '-', '-']);
    expect(formatListingStatus([])).toBe('no listings with stock yet');
  });

  it('reads --shop channel:shopId', () => {
    expect(parseShopFilter('taobao:tb-1')).toEqual({ channel: 'taobao', shopId: 'tb-1' });
    for (const bad of ['taobao', 'taobao:', ':tb-1', 'taobao:tb:1', 'Tao Bao:x']) expect(parseShopFilter(bad), bad).toBeNull();
  });
});
