import { z } from 'zod';
import { parseChinaTime } from '../../../lib/china-time.js';
import type { Result } from '../../../lib/result.js';
import { safeEqual } from '../../../lib/safe-equal.js';
import type { FulfilmentEvent } from '../../../topics/schemas/fulfilment-event.js';
import { type CarrierAccount, type TrackingPush, unsigned } from '../contract.js';
import { type RouteRecord, toTrackingEvents } from '../tracking-event.js';
import { sfMsgDigest } from './signature.js';
import { SF_TRACKING_STATUS } from './status-map.js';

/**
 * 路由推送: SF posts form fields (partnerID, requestID, serviceCode, timestamp, msgDigest,
 * msgData) signed like requests; msgData holds {"WaybillRoute":[…]} with mailno, orderid, opCode,
 * acceptTime ("yyyy-MM-dd HH:mm:ss", China time), remark and the route id.
 */
export const sfRoutePayload = z.object({
  WaybillRoute: z
    .array(
      z.object({
        id: z.string().min(1),
        mailno: z.string().min(1),
        orderid: z.string().min(1),
        opCode: z.string().min(1),
        acceptTime: z.string(),
        acceptAddress: z.string().nullish(),
        remark: z.string().nullish(),
      }),
    )
    .min(1),
});

export function parseSfTrackingPush(push: TrackingPush, account: CarrierAccount): Result<FulfilmentEvent[]> {
  const form = new URLSearchParams(push.rawBody.toString('utf8'));
  const msgData = form.get('msgData');
  const timestamp = form.get('timestamp');
  const digest = form.get('msgDigest');
  if (msgData === null || timestamp === null || digest === null) return unsigned('missing msgData, timestamp or msgDigest');
  if (form.get('partnerID') !== (account.credentials.partnerID ?? '')) return unsigned('unknown partnerID');
  if (!safeEqual(digest, sfMsgDigest(msgData, timestamp, account.secret))) return unsigned('msgDigest mismatch');
  let payload: z.infer<typeof sfRoutePayload>;
  try {
    payload = sfRoutePayload.parse(JSON.parse(msgData));
  } catch (err) {
    return { ok: false, reason: `bad SF route push: ${(err as Error).message.slice(0, 300)}` };
  }
  const records: RouteRecord[] = [];
  for (const r of payload.WaybillRoute) {
    const at = parseChinaTime('acceptTime', r.acceptTime);
    if (!at.ok) return at;
    records.push({
      waybillNo: r.mailno,
      merchantOrderId: r.orderid,
      opCode: r.opCode,
      occurredAt: at.value,
      carrierEventId: r.id,
      description: r.remark ?? '',
    });
  }
  return toTrackingEvents('sf', SF_TRACKING_STATUS, records);
}

/** SF's documented "received" answer to a push. */
export const SF_PUSH_ACK = JSON.stringify({ return_code: '0000', return_msg: '成功' });
