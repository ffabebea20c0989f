import { describe, expect, it } from 'vitest';
import { lopSign } from './jd/signature.js';
import { javaUrlEncode, sfMsgDigest } from './sf/signature.js';
import { ytoPushDigest, ytoSign } from './yto/signature.js';
import { ztoDigest } from './zto/signature.js';

// Expected values computed independently (Python hashlib/urllib), not with this code.
describe('carrier signatures', () => {
  it('SF msgDigest = base64(md5(urlencode(msgData + timestamp + checkWord)))', () => {
    expect(sfMsgDigest('{"orderId":"a b!(x)","城":"深圳"}', '1700000000000', 'chk')).toBe('kT4lrzqp4ab8vguH4xI54A==');
  });

  it("SF urlencode follows Java URLEncoder (space as +, !'()~ escaped, * kept)", () => {
    expect(javaUrlEncode("a b!'()~*-_.")).toBe('a+b%21%27%28%29%7E*-_.');
  });

  it('ZTO x-datadigest = base64(md5(body + appSecret))', () => {
    expect(ztoDigest('{"a":1}', 'sec')).toBe('Kpx/rvSnE/hV9x/G14bgQg==');
  });

  it('YTO sign and push digest are base64(md5(…)) over the documented concatenation', () => {
    expect(ytoSign('{"a":1}', '', '', 'sec')).toBe('Kpx/rvSnE/hV9x/G14bgQg==');
    expect(ytoPushDigest('{"a":1}', 'sec')).toBe('Kpx/rvSnE/hV9x/G14bgQg==');
  });

  it('JD LOP md5-salt sign', () => {
    expect(lopSign({ appSecret: 'S', accessToken: 'T', appKey: 'K', method: '/ecap/v1/orders/create', body: '[{}]', timestamp: '2025-01-01 00:00:00' })).toBe(
      '70413ed3b2b8b0c6f6fbce783507a022',
    );
  });
});
