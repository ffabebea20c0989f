import { z } from 'zod';
import { parseChinaTime } from '../../../lib/china-time.js';
import type { Result } from '../../../lib/result.js';
import { safeEqual } from '../../../lib/safe-equal.js';
import type { FulfilmentEvent } from '../../../topics/schemas/fulfilment-event.js';
import { type CarrierAccount, type TrackingPush, unsigned } from '../contract.js';
import { type RouteRecord, toTrackingEvents } from '../tracking-event.js';
import { ytoPushDigest } from './signature.js';
import { YTO_TRACKING_STATUS } from './status-map.js';

/**
 * YTO status push: form fields logistics_interface (one status update, JSON here; the legacy
 * channel sends the same fields as XML), data_digest, clientId. UNVERIFIED, see README.
 */
export const ytoStatusPayload = z.object({
  mailNo: z.string().min(1),
  txLogisticID: z.string().min(1),
  infoContent: z.string().min(1),
  acceptTime: z.string(),
  remark: z.string().nullish(),
});

export function parseYtoTrackingPush(push: TrackingPush, account: CarrierAccount): Result<FulfilmentEvent[]> {
  const form = new URLSearchParams(push.rawBody.toString('utf8'));
  const data = form.get('logistics_interface');
  const digest = form.get('data_digest');
  if (data === null || digest === null) return unsigned('missing logistics_interface or data_digest');
  if (form.get('clientId') !== (account.credentials.clientId ?? '')) return unsigned('unknown clientId');
  if (!safeEqual(digest, ytoPushDigest(data, account.secret))) return unsigned('data_digest mismatch');
  let update: z.infer<typeof ytoStatusPayload>;
  try {
    update = ytoStatusPayload.parse(JSON.parse(data));
  } catch (err) {
    return { ok: false, reason: `bad YTO status push: ${(err as Error).message.slice(0, 300)}` };
  }
  const at = parseChinaTime('acceptTime', update.acceptTime);
  if (!at.ok) return at;
  const record: RouteRecord = {
    waybillNo: update.mailNo,
    merchantOrderId: update.txLogisticID,
    opCode: update.infoContent,
    occurredAt: at.value,
    carrierEventId: null,
    description: update.remark ?? '',
  };
  return toTrackingEvents('yto', YTO_TRACKING_STATUS, [record]);
}

export const YTO_PUSH_ACK = JSON.stringify({ success: true, code: '0', message: '成功' });
