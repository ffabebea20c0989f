import { createHash } from 'node:crypto';

/** ZOP: x-datadigest = base64(md5(body + appSecret)); pushes sign data_digest the same way. */
export function ztoDigest(body: string, appSecret: string): string {
  return createHash('md5')
    .update(body + appSecret, 'utf8')
    .digest('base64');
}
