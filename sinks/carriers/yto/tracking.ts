import { z } from 'zod';
import { parseChinaTime } from '../../../connectors/common/china-time.js';
import { safeEqual } from '../../../connectors/common/safe-equal.js';
import type { CarrierAccount, TrackingParse, TrackingPush } from '../contract.js';
import { toTrackingEvents, type RouteRecord } from '../tracking-event.js';
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

export function parseYtoTrackingPush(push: TrackingPush, account: CarrierAccount): TrackingParse {
  const form = new URLSearchParams(push.rawBody.toString('utf8'));
  const data = form.get('logistics_interface');
  const digest = form.get('data_digest');
  if (data === null || digest === null) return { ok: false, status: 401, reason: 'missing logistics_interface or data_digest' };
  if (form.get('clientId') !== (account.credentials.clientId ?? '')) return { ok: false, status: 401, reason: 'unknown clientId' };
  if (!safeEqual(digest, ytoPushDigest(data, account.secret))) return { ok: false, status: 401, reason: 'data_digest mismatch' };
  let update: z.infer<typeof ytoStatusPayload>;
  try {
    update = ytoStatusPayload.parse(JSON.parse(data));
  } catch (err) {
    return { ok: false, status: 400, reason: `bad YTO status push: ${(err as Error).message.slice(0, 300)}` };
  }
  const at = parseChinaTime('acceptTime', update.acceptTime);
  if (!at.ok) return { ok: false, status: 400, reason: at.reason };
  const record: RouteRecord = { waybillNo: update.mailNo, merchantOrderId: update.txLogisticID, opCode: update.infoContent, occurredAt: at.value, carrierEventId: null, description: update.remark ?? '' };
  const events = toTrackingEvents('yto', YTO_TRACKING_STATUS, [record]);
  return events.ok ? { ok: true, events: events.value } : { ok: false, status: 400, reason: events.reason };
}

export const YTO_PUSH_ACK = JSON.stringify({ success: true, code: '0', message: '成功' });
