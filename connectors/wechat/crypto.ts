import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Result } from '../../lib/result.js';

/*
 * WeChat message encryption (the WXBizMsgCrypt scheme shared by Official Accounts and the
 * Channels shop / 微信小店 message push, "安全模式"):
 *   AESKey     = base64_decode(EncodingAESKey + "=")        (43 chars → 32 bytes, AES-256)
 *   IV         = AESKey[0..16]
 *   plaintext  = random(16) ‖ uint32_be(len(msg)) ‖ msg ‖ appid
 *   padding    = PKCS#7 to a 32-byte block (not AES's 16)
 *   Encrypt    = base64(AES-256-CBC(plaintext))
 * The appid at the end must be this shop's appid; otherwise the message was meant for someone else.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BLOCK = 32;

export function aesKeyOf(encodingAESKey: string): Result<Buffer> {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAESKey)) return { ok: false, reason: 'EncodingAESKey must be 43 base64 characters' };
  return { ok: true, value: Buffer.from(`${encodingAESKey}=`, 'base64') };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export interface Decrypted {
  message: string;
  appId: string;
}

export function decryptWechat(encrypt: string, key: Buffer): Result<Decrypted> {
  if (!encrypt || !BASE64.test(encrypt)) return { ok: false, reason: 'Encrypt is not base64' };
  const cipherText = Buffer.from(encrypt, 'base64');
  if (cipherText.length === 0 || cipherText.length % 16 !== 0) return { ok: false, reason: 'Encrypt is not a whole number of AES blocks' };
  let padded: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    padded = Buffer.concat([decipher.update(cipherText), decipher.final()]);
  } catch {
    return { ok: false, reason: "Encrypt does not decrypt with this shop's EncodingAESKey" };
  }
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK || pad > padded.length || !padded.subarray(padded.length - pad).every((b) => b === pad)) {
    return { ok: false, reason: 'Encrypt has invalid PKCS#7 padding (wrong EncodingAESKey?)' };
  }
  const plain = padded.subarray(0, padded.length - pad);
  if (plain.length < 20) return { ok: false, reason: 'decrypted message is too short' };
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) return { ok: false, reason: 'decrypted message length is out of range' };
  try {
    return {
      ok: true,
      value: { message: strictUtf8.decode(plain.subarray(20, 20 + length)), appId: strictUtf8.decode(plain.subarray(20 + length)) },
    };
  } catch {
    return { ok: false, reason: 'decrypted message is not UTF-8' };
  }
}

/** The platform side: what WeChat puts in `Encrypt`. Used by the simulator and tests. */
export function encryptWechat(message: string, appId: string, key: Buffer, random: Buffer = randomBytes(16)): string {
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([random, length, body, Buffer.from(appId, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}
