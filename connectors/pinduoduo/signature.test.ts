import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { InboundPush } from '../contract.js';
import { connectPath, connectSignature, pddSign, ReplayGuard, stampHeaders, verifyPddSign, verifySourceStamp } from './signature.js';

describe('PDD API signing', () => {
  it('is UPPER(hex(md5(secret + sorted k+v + secret)))', () => {
    const params = { type: 'pdd.order.information.get', client_id: 'cid123', timestamp: '1762790405', data_type: 'JSON', order_sn: '251110-123', sign: 'x' };
    const expected = createHash('md5')
      .update('secclient_idcid123data_typeJSONorder_sn251110-123timestamp1762790405typepdd.order.information.getsec')
      .digest('hex')
      .toUpperCase();
    expect(pddSign(params, 'sec')).toBe(expected);
    expect(verifyPddSign({ ...params, sign: expected }, 'sec')).toBe(true);
    expect(verifyPddSign({ ...params, sign: expected }, 'other')).toBe(false);
    expect(verifyPddSign({ ...params, order_sn: '251110-124', sign: expected }, 'sec')).toBe(false);
  });
});

describe('message-channel connect signature', () => {
  it('is base64 of the lowercase md5 hex (not of the raw digest), URL-encoded in the path', () => {
    const hex = createHash('md5').update('cid1231762790405000sec').digest('hex');
    expect(connectSignature('cid123', '1762790405000', 'sec')).toBe(Buffer.from(hex).toString('base64'));
    expect(connectSignature('cid123', '1762790405000', 'sec')).toHaveLength(44);
    const path = connectPath('cid123', '1762790405000', 'sec');
    expect(path).toBe(`/message/cid123/1762790405000/${encodeURIComponent(Buffer.from(hex).toString('base64'))}`);
    expect(path.split('/')[4]).not.toMatch(/[+/=]/);
  });
});

describe('source stamp (verify)', () => {
  const secret = 'client-secret-1';
  const body = Buffer.from('{"order_sn":"251110-1"}');
  const now = 1_762_790_405_000;
  const push = (headers: InboundPush['headers'], raw = body): InboundPush => ({ headers, rawBody: raw, receivedAt: now });

  it('valid once, then a replay is refused', () => {
    const guard = new ReplayGuard();
    const p = push(stampHeaders(body, secret, now, 'n1'));
    expect(verifySourceStamp(p, secret, { now, replay: guard }).ok).toBe(true);
    expect(verifySourceStamp(p, secret, { now, replay: guard })).toEqual({ ok: false, reason: 'source stamp nonce was already used (replay)' });
  });

  it('forged body or signature refused', () => {
    const h = stampHeaders(body, secret, now, 'n2');
    expect(verifySourceStamp(push(h, Buffer.from('{"order_sn":"251110-2"}')), secret, { now, replay: new ReplayGuard() })).toEqual({
      ok: false,
      reason: 'source stamp does not match the body',
    });
    expect(verifySourceStamp(push(h), 'other-secret', { now, replay: new ReplayGuard() }).ok).toBe(false);
  });

  it('stale refused (tolerance configurable)', () => {
    const p = push(stampHeaders(body, secret, now - 301_000, 'n3'));
    expect(verifySourceStamp(p, secret, { now, replay: new ReplayGuard() })).toEqual({ ok: false, reason: 'source stamp is stale (outside ±300000 ms)' });
    expect(verifySourceStamp(p, secret, { now, toleranceMs: 400_000, replay: new ReplayGuard() }).ok).toBe(true);
  });

  it('missing refused', () => {
    expect(verifySourceStamp(push({}), secret, { now })).toEqual({
      ok: false,
      reason: 'missing source stamp: not a message received on the authenticated PDD message connection',
    });
  });
});
