import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { douyinOrderMessage, douyinPush, makeDouyinOrder, toInboundPush } from '../../simulators/douyin/index.js';
import { canonicalParamJson, checkApiTimestamp, signDouyinApiRequest, signDouyinPush, verifyDouyinPush } from './signature.js';

const APP_KEY = '7012345678901234567';
const APP_SECRET = 'sim-app-secret-0d2c';
const order = makeDouyinOrder({
  orderId: '6920000000000000101',
  skus: [{ skuId: '1780000000000000001', quantity: 1, priceFen: 1990 }],
  createdAt: new Date('2025-11-11T00:00:05+08:00'),
});
const delivery = () => toInboundPush(douyinPush([douyinOrderMessage('100', order)], APP_KEY, APP_SECRET), 1);

describe('signDouyinPush', () => {
  it('is lower-hex md5(app_key + body + app_secret), computed independently here', () => {
    const body = '[{"tag":"100","msg_id":"1","data":"{}"}]';
    expect(signDouyinPush(body, 'k', 's')).toBe(createHash('md5').update(`k${body}s`).digest('hex'));
    expect(signDouyinPush('', '', '')).toBe('d41d8cd98f00b204e9800998ecf8427e'); // md5 of the empty string
  });
});

describe('verifyDouyinPush', () => {
  it('accepts a push signed with the app secret', () => {
    expect(verifyDouyinPush(delivery(), APP_KEY, APP_SECRET)).toEqual({ ok: true, value: undefined });
  });

  it('accepts upper-case hex and an explicit sign-method: md5', () => {
    const push = delivery();
    const upper = { ...push, headers: { ...push.headers, 'event-sign': (push.headers['event-sign'] as string).toUpperCase(), 'sign-method': 'md5' } };
    expect(verifyDouyinPush(upper, APP_KEY, APP_SECRET).ok).toBe(true);
  });

  it('rejects a body with one byte changed (forged)', () => {
    const push = delivery();
    const body = Buffer.from(push.rawBody);
    body[body.length - 3] = body[body.length - 3]! ^ 0x01;
    expect(verifyDouyinPush({ ...push, rawBody: body }, APP_KEY, APP_SECRET)).toEqual({ ok: false, reason: 'event-sign does not match the body' });
  });

  it('rejects a push signed with another secret', () => {
    const push = toInboundPush(douyinPush([douyinOrderMessage('100', order)], APP_KEY, 'other-secret'), 1);
    expect(verifyDouyinPush(push, APP_KEY, APP_SECRET)).toEqual({ ok: false, reason: 'event-sign does not match the body' });
  });

  it('rejects a push for another app', () => {
    const push = toInboundPush(douyinPush([douyinOrderMessage('100', order)], '7999999999999999999', APP_SECRET), 1);
    expect(verifyDouyinPush(push, APP_KEY, APP_SECRET)).toEqual({ ok: false, reason: "app-id is not this shop's app key" });
  });

  it('fails with a reason when a header is missing or empty', () => {
    const push = delivery();
    const { 'event-sign': _s, ...noSign } = push.headers;
    expect(verifyDouyinPush({ ...push, headers: noSign }, APP_KEY, APP_SECRET)).toEqual({ ok: false, reason: 'missing event-sign header' });
    expect(verifyDouyinPush({ ...push, headers: { ...noSign, 'event-sign': ' ' } }, APP_KEY, APP_SECRET)).toEqual({
      ok: false,
      reason: 'missing event-sign header',
    });
    const { 'app-id': _a, ...noApp } = push.headers;
    expect(verifyDouyinPush({ ...push, headers: noApp }, APP_KEY, APP_SECRET)).toEqual({ ok: false, reason: 'missing app-id header' });
  });

  it('refuses sign methods no source documents for pushes, and duplicate headers', () => {
    const push = delivery();
    expect(verifyDouyinPush({ ...push, headers: { ...push.headers, 'sign-method': 'hmac-sha256' } }, APP_KEY, APP_SECRET)).toEqual({
      ok: false,
      reason: 'unsupported sign-method "hmac-sha256"',
    });
    const sign = push.headers['event-sign'] as string;
    expect(verifyDouyinPush({ ...push, headers: { ...push.headers, 'event-sign': [sign, sign] } }, APP_KEY, APP_SECRET)).toEqual({
      ok: false,
      reason: 'multiple event-sign headers',
    });
  });

  it('rejects signatures of the wrong length without throwing', () => {
    const push = delivery();
    for (const bad of ['abc', 'f'.repeat(64)]) {
      expect(verifyDouyinPush({ ...push, headers: { ...push.headers, 'event-sign': bad } }, APP_KEY, APP_SECRET).ok).toBe(false);
    }
  });
});

describe('open API request signing', () => {
  const input = { appKey: 'ak', appSecret: 'sec', method: 'order.searchList', paramJson: '{"page":0,"size":10}', timestamp: '1762790405' };
  const pattern = 'secapp_keyakmethodorder.searchListparam_json{"page":0,"size":10}timestamp1762790405v2sec';

  it('hmac-sha256: HMAC(key=secret, secret + app_key…v2 + secret), hex', () => {
    expect(signDouyinApiRequest(input)).toBe(createHmac('sha256', 'sec').update(pattern).digest('hex'));
  });

  it('md5: md5 of the same wrapped pattern', () => {
    expect(signDouyinApiRequest({ ...input, signMethod: 'md5' })).toBe(createHash('md5').update(pattern).digest('hex'));
  });

  it('param_json is key-sorted at every level, without spaces', () => {
    expect(canonicalParamJson({ size: 10, page: 0, b: { z: 1, a: [{ y: 2, x: '<&>' }] }, u: undefined })).toBe(
      '{"b":{"a":[{"x":"<&>","y":2}],"z":1},"page":0,"size":10}',
    );
  });

  it('timestamp tolerance: ±5 min by default, configurable, stale and future refused', () => {
    const now = 1_762_790_405_000;
    expect(checkApiTimestamp('1762790405', now)).toEqual({ ok: true, value: now });
    expect(checkApiTimestamp(String(1762790405 - 301), now).ok).toBe(false);
    expect(checkApiTimestamp(String(1762790405 + 301), now).ok).toBe(false);
    expect(checkApiTimestamp(String(1762790405 - 301), now, 10 * 60_000).ok).toBe(true);
    expect(checkApiTimestamp('2025-11-11 00:00:05', now).ok).toBe(false);
  });
});
