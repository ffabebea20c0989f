import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseCarrier } from './carrier.js';
import { nextCutoff } from './cutoff.js';
import { dayOf, localMinute, startOfDay } from './days.js';
import { campaignShipFrom, loadRoutingRules, parseRoutingRules, readRulesDocument, skuInfo } from './rules.js';

const rules = loadRoutingRules();
/** 2026-11-25 10:00 in Shanghai (02:00 UTC). */
const MORNING = Date.parse('2026-11-25T10:00:00+08:00');
const parcel = (province: string | null, weightGrams = 1000, categories = ['apparel'], warehouse = 'WH-EAST', country: string | null = 'CN') => ({
  warehouse,
  destination: { country, province },
  weightGrams,
  categories,
});

describe('routing rules document', () => {
  it('the default document is valid and loads from a path too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const path = join(dir, 'rules.json');
    writeFileSync(path, JSON.stringify(readRulesDocument()));
    expect(loadRoutingRules(path)).toEqual(rules);
  });

  it('rejects unknown carriers, provinces, groups and cut-offs, naming them', () => {
    const doc = readRulesDocument() as { warehouses: Record<string, { carriers: Record<string, unknown>[] }>; provinceGroups: Record<string, string[]> };
    const bad = structuredClone(doc);
    bad.warehouses['WH-EAST']!.carriers[0]!.carrier = 'DHL';
    bad.warehouses['WH-EAST']!.carriers[1]!.cutoff = '25:99';
    bad.provinceGroups.east = ['Narnia'];
    expect(() => parseRoutingRules(bad)).toThrow(/DHL|carrier/);
    expect(() => parseRoutingRules(bad)).toThrow(/25:99/);
    expect(() => parseRoutingRules(bad)).toThrow(/unknown province/);
    // Cross-references are checked once the document's shape is valid.
    const dangling = structuredClone(doc);
    dangling.warehouses['WH-EAST']!.carriers[2]!.serves = ['atlantis'];
    expect(() => parseRoutingRules(dangling)).toThrow(/atlantis/);
  });

  it('knows SKUs by exact match or longest prefix; unknown ones get the default weight', () => {
    expect(skuInfo(rules, 'APP-TSHIRT')).toEqual({ weightGrams: 400, category: 'apparel', known: true });
    expect(skuInfo(rules, 'ZZZ')).toEqual({ weightGrams: 500, category: '', known: false });
    const custom = parseRoutingRules({
      ...(readRulesDocument() as object),
      catalog: [
        { match: 'A*', weightGrams: 1, category: 'x' },
        { match: 'AB*', weightGrams: 2, category: 'y' },
        { match: 'ABC', weightGrams: 3, category: 'z' },
      ],
    });
    expect([skuInfo(custom, 'AX').category, skuInfo(custom, 'ABX').category, skuInfo(custom, 'ABC').category]).toEqual(['x', 'y', 'z']);
  });

  it('presale campaigns ship from the start of their day in Shanghai, not UTC', () => {
    expect(campaignShipFrom(rules, 'PRE-XMAS-1')).toBe(Date.parse('2026-12-19T16:00:00Z'));
    expect(campaignShipFrom(rules, 'APP-1')).toBeNull();
  });
});

describe('cut-offs and days in Asia/Shanghai', () => {
  it('"HH:mm" and cron cut-offs: the next one strictly after the routing time', () => {
    expect(nextCutoff('16:00', MORNING)).toBe(Date.parse('2026-11-25T16:00:00+08:00'));
    expect(nextCutoff('16:00', Date.parse('2026-11-25T16:00:00+08:00'))).toBe(Date.parse('2026-11-26T16:00:00+08:00'));
    // 2026-11-28 is a Saturday, 29 a Sunday: "Mon–Sat at 15:00" skips to Monday.
    expect(nextCutoff('0 0 15 * * 1-6', Date.parse('2026-11-28T16:00:00+08:00'))).toBe(Date.parse('2026-11-30T15:00:00+08:00'));
  });

  it('a minute past midnight in Shanghai is the next day, though still the previous one in UTC', () => {
    const t = Date.parse('2026-11-26T00:00:00.001+08:00');
    expect(dayOf(t)).toBe('2026-11-26');
    expect(new Date(t).toISOString().slice(0, 10)).toBe('2026-11-25');
    expect(dayOf(t - 2)).toBe('2026-11-25');
    expect(startOfDay('2026-11-26')).toBe(t - 1);
    expect(localMinute(Date.parse('2026-11-25T08:00:00Z'))).toBe('2026-11-25T16:00+08:00');
  });
});

describe('carrier choice', () => {
  it('picks the cheapest carrier that serves the destination and weight', () => {
    const c = chooseCarrier(rules, parcel('广东', 1000), MORNING);
    expect(c).toMatchObject({ carrier: 'ZTO', service: 'standard', flagged: false, cutoffAt: Date.parse('2026-11-25T16:00:00+08:00') });
    expect(c.reason).toMatch(/cheapest/);
  });

  it('breaks a cost tie by the earlier next cut-off', () => {
    // East: ZTO and YTO cost the same. In the morning ZTO's 16:00 comes first; after 16:00 YTO's 17:00 does.
    expect(chooseCarrier(rules, parcel('上海'), MORNING).carrier).toBe('ZTO');
    expect(chooseCarrier(rules, parcel('上海'), Date.parse('2026-11-25T16:30:00+08:00'))).toMatchObject({
      carrier: 'YTO',
      cutoffAt: Date.parse('2026-11-25T17:00:00+08:00'),
    });
  });

  it('skips carriers over their weight limit', () => {
    expect(chooseCarrier(rules, parcel('广东', 35_000), MORNING)).toMatchObject({ carrier: 'SF', flagged: false });
  });

  it('applies a category override (fresh goes SF cold-chain)', () => {
    expect(chooseCarrier(rules, parcel('上海', 1500, ['fresh', 'apparel']), MORNING)).toMatchObject({
      carrier: 'SF',
      service: 'cold-chain',
      flagged: false,
      reason: 'override fresh → SF cold-chain',
    });
  });

  it('no matching carrier: the catch-all, flagged, saying why', () => {
    expect(chooseCarrier(rules, parcel('加州', 1000), MORNING)).toMatchObject({
      carrier: 'SF',
      flagged: true,
      reason: expect.stringMatching(/unknown destination province/),
    });
    expect(chooseCarrier(rules, parcel('California', 1000, ['apparel'], 'WH-EAST', 'US'), MORNING)).toMatchObject({
      flagged: true,
      reason: expect.stringMatching(/no carrier rule for destination US/),
    });
    expect(chooseCarrier(rules, parcel('上海', 60_000), MORNING)).toMatchObject({
      carrier: 'SF',
      flagged: true,
      reason: expect.stringMatching(/no carrier of WH-EAST serves CN\/上海 at 60000 g/),
    });
    expect(chooseCarrier(rules, parcel('上海', 1000, ['apparel'], 'WH-MARS'), MORNING)).toMatchObject({
      carrier: 'SF',
      flagged: true,
      reason: expect.stringMatching(/WH-MARS has no routing rules/),
    });
  });
});
