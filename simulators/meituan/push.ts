import { formEncode } from '../../connectors/meituan/form.js';
import type { MeituanOrder } from '../../connectors/meituan/payload.js';
import { meituanSig } from '../../connectors/meituan/signature.js';
import type { SimulatedPush as KitPush } from '../kit/index.js';
import { SIM_PII, seconds } from './orders.js';

export { toInboundPush } from '../kit/index.js';

/*
 * Order pushes: POST to the merchant's callback URL, system parameters app_id / timestamp / sig
 * in the query, order fields form-encoded in the body with every value encoded twice, signed
 * md5(callbackUrl + "?" + sorted k=v… + secret).
 */
/** Meituan signs with query parameters: every push has them. */
export type SimulatedPush = Required<KitPush>;

export interface PushSigning {
  appId: string;
  secret: string;
  /** The callback URL registered with Meituan (scheme://host/path). */
  pushUrl: string;
  /** Epoch seconds; defaults to now. */
  timestamp?: number;
}

/** One order push as Meituan sends it: system params in the query, order fields double-encoded in the body. */
export function meituanPush(order: MeituanOrder, signing: PushSigning): SimulatedPush {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(order)) if (typeof v === 'string') fields[k] = v;
  return meituanFieldsPush(fields, signing);
}

/** Any push (full order or slim) from its fields, signed and encoded like an order push. */
export function meituanFieldsPush(fields: Readonly<Record<string, string>>, signing: PushSigning): SimulatedPush {
  const timestamp = String(signing.timestamp ?? Math.floor(Date.now() / 1000));
  const system = { app_id: signing.appId, timestamp };
  const sig = meituanSig(signing.pushUrl, { ...fields, ...system }, signing.secret);
  const body = Object.entries(fields)
    .map(([k, v]) => `${formEncode(k)}=${formEncode(formEncode(v))}`)
    .join('&');
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    query: { ...system, sig },
    body,
  };
}

/* ------------------------------------------------------------------ slim pushes (fields as documented, README "Slim pushes") */

/** 取消订单推送. deal_op_type: 1 user, 2 merchant, 3 support, 4 BD, 5 system, 6 open platform. */
export function cancellationFields(orderId: string, reasonCode = '1002', reason = '用户取消', dealOpType = '1'): Record<string, string> {
  return { order_id: orderId, reason_code: reasonCode, reason, deal_op_type: dealOpType };
}

/** 全额退款推送 (partial: pass money and food, 部分退款推送). notify_type apply/agree/reject/cancelRefund/cancelRefundComplaint. */
export function refundFields(orderId: string, notifyType: string, at: Date, partial?: { money: string; food: string }): Record<string, string> {
  const resType: Record<string, string> = { apply: '0', agree: '2', reject: '1', cancelRefund: '7', cancelRefundComplaint: '8' };
  return {
    order_id: orderId,
    notify_type: notifyType,
    refund_id: '90010001',
    ctime: seconds(at),
    reason: '商品少送',
    res_type: resType[notifyType] ?? '0',
    is_appeal: '0',
    pictures: '[]',
    service_type: '0',
    ...(partial ?? {}),
  };
}

/** 退款状态推送: refund_status 3 full success, 4 full failure, 13 partial success, 14 partial failure. */
export function refundStatusFields(orderId: string, refundStatus: string, appliedAt: Date, updatedAt: Date): Record<string, string> {
  return { order_id: orderId, refund_id: '90010001', refund_status: refundStatus, money: '25.5', ctime: seconds(appliedAt), utime: seconds(updatedAt) };
}

/** 配送状态推送 (美配): the rider's name and phone are PII and must never leave the connector. */
export function logisticsFields(orderId: string, logisticsStatus: string, at: Date): Record<string, string> {
  return {
    order_id: orderId,
    wm_order_id_view: orderId,
    logistics_status: logisticsStatus,
    time: seconds(at),
    dispatcher_name: SIM_PII.riderName,
    dispatcher_mobile: SIM_PII.riderPhone,
  };
}
