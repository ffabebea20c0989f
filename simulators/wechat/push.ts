import { randomBytes } from 'node:crypto';
import { aesKeyOf, encryptWechat } from '../../connectors/wechat/crypto.js';
import { sha1Sorted } from '../../connectors/wechat/signature.js';
import { deliverWithRetries, must, type SimulatedPush } from '../kit/index.js';
import { SIM_PII } from './orders.js';

export { toInboundPush } from '../kit/index.js';

/*
 * Message pushes in safe mode: query signature/msg_signature, JSON {ToUserName, Encrypt}, the
 * WXBizMsgCrypt AES scheme, the channels_ec_order_* event bodies.
 */
/**
 * A decrypted event as WeChat writes it: order_id as a bare JSON integer (above 2^53, so only
 * this text form keeps its digits).
 */
export function wechatEventJson(o: { event: string; orderId: string; createTime: number; toUserName?: string; info?: Record<string, number> }): string {
  const info = Object.entries(o.info ?? {})
    .map(([k, v]) => `,"${k}":${v}`)
    .join('');
  return (
    `{"ToUserName":"${o.toUserName ?? 'gh_simshop0001'}","FromUserName":"${SIM_PII.openid}","CreateTime":${o.createTime},` +
    `"MsgType":"event","Event":"${o.event}","order_info":{"order_id":${o.orderId}${info}}}`
  );
}

export interface WechatSecrets {
  token: string;
  encodingAESKey: string;
  appId: string;
  userName?: string;
}

/** WeChat signs with query parameters: every push has them. */
export type SimWechatPush = Required<SimulatedPush>;

/** Exactly what WeChat sends in safe mode with the JSON data format. */
export function wechatPush(eventJson: string, secrets: WechatSecrets, at: { timestamp: number; nonce?: string }): SimWechatPush {
  const encrypt = encryptWechat(eventJson, secrets.appId, must(aesKeyOf(secrets.encodingAESKey)));
  const timestamp = String(at.timestamp);
  const nonce = at.nonce ?? String(randomBytes(4).readUInt32BE());
  return {
    query: {
      signature: sha1Sorted([secrets.token, timestamp, nonce]),
      timestamp,
      nonce,
      openid: SIM_PII.openid,
      encrypt_type: 'aes',
      msg_signature: sha1Sorted([secrets.token, timestamp, nonce, encrypt]),
    },
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ToUserName: secrets.userName ?? 'gh_simshop0001', Encrypt: encrypt }),
  };
}

/**
 * Delivers like WeChat: POST and wait up to 5 s for "success" (or an empty body); otherwise retry,
 * 3 attempts in all (retry delay scaled down in tests).
 */
export async function deliverWechatPush(
  url: string,
  push: SimWechatPush,
  options: { timeoutMs?: number; attempts?: number; retryDelayMs?: number } = {},
): Promise<{ acked: boolean; attempts: number }> {
  // A timeout or a refused connection is no acknowledgement.
  return deliverWithRetries(
    async () => {
      const response = await fetch(`${url}?${new URLSearchParams(push.query)}`, {
        method: 'POST',
        headers: push.headers,
        body: push.body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      const text = (await response.text()).trim();
      return response.ok && (text === 'success' || text === '');
    },
    Array.from({ length: Math.max(0, (options.attempts ?? 3) - 1) }, () => options.retryDelayMs ?? 1000),
  );
}
