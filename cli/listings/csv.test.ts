import { describe, expect, it } from 'vitest';
import { formatCsvProblems, parseListingsCsv } from './csv.js';
import { unmappingOf } from './unmapping.js';

const NOW = Date.parse('2026-11-24T08:00:00Z');
const opts = { now: NOW, channels: ['taobao', 'jd', 'pdd'] };

describe('listings CSV', () => {
  it('reads every row into a mapping keyed by listing (source CSV)', () => {
    const result = parseListingsCsv('\uFEFFchannel,shop_id,item_id,sku_id,components\r\ntaobao,tb-1,6001,7001,A1*2+B2\r\n\r\njd,jd-9,100,200,C3\r\n', opts);
    expect(result).toEqual({
      ok: true,
      mappings: [
        {
          listingKey: 'taobao:tb-1:6001:7001',
          channel: 'taobao',
          shopId: 'tb-1',
          itemId: '6001',
          skuId: '7001',
          components: [
            { sku: 'A1', quantity: 2 },
            { sku: 'B2', quantity: 1 },
          ],
          source: 'CSV',
          deleted: false,
          updatedAt: NOW,
        },
        expect.objectContaining({ listingKey: 'jd:jd-9:100:200', components: [{ sku: 'C3', quantity: 1 }] }),
      ],
    });
  });

  it('takes the columns in any order', () => {
    const result = parseListingsCsv('components,sku_id,item_id,shop_id,channel\nA1*3,7001,6001,tb-1,taobao\n', opts);
    expect(result.ok && result.mappings[0]).toMatchObject({ listingKey: 'taobao:tb-1:6001:7001', components: [{ sku: 'A1', quantity: 3 }] });
  });

  it('reports every wrong row by line and column, and then returns no mapping at all', () => {
    const csv = [
      'channel,shop_id,item_id,sku_id,components',
      'taobao,tb-1,6001,7001,A1', // line 2: fine
      'taobao,tb-1,6002,,A1*0', // line 3: two problems
      'ebay,tb-1,6003,7003,A1', // line 4: unknown channel
      'taobao,tb-1,6004,7004', // line 5: a field short
      'taobao,tb-1,6001,7001,B2', // line 6: line 2's listing again
      'taobao,"tb,1",6005,7005,A1', // line 7: quoted
      'taobao,tb:1,6006,7006,A1', // line 8: a colon in an id
    ].join('\n');
    const result = parseListingsCsv(csv, opts);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.line, p.column])).toEqual([
      [3, 'sku_id'],
      [3, 'components'],
      [4, 'channel'],
      [5, null],
      [6, null],
      [7, null],
      [8, 'shop_id'],
    ]);
    expect(formatCsvProblems('m.csv', result.problems).split('\n')[1]).toBe('m.csv: line 3, column components: A1: units must be 1–10000, got 0');
    expect(result.problems[3]!.message).toBe('4 fields, expected 5 (channel,shop_id,item_id,sku_id,components)');
    expect(result.problems[4]!.message).toBe('the listing taobao:tb-1:6001:7001 is already on line 2');
  });

  it('refuses a wrong header, an empty file and a header alone', () => {
    const bad = parseListingsCsv('channel,shop,item_id,sku_id,components\n', opts);
    expect(bad.ok || bad.problems.map((p) => p.message)).toEqual(['header: missing column(s) shop_id', 'header: unknown column(s) shop']);
    expect(parseListingsCsv('\n\n', opts).ok).toBe(false);
    expect(parseListingsCsv('channel,shop_id,item_id,sku_id,components\n', opts)).toEqual({
      ok: false,
      problems: [{ line: 1, column: null, message: 'no listings after the header' }],
    });
  });

  it('accepts any well-formed channel when no list is given', () => {
    expect(parseListingsCsv('channel,shop_id,item_id,sku_id,components\nnewshop,s,i,k,A\n', { now: NOW }).ok).toBe(true);
  });

  it('an unmapping is the same key, deleted, without components', () => {
    expect(unmappingOf('taobao', 'tb-1', '6001', '7001', NOW)).toEqual({
      listingKey: 'taobao:tb-1:6001:7001',
      channel: 'taobao',
      shopId: 'tb-1',
      itemId: '6001',
      skuId: '7001',
      components: [],
      source: 'MANUAL',
      deleted: true,
      updatedAt: NOW,
    });
  });
});
