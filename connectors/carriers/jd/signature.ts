import { createHash } from 'node:crypto';

export const LOP_VERSION = '2.0';

/**
 * JD Logistics LOP, algorithm md5-salt: sign = lower-hex md5(appSecret + "access_token" + token +
 * "app_key" + appKey + "method" + path + "param_json" + body + "timestamp" + timestamp + "v" +
 * "2.0" + appSecret), timestamp "yyyy-MM-dd HH:mm:ss" (China time).
 */
export function lopSign(p: { appSecret: string; accessToken: string; appKey: string; method: string; body: string; timestamp: string }): string {
  const content = `${p.appSecret}access_token${p.accessToken}app_key${p.appKey}method${p.method}param_json${p.body}timestamp${p.timestamp}v${LOP_VERSION}${p.appSecret}`;
  return createHash('md5').update(content, 'utf8').digest('hex');
}

/** Tracking pushes (UNVERIFIED, see README): lower-hex md5(appSecret + body + timestamp + appSecret). */
export function jdPushSign(body: string, timestamp: string, appSecret: string): string {
  return createHash('md5')
    .update(appSecret + body + timestamp + appSecret, 'utf8')
    .digest('hex');
}
