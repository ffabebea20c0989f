import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeYouzanTrade, toInboundPush, youzanEnvelope, youzanPush } from '../../simulators/youzan/index.js';
import { signYouzanBody, signYouzanMsg, verifyYouzanPush } from './signature.js';

const CLIENT_ID = 'd3ccc77bb8b5bf4e08';
const SECRET = 'sim-client-secret-7788';
const trade = makeYouzanTrade({
  tid: 'E20251111000005000000001',
  lines: [{ outerSkuId: 'TEE-RED-M', quantity: 1, priceFen: 1999 }],
  createdAt: new Date('2025-11-11T00:00:05+08:00'),
});
const envelope = youzanEnvelope(trade, 'trade_TradeCreate', { clientId: CLIENT_ID, kdtId: 41566520 });
const opts = { clientId: CLIENT_ID, clientSecret: SECRET };
const delivery = () => toInboundPush(youzanPush(envelope, SECRET), 1);

describe('Youzan signatures', () => {
  it('Event-Sign is md5(client_id + raw body + client_secret), lower hex', () => {
    expect(signYouzanBody('{"a":1}', 'c', 's')).toBe(createHash('md5').update('c{"a":1}s').digest('hex'));
    expect(signYouzanMsg('%7B%7D', 'c', 's')).toBe(createHash('md5').update('c%7B%7Ds').digest('hex'));
  });

  it('accepts a push signed with the client secret (any header case, upper-case hex)', () => {
    expect(verifyYouzanPush(delivery(), opts)).toEqual({ ok: true, value: undefined });
    const p = delivery();
    const upper = { ...p, headers: { ...p.headers, 'event-sign': (p.headers['event-sign'] as string).toUpperCase() } };
    expect(verifyYouzanPush(upper, opts).ok).toBe(true);
  });

  it('rejects a forged body, another secret, a wrong-length signature', () => {
    const p = delivery();
    const forged = Buffer.from(p.rawBody.toString('utf8').replace('"kdt_id":41566520', '"kdt_id":41566521'));
    expect(verifyYouzanPush({ ...p, rawBody: forged }, opts)).toEqual({ ok: false, reason: 'Event-Sign does not match the body' });
    expect(verifyYouzanPush(toInboundPush(youzanPush(envelope, 'other-secret'), 1), opts).ok).toBe(false);
    expect(verifyYouzanPush({ ...p, headers: { ...p.headers, 'event-sign': 'abc' } }, opts).ok).toBe(false);
  });

  it('missing header: refused unless the shop opted into the legacy body sign', () => {
    const unsigned = toInboundPush(youzanPush(envelope, null), 1);
    expect(verifyYouzanPush(unsigned, opts)).toEqual({ ok: false, reason: 'missing Event-Sign header' });
    expect(verifyYouzanPush(unsigned, { ...opts, allowLegacyBodySign: true })).toEqual({ ok: false, reason: 'legacy body sign: missing msg or sign' });
  });

  it('legacy body sign md5(client_id + msg + secret): valid, forged msg, other app', () => {
    const legacy = youzanEnvelope(trade, 'trade_TradeCreate', { clientId: CLIENT_ID, kdtId: 41566520, legacySignSecret: SECRET });
    const push = toInboundPush(youzanPush(legacy, null), 1);
    expect(verifyYouzanPush(push, { ...opts, allowLegacyBodySign: true })).toEqual({ ok: true, value: undefined });
    const forged = toInboundPush(youzanPush({ ...legacy, msg: legacy.msg.replace('WAIT_BUYER_PAY', 'TRADE_SUCCESS') }, null), 1);
    expect(verifyYouzanPush(forged, { ...opts, allowLegacyBodySign: true })).toEqual({ ok: false, reason: 'legacy body sign does not match msg' });
    const otherApp = toInboundPush(youzanPush({ ...legacy, client_id: 'someoneelse' }, null), 1);
    expect(verifyYouzanPush(otherApp, { ...opts, allowLegacyBodySign: true })).toEqual({ ok: false, reason: 'legacy body sign: client_id is not this app' });
  });

  it('refuses two Event-Sign headers', () => {
    const p = delivery();
    const s = p.headers['event-sign'] as string;
    expect(verifyYouzanPush({ ...p, headers: { ...p.headers, 'event-sign': [s, s] } }, opts)).toEqual({ ok: false, reason: 'multiple Event-Sign headers' });
  });
});
