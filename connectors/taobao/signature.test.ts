import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { InboundPush } from '../contract.js';
import { ReplayGuard, stampHeaders, topSign, verifySourceStamp, verifyTopSign } from './signature.js';

describe('TOP md5 signing', () => {
  it('is UPPER(hex(md5(secret + sorted k+v + secret))), sign and empty values excluded', () => {
    const params = {
      v: '2.0',
      method: 'taobao.trade.fullinfo.get',
      app_key: '12345678',
      sign_method: 'md5',
      timestamp: '2025-11-11 00:00:05',
      empty: '',
      sign: 'ignored',
    };
    const expected = createHash('md5')
      .update('s3cretapp_key12345678methodtaobao.trade.fullinfo.getsign_methodmd5timestamp2025-11-11 00:00:05v2.0s3cret')
      .digest('hex')
      .toUpperCase();
    expect(topSign(params, 's3cret')).toBe(expected);
    expect(verifyTopSign({ ...params, sign: expected }, 's3cret')).toBe(true);
    expect(verifyTopSign({ ...params, sign: expected.toLowerCase() }, 's3cret')).toBe(true);
    expect(verifyTopSign({ ...params, sign: expected }, 'other')).toBe(false);
    expect(verifyTopSign({ ...params, method: 'taobao.trades.sold.get', sign: expected }, 's3cret')).toBe(false);
    expect(verifyTopSign({ ...params, sign: undefined }, 's3cret')).toBe(false);
  });
});

describe('source stamp (verify)', () => {
  const secret = 'app-secret-123';
  const body = Buffer.from('{"tid_str":"1"}');
  const now = 1_762_790_405_000;
  const push = (headers: InboundPush['headers'], raw = body): InboundPush => ({ headers, rawBody: raw, receivedAt: now });

  it('accepts a fresh stamp once, then refuses the replay', () => {
    const guard = new ReplayGuard();
    const p = push(stampHeaders(body, secret, now, 'nonce-1'));
    expect(verifySourceStamp(p, secret, { now, replay: guard })).toEqual({ ok: true, value: undefined });
    expect(verifySourceStamp(p, secret, { now: now + 1000, replay: guard })).toEqual({ ok: false, reason: 'source stamp nonce was already used (replay)' });
  });

  it('refuses a forged body, a wrong secret and a forged signature', () => {
    const headers = stampHeaders(body, secret, now, 'n2');
    expect(verifySourceStamp(push(headers, Buffer.from('{"tid_str":"2"}')), secret, { now, replay: new ReplayGuard() })).toEqual({
      ok: false,
      reason: 'source stamp does not match the body',
    });
    expect(verifySourceStamp(push(headers), 'wrong-secret', { now, replay: new ReplayGuard() }).ok).toBe(false);
    expect(verifySourceStamp(push({ ...headers, 'x-omnistream-source-sign': '0'.repeat(64) }), secret, { now, replay: new ReplayGuard() }).ok).toBe(false);
  });

  it('refuses a stale stamp, with a configurable tolerance', () => {
    const p = push(stampHeaders(body, secret, now - 6 * 60_000, 'n3'));
    expect(verifySourceStamp(p, secret, { now, replay: new ReplayGuard() })).toEqual({ ok: false, reason: 'source stamp is stale (outside ±300000 ms)' });
    expect(verifySourceStamp(p, secret, { now, toleranceMs: 10 * 60_000, replay: new ReplayGuard() }).ok).toBe(true);
    const future = push(stampHeaders(body, secret, now + 6 * 60_000, 'n4'));
    expect(verifySourceStamp(future, secret, { now, replay: new ReplayGuard() }).ok).toBe(false);
  });

  it('refuses a push without a stamp (e.g. posted to the HTTP webhook route)', () => {
    expect(verifySourceStamp(push({ 'content-type': 'application/json' }), secret, { now })).toEqual({
      ok: false,
      reason: 'missing source stamp: not a message received on the authenticated TMC connection',
    });
  });

  it('refuses duplicated stamp headers', () => {
    const h = stampHeaders(body, secret, now, 'n5');
    const sign = h['x-omnistream-source-sign']!;
    expect(verifySourceStamp(push({ ...h, 'x-omnistream-source-sign': [sign, sign] }), secret, { now, replay: new ReplayGuard() })).toEqual({
      ok: false,
      reason: 'multiple x-omnistream-source-sign headers',
    });
  });
});
