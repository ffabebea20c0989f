import { z } from 'zod';
import { parseChinaTime } from '../../../lib/china-time.js';
import type { Result } from '../../../lib/result.js';
import { safeEqual } from '../../../lib/safe-equal.js';
import type { FulfilmentEvent } from '../../../topics/schemas/fulfilment-event.js';
import { type CarrierAccount, type TrackingPush, unsigned } from '../contract.js';
import { type RouteRecord, toTrackingEvents } from '../tracking-event.js';
import { ztoDigest } from './signature.js';
import { ZTO_TRACKING_STATUS } from './status-map.js';

/**
 * 轨迹推送: form fields data (JSON array of trace records), data_digest = base64(md5(data +
 * appSecret)), company_id, msg_type. Field names of the records: UNVERIFIED (see README).
 */
export const ztoTracePayload = z
  .array(
    z.object({
      billCode: z.string().min(1),
      partnerOrderCode: z.string().min(1),
      action: z.string().min(1),
      actionTime: z.string(),
      desc: z.string().nullish(),
      traceId: z.string().nullish(),
    }),
  )
  .min(1);

export function parseZtoTrackingPush(push: TrackingPush, account: CarrierAccount): Result<FulfilmentEvent[]> {
  const form = new URLSearchParams(push.rawBody.toString('utf8'));
  const data = form.get('data');
  const digest = form.get('data_digest');
  if (data === null || digest === null) return unsigned('missing data or data_digest');
  if (form.get('company_id') !== (account.credentials.companyId ?? '')) return unsigned('unknown company_id');
  if (!safeEqual(digest, ztoDigest(data, account.secret))) return unsigned('data_digest mismatch');
  let traces: z.infer<typeof ztoTracePayload>;
  try {
    traces = ztoTracePayload.parse(JSON.parse(data));
  } catch (err) {
    return { ok: false, reason: `bad ZTO trace push: ${(err as Error).message.slice(0, 300)}` };
  }
  const records: RouteRecord[] = [];
  for (const t of traces) {
    const at = parseChinaTime('actionTime', t.actionTime);
    if (!at.ok) return at;
    records.push({
      waybillNo: t.billCode,
      merchantOrderId: t.partnerOrderCode,
      opCode: t.action,
      occurredAt: at.value,
      carrierEventId: t.traceId ?? null,
      description: t.desc ?? '',
    });
  }
  return toTrackingEvents('zto', ZTO_TRACKING_STATUS, records);
}

export const ZTO_PUSH_ACK = JSON.stringify({ status: true, message: 'success', statusCode: '0' });
