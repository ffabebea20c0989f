import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Result } from '../../lib/result.js';

/*
 * Kuaishou (快手电商开放平台) message push encryption. The HTTP body of a push is the base64 text of
 *   AES/CBC/PKCS5Padding(message JSON, key = base64-decode(消息密钥 "message secret"), IV = 16 zero bytes)
 * The key is the app's separate message secret (MsgSecret), NOT the appKey, appSecret or signSecret:
 * see WyntersN/go-kwai core/d.go (AesDecryptCBC: base64-decode MsgSecret, zero IV, PKCS5 unpad) and
 * its examples/message_decryption ("MsgSecret 必填 消息解密需要用到"). README.md lists the sources.
 */

const ZERO_IV = Buffer.alloc(16);
/** Strict standard base64 (padding required): Buffer.from(x, 'base64') silently skips junk. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The AES key from the console's message secret: base64 of 16, 24 or 32 bytes. */
export function messageKeyOf(messageSecret: string): Result<Buffer> {
  const text = messageSecret.trim();
  if (!text || !BASE64.test(text)) return { ok: false, reason: 'the Kuaishou message secret is not base64' };
  const key = Buffer.from(text, 'base64');
  if (![16, 24, 32].includes(key.length)) {
    return { ok: false, reason: `the Kuaishou message secret decodes to ${key.length} bytes, not an AES key (16/24/32)` };
  }
  return { ok: true, value: key };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Push body (base64 ciphertext) → message JSON text. Any failure is a reason, never a throw. */
export function decryptKuaishouBody(body: Buffer | string, key: Buffer): Result<string> {
  const text = (typeof body === 'string' ? body : body.toString('latin1')).trim();
  if (!text) return { ok: false, reason: 'empty Kuaishou push body' };
  if (!BASE64.test(text)) return { ok: false, reason: 'Kuaishou push body is not base64 ciphertext' };
  const cipherText = Buffer.from(text, 'base64');
  if (cipherText.length === 0 || cipherText.length % 16 !== 0) {
    return { ok: false, reason: 'Kuaishou push body is not a whole number of AES blocks' };
  }
  try {
    const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, ZERO_IV);
    const plain = Buffer.concat([decipher.update(cipherText), decipher.final()]); // final() checks PKCS5 padding
    return { ok: true, value: strictUtf8.decode(plain) };
  } catch {
    return { ok: false, reason: "Kuaishou push body does not decrypt with this shop's message secret" };
  }
}

/** The platform side: what Kuaishou puts in the body. Used by the simulator and tests. */
export function encryptKuaishouMessage(plaintext: string, key: Buffer): string {
  const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, ZERO_IV);
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}
