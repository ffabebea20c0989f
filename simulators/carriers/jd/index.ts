/*
 * A JD Logistics (LOP) simulator: JD's servers cannot be reached from here. POST
 * /ecap/v1/orders/create?LOP-DN=ECAP&app_key&access_token&timestamp&v=2.0&sign&algorithm=md5-salt
 * with a JSON array body; the md5-salt sign is checked (a bad one: HTTP 200 {"code":1004,
 * "msg":"签名验证失败"}, code UNVERIFIED). Waybills "JDVA" + 11 digits; a repeated orderId gets
 * the same waybillCode. Produces signed trace pushes (format UNVERIFIED, see README).
 */
import { randomUUID } from 'node:crypto';
import type { CarrierAccount } from '../../../connectors/carriers/contract.js';
import { JD_CREATE_ORDER_PATH } from '../../../connectors/carriers/jd/api.js';
import { jdPushSign, lopSign } from '../../../connectors/carriers/jd/signature.js';
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

export class JdSimulator extends CarrierSimServer implements CarrierSimulator {
  readonly carrier = 'jd';
  readonly book = new WaybillBook(
    (n) => `JDVA${digits(20_000_000_000 + n, 11)}`,
    (p) => simSortCode('BJ-', p),
  );

  constructor(
    readonly appKey = 'omni-sim-lop',
    readonly appSecret: string = randomUUID().replace(/-/g, ''),
    readonly accessToken: string = randomUUID(),
  ) {
    super();
  }

  account(timeoutMs = 3000): CarrierAccount {
    return {
      carrier: 'jd',
      endpoint: this.url,
      secret: this.appSecret,
      credentials: { appKey: this.appKey, accessToken: this.accessToken, customerCode: '010K000001' },
      timeoutMs,
    };
  }

  protected handle(req: SimRequest): SimResponse {
    if (req.method !== 'POST' || req.path !== JD_CREATE_ORDER_PATH) return fail(1000, 'API不存在');
    const q = (k: string) => req.query.get(k) ?? '';
    if (q('app_key') !== this.appKey) return fail(1001, 'app_key无效');
    if (q('access_token') !== this.accessToken) return fail(1002, 'access_token无效');
    const body = req.body.toString('utf8');
    const expected = lopSign({
      appSecret: this.appSecret,
      accessToken: this.accessToken,
      appKey: this.appKey,
      method: req.path,
      body,
      timestamp: q('timestamp'),
    });
    if (q('algorithm') !== 'md5-salt' || !safeEqual(q('sign'), expected)) return fail(1004, '签名验证失败');
    const [order] = JSON.parse(body) as { orderId?: string; receiverContact?: { provinceName?: string } }[];
    if (!order?.orderId) return fail(2000, 'orderId不能为空');
    this.book.noteRequest(order.orderId);
    const failure = this.faults.takeFailure();
    if (failure) return { status: failure, contentType: 'text/html', body: '<html><body>503 Service Unavailable</body></html>' };
    const province = order.receiverContact?.provinceName ?? null;
    if (province && this.faults.unservedProvinces.has(province)) return fail(2103, '收件地址超出配送范围');
    const issued = this.book.issue(order.orderId, province);
    return {
      status: 200,
      body: JSON.stringify({ code: 0, msg: '成功', data: { waybillCode: issued.waybillNo, orderId: order.orderId, sortingCode: issued.sortCode } }),
    };
  }

  trackingPush(routes: SimRoute[]): SimPush {
    const body = JSON.stringify({
      traces: routes.map((r, i) => ({
        id: r.eventId ?? `${r.waybillNo}-${r.at}-${i}`,
        waybillCode: r.waybillNo,
        orderId: r.orderId,
        opeTitle: r.code,
        opeRemark: r.description ?? '',
        opeTime: formatChinaTime(r.at),
      })),
    });
    const timestamp = formatChinaTime(Date.now());
    const query = new URLSearchParams({ app_key: this.appKey, timestamp, sign: jdPushSign(body, timestamp, this.appSecret) });
    return { headers: { 'content-type': 'application/json;charset=utf-8' }, query: `?${query}`, body };
  }
}

function fail(code: number, msg: string): SimResponse {
  return { status: 200, body: JSON.stringify({ code, msg }) };
}
