import { describe, expect, it } from 'vitest';
import { formatComponents, MAX_BUNDLE_UNITS, parseComponents } from './components.js';

describe('listing components', () => {
  it('reads one SKU, a bundle and a kit', () => {
    expect(parseComponents('A1')).toEqual({ ok: true, components: [{ sku: 'A1', quantity: 1 }] });
    expect(parseComponents('A1*6')).toEqual({ ok: true, components: [{ sku: 'A1', quantity: 6 }] });
    expect(parseComponents(' A1*2 + B-2 ')).toEqual({
      ok: true,
      components: [
        { sku: 'A1', quantity: 2 },
        { sku: 'B-2', quantity: 1 },
      ],
    });
  });

  it('refuses what is not SKU*N', () => {
    for (const bad of ['', '  ', 'A1*', 'A1*0', 'A1*-1', 'A1*1.5', 'A 1', 'A1++B', '*3', 'A1*x', `A1*${MAX_BUNDLE_UNITS + 1}`]) {
      expect(parseComponents(bad).ok, bad).toBe(false);
    }
  });

  it('refuses the same SKU twice, naming it', () => {
    expect(parseComponents('A1+A1*2')).toEqual({ ok: false, reason: 'A1 appears twice (write A1*N)' });
  });

  it('prints back what it read', () => {
    for (const text of ['A1', 'A1*6', 'A1*2+B2']) {
      const parsed = parseComponents(text);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(formatComponents(parsed.components)).toBe(text);
    }
  });
});
