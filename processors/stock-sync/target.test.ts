import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, parseStockPolicy, policyFromJson, policyToJson, type StockPolicy } from './policy.js';
import { heldAllocations, type SkuLevels, targetOf } from './target.js';

const levels = (entries: Record<string, Record<string, number>>): Map<string, SkuLevels> =>
  new Map(Object.entries(entries).map(([sku, byWarehouse]) => [sku, new Map(Object.entries(byWarehouse))]));

const policy = (doc: object): StockPolicy => {
  const parsed = parseStockPolicy(doc);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.policy;
};

const base = { shopKey: 'taobao:s1', allocations: [] };

describe('listing target', () => {
  it('a single SKU listing shows the whole pool by default, summed over warehouses', () => {
    expect(targetOf({ ...base, components: [{ sku: 'A', quantity: 1 }], policy: DEFAULT_POLICY, levels: levels({ A: { SH: 7, GZ: 5 } }) })).toBe(12);
  });

  it('a bundle of N units shows floor(available / N); a kit the minimum over its components', () => {
    const lv = levels({ A: { SH: 10 }, B: { SH: 3 } });
    expect(targetOf({ ...base, components: [{ sku: 'A', quantity: 3 }], policy: DEFAULT_POLICY, levels: lv })).toBe(3);
    expect(
      targetOf({
        ...base,
        components: [
          { sku: 'A', quantity: 2 },
          { sku: 'B', quantity: 1 },
        ],
        policy: DEFAULT_POLICY,
        levels: lv,
      }),
    ).toBe(3);
    expect(
      targetOf({
        ...base,
        components: [
          { sku: 'A', quantity: 2 },
          { sku: 'C', quantity: 1 },
        ],
        policy: DEFAULT_POLICY,
        levels: lv,
      }),
    ).toBe(0);
  });

  it('share: percent rounds down, fixed caps, virtual extra adds only while there is stock', () => {
    const lv = levels({ A: { SH: 9 } });
    const one = [{ sku: 'A', quantity: 1 }];
    expect(targetOf({ ...base, components: one, levels: lv, policy: policy({ share: { percent: 50 } }) })).toBe(4);
    expect(targetOf({ ...base, components: one, levels: lv, policy: policy({ share: { fixed: 5 } }) })).toBe(5);
    expect(targetOf({ ...base, components: one, levels: lv, policy: policy({ share: { virtualExtra: 3 } }) })).toBe(12);
    expect(targetOf({ ...base, components: one, levels: levels({ A: { SH: 0 } }), policy: policy({ share: { virtualExtra: 3 } }) })).toBe(0);
  });

  it('floor shows 0 at or below N; max caps; warehouses filter the pool; negative availability counts as 0', () => {
    const one = [{ sku: 'A', quantity: 1 }];
    expect(targetOf({ ...base, components: one, levels: levels({ A: { SH: 5 } }), policy: policy({ floor: 5 }) })).toBe(0);
    expect(targetOf({ ...base, components: one, levels: levels({ A: { SH: 6 } }), policy: policy({ floor: 5 }) })).toBe(6);
    expect(targetOf({ ...base, components: one, levels: levels({ A: { SH: 60 } }), policy: policy({ max: 20 }) })).toBe(20);
    expect(targetOf({ ...base, components: one, levels: levels({ A: { SH: 4, GZ: 6, BJ: -2 } }), policy: policy({ warehouses: ['GZ', 'BJ'] }) })).toBe(6);
  });

  it('an allocation is seen by its shop alone while it holds units', () => {
    const lv = levels({ A: { SH: 100 } });
    const one = [{ sku: 'A', quantity: 1 }];
    const allocations = [{ shopKey: 'douyin:live', sku: 'A', held: 30 }];
    expect(targetOf({ shopKey: 'douyin:live', components: one, levels: lv, policy: DEFAULT_POLICY, allocations })).toBe(100);
    expect(targetOf({ shopKey: 'taobao:s1', components: one, levels: lv, policy: DEFAULT_POLICY, allocations })).toBe(70);
    // The owner's share policy applies to the free part only: 50 % of 70, plus its 30.
    expect(targetOf({ shopKey: 'douyin:live', components: one, levels: lv, policy: policy({ share: { percent: 50 } }), allocations })).toBe(65);
  });

  it('an allocation holds between its start and end, less what its shop took meanwhile', () => {
    const p = policy({ allocations: [{ sku: 'A', quantity: 30, start: '2026-12-03T20:00:00+08:00', end: '2026-12-03T22:00:00+08:00' }] });
    const start = Date.parse('2026-12-03T12:00:00Z');
    expect(heldAllocations('douyin:live', p, start - 1, () => 0)).toEqual([]);
    expect(heldAllocations('douyin:live', p, start, () => 12)).toEqual([{ shopKey: 'douyin:live', sku: 'A', held: 18 }]);
    expect(heldAllocations('douyin:live', p, start + 3_600_000, () => 40)).toEqual([{ shopKey: 'douyin:live', sku: 'A', held: 0 }]);
    expect(heldAllocations('douyin:live', p, start + 2 * 3_600_000, () => 0)).toEqual([]);
  });
});

describe('stock policy document', () => {
  it('a wrong rule is refused with the field and the reason', () => {
    const bad = parseStockPolicy({
      share: { percent: 150 },
      floor: -1,
      allocations: [{ sku: 'A', quantity: 5, start: '2026-12-03T22:00:00Z', end: '2026-12-03T20:00:00Z' }],
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.reason).toMatch(/floor/);
    expect(bad.reason).toMatch(/end after it starts/);
    expect(parseStockPolicy({ shares: 'ALL' })).toMatchObject({ ok: false, reason: expect.stringMatching(/shares/) });
    expect(policyFromJson('{')).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
  });

  it('a policy survives its JSON form', () => {
    const p = policy({
      share: { percent: 40 },
      floor: 2,
      max: 50,
      warehouses: ['SH'],
      onUnfillable: 'CANCEL',
      allocations: [{ sku: 'A', quantity: 5, start: '2026-12-03T20:00:00Z', end: '2026-12-03T22:00:00Z' }],
    });
    expect(policyFromJson(policyToJson(p))).toEqual({ ok: true, policy: p });
  });
});
