import { createHash } from 'node:crypto';
import { safeEqual } from '../../lib/safe-equal.js';

export { safeEqual };

/*
 * The request signature Taobao TOP, JD JOS and Pinduoduo share:
 *   sign = UPPER(hex(MD5(secret + k1 + v1 + k2 + v2 … + secret)))
 * over every parameter except `sign` itself, sorted by key (byte order), empty values left out.
 */
export function sortedMd5Sign(params: Readonly<Record<string, string | undefined>>, secret: string): string {
  const body = Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}${params[k]}`)
    .join('');
  return createHash('md5').update(`${secret}${body}${secret}`, 'utf8').digest('hex').toUpperCase();
}

/** A request's `sign` checked against its other parameters (simulators check like the platform). */
export function verifySortedMd5Sign(params: Readonly<Record<string, string | undefined>>, secret: string): boolean {
  const given = params.sign;
  return typeof given === 'string' && safeEqual(given.toUpperCase(), sortedMd5Sign(params, secret));
}
