import { createHash } from 'node:crypto';

/**
 * 丰桥 signature: msgDigest = base64(md5(urlencode(msgData + timestamp + checkWord))), where
 * urlencode is Java's URLEncoder.encode(…, "UTF-8") (space → "+", and "!'()~" escaped, unlike
 * encodeURIComponent). Used for requests and for SF's pushes alike.
 */
export function javaUrlEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

export function sfMsgDigest(msgData: string, timestamp: string, checkWord: string): string {
  return createHash('md5')
    .update(javaUrlEncode(msgData + timestamp + checkWord), 'utf8')
    .digest('base64');
}
