import { describe, expect, it } from 'vitest';
import { type Reason, reasonText } from './decision.js';

describe('reason texts', () => {
  // The very texts core.ts and reserve.lua wrote before reasons were codes: inventory events,
  // projections and tests downstream read them, so they must not change.
  const cases: [Reason, string][] = [
    [['invalid-quantity', 'A', 0], 'invalid quantity 0 for A'],
    [['invalid-quantity', 'A', 1.5], 'invalid quantity 1.5 for A'],
    [['no-warehouse'], 'no warehouse configured'],
    [['short', 'WH-EAST', false, 1, [['HOT', 2, 1]]], 'insufficient stock at WH-EAST: HOT wants 2, 1 available'],
    [
      [
        'short',
        'WH-A',
        false,
        2,
        [
          ['A', 3, 0],
          ['B', 1, 0],
        ],
      ],
      'insufficient stock at WH-A: A wants 3, 0 available, B wants 1, 0 available; no other of 2 warehouses can fill it',
    ],
    [['short', 'WH-A', true, 1, [['A', 2, 1]]], 'insufficient presale quota at WH-A: A wants 2, 1 in presale quota'],
    [['short', 'WH-A', true, 3, [['A', 2, 0]]], 'insufficient presale quota at WH-A: A wants 2, 0 in presale quota; no other of 3 warehouses can fill it'],
    [['unpaid-timeout'], 'unpaid timeout'],
    [['low-stock', 3, 10], 'available 3 <= threshold 10'],
    [['low-stock', -2, 0], 'available -2 <= threshold 0'],
    [['invalid-movement', 'RECEIPT', -1], 'invalid RECEIPT quantity -1'],
    [['invalid-movement', 'ADJUSTMENT', 2.5], 'invalid ADJUSTMENT quantity 2.5'],
    [['negative-adjustment', -5], 'adjustment -5 would make physical stock negative'],
    [['quota-exceeds', 4, 3], 'presale quota 4 exceeds what is available (3)'],
    [['no-open-hold', 'shopify:s1:1', 'SHIPPED'], 'scan-out of shopify:s1:1: no open hold (SHIPPED)'],
    [['no-open-hold', 'nobody', null], 'scan-out of nobody: no open hold (unknown order)'],
    [['no-open-hold', null, null], 'scan-out of (no order): no open hold (unknown order)'],
    [['text', 'as stored'], 'as stored'],
  ];
  it.each(cases)('%j', (reason, text) => expect(reasonText(reason)).toBe(text));

  it('no reason, no text; an empty list from Lua (cjson writes {}) renders as none short', () => {
    expect(reasonText(null)).toBeNull();
    expect(reasonText(['short', 'W', false, 1, {} as never])).toBe('insufficient stock at W: ');
  });
});
