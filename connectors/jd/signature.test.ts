import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jd } from './index.js';
import { jdSign, SOURCE_SEAL_HEADER, sealPolledRecord, verifyJdRequest } from './signature.js';
import { formatChinaTime } from './timestamp.js';

const SECRET = 'jd-app-secret';
const shop = { channel: 'jd', shopId: 'jd-shop-1', brand: 'B', secret: SECRET };

describe('JOS request signing', () => {
  const NOW = Date.parse('2025-11-11T00:00:05+08:00');
  const params = () => {
    const p: Record<string, string> = {
      method: 'jingdong.pop.order.enSearch',
      app_key: 'AK1',
      access_token: 'TOKEN',
      timestamp: formatChinaTime(NOW),
      v: '2.0',
      '360buy_param_json': '{"page":"1"}',
    };
    p.sign = jdSign(p, SECRET);
    return p;
  };

  it('is UPPER(MD5(secret + sorted k+v + secret)), empty values skipped', () => {
    const expected = createHash('md5')
      .update(`${SECRET}360buy_param_json{"page":"1"}access_tokenTOKENapp_keyAK1methodjingdong.pop.order.enSearchtimestamp2025-11-11 00:00:05v2.0${SECRET}`)
      .digest('hex')
      .toUpperCase();
    expect(params().sign).toBe(expected);
    expect(jdSign({ ...params(), empty: '' }, SECRET)).toBe(expected);
  });

  it('verifies a genuine request, in either letter case', () => {
    expect(verifyJdRequest(params(), SECRET, NOW)).toEqual({ ok: true, value: undefined });
    expect(verifyJdRequest({ ...params(), sign: params().sign!.toLowerCase() }, SECRET, NOW).ok).toBe(true);
  });

  it('refuses a forged parameter, a wrong secret, a missing sign', () => {
    expect(verifyJdRequest({ ...params(), '360buy_param_json': '{"page":"2"}' }, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'sign does not match the parameters',
    });
    expect(verifyJdRequest(params(), 'other', NOW).ok).toBe(false);
    const { sign: _s, ...unsigned } = params();
    expect(verifyJdRequest(unsigned, SECRET, NOW)).toEqual({ ok: false, reason: 'missing sign' });
  });

  it('refuses a stale timestamp (301 s) and accepts 299 s, tolerance configurable', () => {
    expect(verifyJdRequest(params(), SECRET, NOW + 301_000)).toMatchObject({ ok: false, reason: expect.stringContaining('tolerance 300 s') });
    expect(verifyJdRequest(params(), SECRET, NOW + 299_000).ok).toBe(true);
    expect(verifyJdRequest(params(), SECRET, NOW + 900_000, 1_000).ok).toBe(true);
  });
});

describe('JD verify(): only records sealed by our own polling source', () => {
  const body = Buffer.from('{"orderId":"1"}');
  const push = (headers: Record<string, string | string[]>) => ({ headers, rawBody: body, receivedAt: 0 });

  it('accepts a sealed record', () => {
    expect(jd.verify(push({ [SOURCE_SEAL_HEADER]: sealPolledRecord(body, SECRET) }), shop)).toEqual({ ok: true, value: undefined });
  });

  it('refuses an unsealed body (someone POSTing "JD orders" to the webhook route)', () => {
    expect(jd.verify(push({}), shop)).toMatchObject({ ok: false, reason: expect.stringContaining('JD does not push orders') });
  });

  it('refuses a seal made with another secret, for another body, or given twice', () => {
    expect(jd.verify(push({ [SOURCE_SEAL_HEADER]: sealPolledRecord(body, 'other') }), shop).ok).toBe(false);
    expect(jd.verify(push({ [SOURCE_SEAL_HEADER]: sealPolledRecord('{"orderId":"2"}', SECRET) }), shop).ok).toBe(false);
    const seal = sealPolledRecord(body, SECRET);
    expect(jd.verify(push({ [SOURCE_SEAL_HEADER]: [seal, seal] }), shop)).toEqual({ ok: false, reason: `multiple ${SOURCE_SEAL_HEADER} headers` });
  });
});
