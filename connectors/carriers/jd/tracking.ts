import { z } from 'zod';
import { parseChinaTime } from '../../../lib/china-time.js';
import type { Result } from '../../../lib/result.js';
import { safeEqual } from '../../../lib/safe-equal.js';
import type { FulfilmentEvent } from '../../../topics/schemas/fulfilment-event.js';
import { type CarrierAccount, type TrackingPush, unsigned } from '../contract.js';
import { type RouteRecord, toTrackingEvents } from '../tracking-event.js';
import { jdPushSign } from './signature.js';
import { JD_TRACKING_STATUS } from './status-map.js';

/** JD trace push: a JSON body; app_key, timestamp and sign in the query. UNVERIFIED, see README. */
export const jdTracePayload = z.object({
  traces: z
    .array(
      z.object({
        id: z.string().min(1),
        waybillCode: z.string().min(1),
        orderId: z.string().min(1),
        opeTitle: z.string().min(1),
        opeRemark: z.string().nullish(),
        opeTime: z.string(),
      }),
    )
    .min(1),
});

export function parseJdTrackingPush(push: TrackingPush, account: CarrierAccount): Result<FulfilmentEvent[]> {
  const { app_key: appKey, timestamp, sign } = push.query;
  if (!appKey || !timestamp || !sign) return unsigned('missing app_key, timestamp or sign');
  if (appKey !== (account.credentials.appKey ?? '')) return unsigned('unknown app_key');
  const body = push.rawBody.toString('utf8');
  if (!safeEqual(sign, jdPushSign(body, timestamp, account.secret))) return unsigned('sign mismatch');
  let payload: z.infer<typeof jdTracePayload>;
  try {
    payload = jdTracePayload.parse(JSON.parse(body));
  } catch (err) {
    return { ok: false, reason: `bad JD trace push: ${(err as Error).message.slice(0, 300)}` };
  }
  const records: RouteRecord[] = [];
  for (const t of payload.traces) {
    const at = parseChinaTime('opeTime', t.opeTime);
    if (!at.ok) return at;
    records.push({
      waybillNo: t.waybillCode,
      merchantOrderId: t.orderId,
      opCode: t.opeTitle,
      occurredAt: at.value,
      carrierEventId: t.id,
      description: t.opeRemark ?? '',
    });
  }
  return toTrackingEvents('jd', JD_TRACKING_STATUS, records);
}

export const JD_PUSH_ACK = JSON.stringify({ code: 0, msg: 'success' });
