/*
 * A faithful SF Express (丰桥) simulator: SF's servers cannot be reached from here. It serves
 * POST /std/service (form fields partnerID, requestID, serviceCode, timestamp, msgData, msgDigest),
 * checks partnerID and msgDigest as SF documents (bad ones: apiResultCode A1006 数字签名无效,
 * HTTP 200), issues "SF" + 13-digit waybills, answers a repeated orderId with the same waybill,
 * and produces signed 路由推送 pushes. Faults: injected 5xx, latency, unserved provinces
 * (errorCode 8196, 收件地址超范围 — code UNVERIFIED).
 */
import { randomUUID } from 'node:crypto';
import type { CarrierAccount } from '../../../connectors/carriers/contract.js';
import { SF_CREATE_ORDER } from '../../../connectors/carriers/sf/api.js';
import { sfMsgDigest } from '../../../connectors/carriers/sf/signature.js';
import { formatChinaTime } from '../../../lib/china-time.js';
import { safeEqual } from '../../../lib/safe-equal.js';
import {
  CarrierSimServer,
  type CarrierSimulator,
  digits,
  type SimPush,
  type SimRequest,
  type SimResponse,
  type SimRoute,
  simSortCode,
  WaybillBook,
} from '../server.js';

export class SfSimulator extends CarrierSimServer implements CarrierSimulator {
  readonly carrier = 'sf';
  readonly book = new WaybillBook(
    (n) => `SF${digits(1_400_000_000_000 + n, 13)}`,
    (p) => simSortCode('755WE-', p),
  );

  constructor(
    readonly partnerID = 'OMNI_SIM',
    readonly checkWord = randomUUID().replace(/-/g, ''),
  ) {
    super();
  }

  account(timeoutMs = 3000): CarrierAccount {
    return { carrier: 'sf', endpoint: this.url, secret: this.checkWord, credentials: { partnerID: this.partnerID, monthlyCard: '7551234567' }, timeoutMs };
  }

  protected handle(req: SimRequest): SimResponse {
    if (req.method !== 'POST' || req.path !== '/std/service') return { status: 404, body: '{"error":"not found"}' };
    const form = new URLSearchParams(req.body.toString('utf8'));
    const [partnerID, serviceCode, timestamp, msgData, msgDigest] = ['partnerID', 'serviceCode', 'timestamp', 'msgData', 'msgDigest'].map((k) => form.get(k));
    if (!partnerID || !serviceCode || !timestamp || !msgData || !msgDigest) return api('A1001', '必传参数不可为空');
    if (partnerID !== this.partnerID) return api('A1004', '无对应服务权限');
    if (!safeEqual(msgDigest, sfMsgDigest(msgData, timestamp, this.checkWord))) return api('A1006', '数字签名无效');
    if (serviceCode !== SF_CREATE_ORDER) return api('A1004', '无对应服务权限');
    const order = JSON.parse(msgData) as { orderId?: string; contactInfoList?: { contactType: number; province?: string }[] };
    if (!order.orderId) return result({ success: false, errorCode: '8013', errorMsg: '订单号不能为空', msgData: null });
    this.book.noteRequest(order.orderId);
    const failure = this.faults.takeFailure();
    if (failure) return { status: failure, contentType: 'text/html', body: '<html><body>503 Service Temporarily Unavailable</body></html>' };
    const province = order.contactInfoList?.find((c) => c.contactType === 2)?.province ?? null;
    if (province && this.faults.unservedProvinces.has(province))
      return result({ success: false, errorCode: '8196', errorMsg: '收件地址超范围', msgData: null });
    const issued = this.book.issue(order.orderId, province);
    return result({
      success: true,
      errorCode: 'S0000',
      errorMsg: null,
      msgData: {
        orderId: order.orderId,
        waybillNoInfoList: [{ waybillType: 1, waybillNo: issued.waybillNo }],
        routeLabelInfo: [{ code: '1000', routeLabelData: { waybillNo: issued.waybillNo, destRouteLabel: issued.sortCode } }],
      },
    });
  }

  trackingPush(routes: SimRoute[]): SimPush {
    const msgData = JSON.stringify({
      WaybillRoute: routes.map((r, i) => ({
        id: r.eventId ?? `${r.waybillNo}-${r.code}-${r.at}-${i}`,
        mailno: r.waybillNo,
        orderid: r.orderId,
        opCode: r.code,
        acceptTime: formatChinaTime(r.at),
        acceptAddress: '深圳市',
        remark: r.description ?? '',
      })),
    });
    const timestamp = String(Date.now());
    const body = new URLSearchParams({
      partnerID: this.partnerID,
      requestID: randomUUID(),
      serviceCode: 'RoutePushService',
      timestamp,
      msgData,
      msgDigest: sfMsgDigest(msgData, timestamp, this.checkWord),
    }).toString();
    return { headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, query: '', body };
  }
}

function api(code: string, msg: string): SimResponse {
  return { status: 200, body: JSON.stringify({ apiResultCode: code, apiErrorMsg: msg, apiResponseID: randomUUID(), apiResultData: null }) };
}

function result(data: unknown): SimResponse {
  return { status: 200, body: JSON.stringify({ apiResultCode: 'A1000', apiErrorMsg: '', apiResponseID: randomUUID(), apiResultData: JSON.stringify(data) }) };
}
