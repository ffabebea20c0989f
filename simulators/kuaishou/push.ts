import { encryptKuaishouMessage, messageKeyOf } from '../../connectors/kuaishou/crypto.js';
import type { KuaishouOrder } from '../../connectors/kuaishou/payload.js';
import { deliverWithRetries, must, type SimulatedPush } from '../kit/index.js';

export { type SimulatedPush, toInboundPush } from '../kit/index.js';

/*
 * Message pushes: the documented envelope, encrypted with AES/CBC/PKCS5 under the app's message
 * secret, POSTed as the whole body and retried on Kuaishou's schedule until acknowledged.
 */
export interface SimMessageOptions {
  event: string;
  appKey: string;
  userId: number;
  /** The business content; serialized into the envelope's `info` JSON string. */
  info: Record<string, unknown>;
  bizId?: number;
  createTime: number;
  eventId?: string;
  test?: boolean;
}

/** The decrypted envelope, as Kuaishou's ks_shop_go_sdk sample shows it. */
export function makeKuaishouMessage(o: SimMessageOptions): Record<string, unknown> {
  const bizId = o.bizId ?? (typeof o.info.oid === 'number' ? o.info.oid : undefined);
  return {
    eventId: o.eventId ?? `243_4027_${o.createTime}${bizId ?? 0}`.slice(0, 32),
    msgId: `84_${o.createTime}`,
    ...(bizId === undefined ? {} : { bizId }),
    userId: o.userId,
    openId: 'f1b68e8f2a4995ed14bf57245903fd9a',
    appKey: o.appKey,
    event: o.event,
    info: JSON.stringify(o.info),
    status: 2,
    createTime: o.createTime,
    updateTime: o.createTime + 2_000,
    operator: '2323245113',
    ...(o.test ? { test: true } : {}),
  };
}

/** The message Kuaishou sends for an order reaching `order.orderBaseInfo.status`. */
export function statusMessageFor(order: KuaishouOrder, event: string, appKey: string, userId: number): Record<string, unknown> {
  const base = order.orderBaseInfo;
  return makeKuaishouMessage({
    event,
    appKey,
    userId,
    createTime: base.updateTime + 1_000,
    info: { oid: base.oid, sellerId: userId, status: base.status, updateTime: base.updateTime },
  });
}

/** Exactly what Kuaishou POSTs: the base64 ciphertext as the whole body. */
export function kuaishouPush(message: Record<string, unknown> | string, messageSecret: string): SimulatedPush {
  const text = typeof message === 'string' ? message : JSON.stringify(message);
  return { headers: { 'content-type': 'application/json;charset=UTF-8' }, body: encryptKuaishouMessage(text, must(messageKeyOf(messageSecret))) };
}

/** Kuaishou's documented retry schedule for unacknowledged messages. */
export const RETRY_DELAYS_MS = [5, 10, 20, 30, 60].map((minutes) => minutes * 60_000);

/**
 * Delivers like Kuaishou: POST, wait at most `timeoutMs` (3000) for a body whose JSON has
 * result === 1, otherwise retry after each delay (scaled down in tests). Returns the attempts made.
 */
export async function deliverKuaishouPush(
  url: string,
  push: SimulatedPush,
  options: { timeoutMs?: number; retryDelaysMs?: number[] } = {},
): Promise<{ acked: boolean; attempts: number }> {
  // A timeout, a refused connection or a non-JSON answer is no acknowledgement.
  return deliverWithRetries(async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: push.headers,
      body: push.body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
    });
    return (JSON.parse(await response.text()) as { result?: unknown }).result === 1;
  }, options.retryDelaysMs ?? RETRY_DELAYS_MS);
}
