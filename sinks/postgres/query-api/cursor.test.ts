import { describe, expect, it } from 'vitest';
import { CursorError, decodeOrderCursor, decodeStockCursor, encodeOrderCursor, encodeStockCursor, filterFingerprint } from './cursor.js';

describe('query api cursors', () => {
  const f = filterFingerprint({ channel: 'jd', status: 'PAID' });

  it('round-trip the sort key, exactly (microseconds, any key text)', () => {
    const c = { at: '2026-01-10T08:00:02.000123Z', key: 'shopify:brand-a.myshopify.com:1002' };
    expect(decodeOrderCursor(encodeOrderCursor(c, f), f)).toEqual(c);
    const s = { sku: 'SKU/Ä', warehouse: 'WH-EAST' };
    expect(decodeStockCursor(encodeStockCursor(s, f), f)).toEqual(s);
  });

  it('fingerprint filters independently of key order, and tell different filters apart', () => {
    expect(filterFingerprint({ status: 'PAID', channel: 'jd' })).toBe(f);
    expect(filterFingerprint({ channel: 'jd' })).not.toBe(f);
    expect(filterFingerprint({ channel: 'jd', status: undefined })).toBe(filterFingerprint({ channel: 'jd', status: null }));
  });

  it('refuse junk, the other kind, and cursors of other filters', () => {
    const order = encodeOrderCursor({ at: '2026-01-10T08:00:02.000123Z', key: 'k' }, f);
    expect(() => decodeOrderCursor(order, filterFingerprint({}))).toThrow(/other filters/);
    expect(() => decodeStockCursor(order, f)).toThrow(CursorError);
    expect(() => decodeOrderCursor('!!', f)).toThrow('invalid cursor');
    expect(() => decodeOrderCursor(Buffer.from('null').toString('base64url'), f)).toThrow('invalid cursor');
    expect(() => decodeOrderCursor(Buffer.from(JSON.stringify({ t: 'o', at: '2026-01-10T08:00:02Z', k: 'k', f })).toString('base64url'), f)).toThrow(
      'invalid cursor',
    );
    expect(() => decodeOrderCursor(Buffer.from(JSON.stringify({ t: 'o', at: '2026-01-10T08:00:02.000123Z', k: '', f })).toString('base64url'), f)).toThrow(
      'invalid cursor',
    );
  });
});
