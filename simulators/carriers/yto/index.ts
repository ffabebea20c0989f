/*
 * A YTO (圆通) open platform simulator: YTO's servers cannot be reached from here, and the public
 * facts about its current API are thin (UNVERIFIED, see README). POST
 * /open/privacy_create_adapter/v1/{appKey} with {timestamp, param, sign, format}, sign =
 * base64(md5(param + method + v + secret)); a bad sign is answered HTTP 200 {"success":false,
 * "code":"1003","reason":"签名验证失败"}. Waybills "YT" + 13 digits; a repeated txLogisticID gets
 * the same mailNo. Status pushes: one update per push (as YTO sends them).
 */
import { randomUUID } from 'node:crypto';
import type { CarrierAccount } from '../../../connectors/carriers/contract.js';
import { YTO_CREATE_METHOD, YTO_VERSION } from '../../../connectors/carriers/yto/api.js';
import { ytoPushDigest, ytoSign } from '../../../connectors/carriers/yto/signature.js';
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

export class YtoSimulator extends CarrierSimServer implements CarrierSimulator {
  readonly carrier = 'yto';
  readonly book = new WaybillBook(
    (n) => `YT${digits(8_800_000_000_000 + n, 13)}`,
    (p) => simSortCode('200-', p),
  );

  constructor(
    readonly appKey = 'omni-sim-app',
    readonly secret = randomUUID().replace(/-/g, ''),
    readonly clientId = 'OMNI_SIM',
  ) {
    super();
  }

  account(timeoutMs = 3000): CarrierAccount {
    return {
      carrier: 'yto',
      endpoint: this.url,
      secret: this.secret,
      credentials: { appKey: this.appKey, customerCode: 'SIM001', clientId: this.clientId },
      timeoutMs,
    };
  }

  protected handle(req: SimRequest): SimResponse {
    if (req.method !== 'POST' || req.path !== `/open/${YTO_CREATE_METHOD}/${YTO_VERSION}/${this.appKey}`) return fail('1001', '接口不存在或appKey无效');
    let env: { param?: string; sign?: string };
    try {
      env = JSON.parse(req.body.toString('utf8')) as typeof env;
    } catch {
      return fail('1002', '请求报文格式错误');
    }
    if (typeof env.param !== 'string' || typeof env.sign !== 'string') return fail('1002', '请求报文格式错误');
    if (!safeEqual(env.sign, ytoSign(env.param, YTO_CREATE_METHOD, YTO_VERSION, this.secret))) return fail('1003', '签名验证失败');
    const order = JSON.parse(env.param) as { txLogisticID?: string; recipientProvinceName?: string };
    if (!order.txLogisticID) return fail('1002', 'txLogisticID不能为空');
    this.book.noteRequest(order.txLogisticID);
    const failure = this.faults.takeFailure();
    if (failure) return { status: failure, contentType: 'text/html', body: '<html><body>502 Bad Gateway</body></html>' };
    const province = order.recipientProvinceName ?? null;
    if (province && this.faults.unservedProvinces.has(province)) return fail('2001', '收件地址不在服务范围');
    const issued = this.book.issue(order.txLogisticID, province);
    return {
      status: 200,
      body: JSON.stringify({ success: true, code: '0', mailNo: issued.waybillNo, shortAddress: issued.sortCode, txLogisticID: order.txLogisticID }),
    };
  }

  /** YTO pushes one status per request: several routes → the first only (send one at a time). */
  trackingPush(routes: SimRoute[]): SimPush {
    const r = routes[0];
    if (!r || routes.length !== 1) throw new Error('YTO pushes exactly one status update per request');
    const data = JSON.stringify({
      mailNo: r.waybillNo,
      txLogisticID: r.orderId,
      infoContent: r.code,
      acceptTime: formatChinaTime(r.at),
      remark: r.description ?? '',
    });
    const body = new URLSearchParams({ logistics_interface: data, data_digest: ytoPushDigest(data, this.secret), clientId: this.clientId }).toString();
    return { headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, query: '', body };
  }
}

function fail(code: string, reason: string): SimResponse {
  return { status: 200, body: JSON.stringify({ success: false, code, reason }) };
}
