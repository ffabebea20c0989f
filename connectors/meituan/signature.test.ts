import { describe, expect, it } from 'vitest';
import { makeMeituanOrder, meituanPush, toInboundPush } from '../../simulators/meituan/index.js';
import { formEncode } from './form.js';
import { meituan } from './index.js';
import { meituanSig } from './signature.js';

const SECRET = 'mt-app-secret-0001';
const PUSH_URL = 'https://hub.example.com/webhooks/meituan/store-1';
const shop = {
  channel: 'meituan',
  shopId: 'store-1',
  brand: 'Omni',
  secret: SECRET,
  credentials: { appId: '4600', pushUrl: PUSH_URL },
};
const NOW = Date.UTC(2025, 10, 11, 2, 0, 5);
const order = makeMeituanOrder({
  orderId: '27061900338318741',
  appPoiCode: 'store-1',
  createdAt: new Date(NOW - 60_000),
  lines: [{ sku_id: 'SKU-NOODLE-L', quantity: 2, price: '25.5' }],
});
const signed = () => meituanPush(order, { appId: '4600', secret: SECRET, pushUrl: PUSH_URL, timestamp: Math.floor(NOW / 1000) });

describe('Meituan push signature', () => {
  it('accepts a genuine push', () => {
    expect(meituan.verify(toInboundPush(signed(), NOW), shop)).toEqual({ ok: true, value: undefined });
  });

  it('matches the documented formula on a hand-built example', () => {
    // md5("https://x.test/cb?app_id=1&b=中 文&timestamp=1700000000" + "s"), values decoded
    const expected = meituanSig('https://x.test/cb', { timestamp: '1700000000', b: '中 文', app_id: '1' }, 's');
    const push = {
      headers: {},
      query: { app_id: '1', timestamp: '1700000000', sig: expected },
      rawBody: Buffer.from(`b=${formEncode(formEncode('中 文'))}`),
      receivedAt: 1_700_000_000_000,
    };
    expect(meituan.verify(push, { ...shop, secret: 's', credentials: { appId: '1', pushUrl: 'https://x.test/cb' } }).ok).toBe(true);
    expect(expected).toMatch(/^[0-9a-f]{32}$/);
  });

  it('accepts the sig in upper case', () => {
    const push = signed();
    push.query.sig = push.query.sig!.toUpperCase();
    expect(meituan.verify(toInboundPush(push, NOW), shop).ok).toBe(true);
  });

  it('refuses a forged body (a changed total)', () => {
    const push = signed();
    push.body = push.body.replace(/(^|&)total=[^&]*/, '$1total=0.01');
    expect(meituan.verify(toInboundPush(push, NOW), shop)).toEqual({ ok: false, reason: 'sig does not match the parameters' });
  });

  it('refuses a push signed with another secret', () => {
    const push = meituanPush(order, { appId: '4600', secret: 'other', pushUrl: PUSH_URL, timestamp: Math.floor(NOW / 1000) });
    expect(meituan.verify(toInboundPush(push, NOW), shop).ok).toBe(false);
  });

  it('refuses a push signed for another callback URL', () => {
    const push = meituanPush(order, { appId: '4600', secret: SECRET, pushUrl: 'https://evil.example/cb', timestamp: Math.floor(NOW / 1000) });
    expect(meituan.verify(toInboundPush(push, NOW), shop).ok).toBe(false);
  });

  it('refuses a stale push (timestamp 301 s old) and accepts one 299 s old', () => {
    expect(meituan.verify(toInboundPush(signed(), NOW + 301_000), shop)).toMatchObject({ ok: false, reason: expect.stringContaining('tolerance 300 s') });
    expect(meituan.verify(toInboundPush(signed(), NOW + 299_000), shop).ok).toBe(true);
  });

  it('takes the tolerance from credentials.timestampToleranceSeconds', () => {
    const lenient = { ...shop, credentials: { ...shop.credentials, timestampToleranceSeconds: '3600' } };
    expect(meituan.verify(toInboundPush(signed(), NOW + 1_800_000), lenient).ok).toBe(true);
  });

  it('refuses a push without sig or without timestamp', () => {
    const noSig = signed();
    delete (noSig.query as Record<string, string>).sig;
    expect(meituan.verify(toInboundPush(noSig, NOW), shop)).toEqual({ ok: false, reason: 'missing sig parameter' });
    const noTs = signed();
    delete (noTs.query as Record<string, string>).timestamp;
    expect(meituan.verify(toInboundPush(noTs, NOW), shop)).toEqual({ ok: false, reason: 'missing timestamp parameter' });
  });

  it("refuses another app's push and a parameter sent twice", () => {
    const otherApp = meituanPush(order, { appId: '9999', secret: SECRET, pushUrl: PUSH_URL, timestamp: Math.floor(NOW / 1000) });
    expect(meituan.verify(toInboundPush(otherApp, NOW), shop)).toMatchObject({ ok: false, reason: expect.stringMatching(/app_id/) });
    const twice = signed();
    twice.body += '&status=9';
    expect(meituan.verify(toInboundPush(twice, NOW), shop)).toEqual({ ok: false, reason: 'parameter "status" appears more than once' });
  });

  it('refuses to verify anything when the shop has no pushUrl configured', () => {
    expect(meituan.verify(toInboundPush(signed(), NOW), { ...shop, credentials: { appId: '4600' } })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/pushUrl/),
    });
  });
});
