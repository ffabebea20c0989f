/*
 * A faithful ZTO open platform (zop) simulator: ZTO's servers cannot be reached from here.
 * POST /zto.open.createOrder with a JSON body, headers x-companyid and x-datadigest =
 * base64(md5(body + appSecret)). A bad digest is answered as ZOP documents: HTTP 200,
 * {"status":false,"statusCode":"S211","message":"签名错误"}. Waybills are 14 digits starting "75";
 * a repeated partnerOrderCode gets the same billCode. Produces signed 轨迹推送 pushes.
 */
import { randomUUID } from 'node:crypto';
import type { CarrierAccount } from '../../../connectors/carriers/contract.js';
import { ZTO_CREATE_ORDER } from '../../../connectors/carriers/zto/api.js';
import { ztoDigest } from '../../../connectors/carriers/zto/signature.js';
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

export class ZtoSimulator extends CarrierSimServer implements CarrierSimulator {
  readonly carrier = 'zto';
  readonly book = new WaybillBook(
    (n) => `75${digits(300_000_000_000 + n, 12)}`,
    (p) => simSortCode('300-M', p),
  );

  constructor(
    readonly companyId = 'omni_sim_company',
    readonly appSecret = randomUUID().replace(/-/g, ''),
  ) {
    super();
  }

  account(timeoutMs = 3000): CarrierAccount {
    return { carrier: 'zto', endpoint: this.url, secret: this.appSecret, credentials: { companyId: this.companyId, accountId: 'sim-account' }, timeoutMs };
  }

  protected handle(req: SimRequest): SimResponse {
    if (req.method !== 'POST' || req.path !== `/${ZTO_CREATE_ORDER}`) return fail('S207', 'API不存在');
    const body = req.body.toString('utf8');
    const digest = req.headers['x-datadigest'];
    if (req.headers['x-companyid'] !== this.companyId) return fail('S210', '无权限访问');
    if (typeof digest !== 'string' || !safeEqual(digest, ztoDigest(body, this.appSecret))) return fail('S211', '签名错误');
    const order = JSON.parse(body) as { partnerOrderCode?: string; receiveInfo?: { receiverProvince?: string } };
    if (!order.partnerOrderCode) return fail('S208', 'partnerOrderCode不能为空');
    this.book.noteRequest(order.partnerOrderCode);
    const failure = this.faults.takeFailure();
    if (failure) return { status: failure, contentType: 'text/html', body: '<html><body>Service Unavailable</body></html>' };
    const province = order.receiveInfo?.receiverProvince ?? null;
    if (province && this.faults.unservedProvinces.has(province)) return fail('G2001', '收件地址超区，不在派送范围');
    const issued = this.book.issue(order.partnerOrderCode, province);
    return {
      status: 200,
      body: JSON.stringify({
        status: true,
        statusCode: '',
        message: '',
        result: { billCode: issued.waybillNo, orderCode: `ZTO${issued.waybillNo}`, bigMarkInfo: { mark: issued.sortCode } },
      }),
    };
  }

  trackingPush(routes: SimRoute[]): SimPush {
    const data = JSON.stringify(
      routes.map((r) => ({
        billCode: r.waybillNo,
        partnerOrderCode: r.orderId,
        action: r.code,
        actionTime: formatChinaTime(r.at),
        desc: r.description ?? '',
        traceId: r.eventId ?? null,
      })),
    );
    const body = new URLSearchParams({ data, data_digest: ztoDigest(data, this.appSecret), company_id: this.companyId, msg_type: 'Traces' }).toString();
    return { headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, query: '', body };
  }
}

function fail(statusCode: string, message: string): SimResponse {
  return { status: 200, body: JSON.stringify({ status: false, statusCode, message, result: null }) };
}
