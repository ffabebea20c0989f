import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signedHeaders, verifyWmsSignature, wmsSignature } from './signature.js';

const SECRET = 'a-secret-of-sixteen-chars';
const NOW = 1_764_000_000_000;

describe('WMS request signature', () => {
  it('accepts what signedHeaders signed', () => {
    const body = '{"a":1}';
    expect(verifyWmsSignature(SECRET, signedHeaders(SECRET, body, NOW), Buffer.from(body), NOW + 1000)).toEqual({ ok: true });
  });

  it('rejects a changed body, another secret, a moved timestamp, a stale request and missing headers', () => {
    const body = '{"a":1}';
    const h = signedHeaders(SECRET, body, NOW);
    expect(verifyWmsSignature(SECRET, h, Buffer.from('{"a":2}'), NOW)).toMatchObject({ ok: false, reason: 'signature does not match' });
    expect(verifyWmsSignature('another-secret-sixteen', h, Buffer.from(body), NOW)).toMatchObject({ ok: false });
    expect(verifyWmsSignature(SECRET, { ...h, 'x-wms-timestamp': String(NOW + 1) }, Buffer.from(body), NOW)).toMatchObject({
      ok: false,
      reason: 'signature does not match',
    });
    expect(verifyWmsSignature(SECRET, h, Buffer.from(body), NOW + 6 * 60_000)).toMatchObject({ ok: false, reason: expect.stringContaining('replay') });
    expect(verifyWmsSignature(SECRET, {}, Buffer.from(body), NOW)).toMatchObject({ ok: false, reason: 'missing x-wms-signature header' });
  });

  it('is HMAC-SHA256 hex over "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', 'key').update('1.x').digest('hex');
    expect(wmsSignature('key', '1', 'x')).toBe(expected);
    expect(wmsSignature('key', '1', Buffer.from('x'))).toBe(expected);
    expect(wmsSignature('key', '1', 'x')).toMatch(/^[0-9a-f]{64}$/);
  });
});
