import { z } from 'zod';
import { parseChinaTime } from '../../../connectors/common/china-time.js';
import { safeEqual } from '../../../connectors/common/safe-equal.js';
import type { CarrierAccount, TrackingParse, TrackingPush } from '../contract.js';
import { toTrackingEvents, type RouteRecord } from '../tracking-event.js';
import { jdPushSign } from './signature.js';
import { JD_TRACKING_STATUS } from './status-map.js';

/** JD trace push: a JSON body; app_key, timestamp and sign in the query. UNVERIFIED, see README. */
export const jdTracePayload = z.object({
  traces: z.array(z.object({
    id: z.string().min(1),
    waybillCode: z.string().min(1),
    orderId: z.string().min(1),
    opeTitle: z.string().min(1),
    opeRemark: z.string().nullish(),
    opeTime: z.string(),
  })).min(1),
});

export function parseJdTrackingPush(push: TrackingPush, account: CarrierAccount): TrackingParse {
  const { app_key: appKey, timestamp, sign } = push.query;
  if (!appKey || !timestamp || !sign) return { ok: false, status: 401, reason: 'missing app_key, timestamp or sign' };
  if (appKey !== (account.credentials.appKey ?? '')) return { ok: false, status: 401, reason: 'unknown app_key' };
  const body = push.rawBody.toString('utf8');
  if (!safeEqual(sign, jdPushSign(body, timestamp, account.secret))) return { ok: false, status: 401, reason: 'sign mismatch' };
  let payload: z.infer<typeof jdTracePayload>;
  try {
    payload = jdTracePayload.parse(JSON.parse(body));
  } catch (err) {
    return { ok: false, status: 400, reason: `bad JD trace push: ${(err as Error).message.slice(0, 300)}` };
  }
  const records: RouteRecord[] = [];
  for (const t of payload.traces) {
    const at = parseChinaTime('opeTime', t.opeTime);
    if (!at.ok) return { ok: false, status: 400, reason: at.reason };
    records.push({ waybillNo: t.waybillCode, merchantOrderId: t.orderId, opCode: t.opeTitle, occurredAt: at.value, carrierEventId: t.id, description: t.opeRemark ?? '' });
  }
  const events = toTrackingEvents('jd', JD_TRACKING_STATUS, records);
  return events.ok ? { ok: true, events: events.value } : { ok: false, status: 400, reason: events.reason };
}

export const JD_PUSH_ACK = JSON.stringify({ code: 0, msg: 'success' });
