import { describe, expect, it } from 'vitest';
import { mainCategory, placeShipment } from './classify.js';
import { shipment } from './fixtures.js';
import { loadWaveRules } from './rules.js';

const rules = loadWaveRules();
const at = (iso: string) => Date.parse(iso);
const MORNING = at('2026-11-25T10:00:00+08:00');

describe('wave placement', () => {
  it('groups by cut-off, region group and category; released the lead time before the cut-off', () => {
    expect(placeShipment(shipment(1), rules, MORNING)).toEqual({
      base: 'WH-EAST:2026-11-25T16:00+08:00:east:general',
      releaseAt: at('2026-11-25T15:30:00+08:00'),
      releaseWhenFull: MORNING,
      flagged: false,
      reason: null,
    });
    const fresh = shipment(2, { buyerProvince: 'Guangdong', lines: [{ sku: 'FRS-1', quantity: 1, category: 'fresh' }] });
    expect(placeShipment(fresh, rules, MORNING).base).toBe('WH-EAST:2026-11-25T16:00+08:00:south:fresh');
  });

  it('the main category is the one with most units, ties by name', () => {
    expect(
      mainCategory({
        lines: [
          { sku: 'a', quantity: 1, category: 'fresh' },
          { sku: 'b', quantity: 2, category: 'apparel' },
        ],
      }),
    ).toBe('apparel');
    expect(
      mainCategory({
        lines: [
          { sku: 'b', quantity: 1, category: 'fresh' },
          { sku: 'a', quantity: 1, category: 'beauty' },
        ],
      }),
    ).toBe('beauty');
  });

  it('sends what matches no rule to the catch-all wave, flagged with the reason, due now', () => {
    const cases: [Partial<Parameters<typeof shipment>[1]>, RegExp][] = [
      [{ presale: true, shipFrom: null }, /no campaign/],
      [{ presale: true, shipFrom: at('2026-11-24T00:00:00+08:00') }, /2026-11-24 already passed/],
      [{ lines: [{ sku: 'X', quantity: 1, category: '' }] }, /unknown category ""/],
      [{ buyerProvince: 'Atlantis' }, /no region group/],
      [{ buyerCountry: 'US', buyerProvince: 'CA' }, /no region group for US\/CA/],
      [{ cutoffAt: at('2026-11-25T09:00:00+08:00') }, /cut-off 2026-11-25T09:00\+08:00 already passed/],
    ];
    for (const [extra, reason] of cases) {
      expect(placeShipment(shipment(3, extra), rules, MORNING)).toEqual({
        base: 'WH-EAST:catch-all',
        releaseAt: MORNING,
        releaseWhenFull: MORNING,
        flagged: true,
        reason: expect.stringMatching(reason),
      });
    }
  });
});

describe('presale days are Asia/Shanghai days', () => {
  const DAY_26 = at('2026-11-26T00:00:00+08:00'); // 2026-11-25T16:00Z
  const presale = (shipFrom: number) => shipment(4, { presale: true, shipFrom });

  it('a presale batch is keyed by its ship day and released at its start, not before', () => {
    expect(placeShipment(presale(DAY_26), rules, MORNING)).toEqual({
      base: 'WH-EAST:presale:2026-11-26',
      releaseAt: DAY_26,
      releaseWhenFull: DAY_26,
      flagged: false,
      reason: null,
    });
  });

  it('around midnight: 23:59:59.999 still sees tomorrow as the future; 00:00:00.000 and .001 see it as today', () => {
    for (const now of [DAY_26 - 1, DAY_26, DAY_26 + 1]) {
      const p = placeShipment(presale(DAY_26), rules, now);
      expect(p).toMatchObject({ base: 'WH-EAST:presale:2026-11-26', releaseAt: DAY_26, flagged: false });
    }
    // Yesterday's campaign, seen a millisecond after midnight: passed, flagged, not lost.
    expect(placeShipment(presale(at('2026-11-25T00:00:00+08:00')), rules, DAY_26 + 1)).toMatchObject({ flagged: true, base: 'WH-EAST:catch-all' });
    expect(placeShipment(presale(at('2026-11-25T00:00:00+08:00')), rules, DAY_26 - 1)).toMatchObject({ flagged: false, base: 'WH-EAST:presale:2026-11-25' });
  });

  it('01:00 in Shanghai is still the previous day in UTC: the Shanghai day decides', () => {
    const now = at('2026-11-25T17:00:00Z'); // 2026-11-26 01:00 in Shanghai
    expect(placeShipment(presale(DAY_26), rules, now)).toMatchObject({ base: 'WH-EAST:presale:2026-11-26', releaseAt: DAY_26, flagged: false });
    expect(placeShipment(presale(at('2026-11-25T00:00:00+08:00')), rules, now)).toMatchObject({ base: 'WH-EAST:catch-all', flagged: true });
  });
});
