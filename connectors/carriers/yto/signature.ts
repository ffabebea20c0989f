import { createHash } from 'node:crypto';

/** YTO open platform: sign = base64(md5(param + method + v + secret)) (UNVERIFIED, see README). */
export function ytoSign(param: string, method: string, v: string, secret: string): string {
  return createHash('md5')
    .update(param + method + v + secret, 'utf8')
    .digest('base64');
}

/** YTO pushes: data_digest = base64(md5(logistics_interface + secret)). */
export function ytoPushDigest(logisticsInterface: string, secret: string): string {
  return createHash('md5')
    .update(logisticsInterface + secret, 'utf8')
    .digest('base64');
}
