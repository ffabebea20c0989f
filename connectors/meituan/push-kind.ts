import type { MeituanOrder, MeituanPush } from './payload.js';

/*
 * Which push is this? Meituan sends every kind to its own callback URL, but the hub receives them
 * on one path per shop, and InboundPush does not carry the URL, so the kind is read from the
 * fields each documented push has (README "Slim pushes" lists the sources). In this order:
 *
 *   1. detail or total present              → order        (paid / confirmed order: the full order)
 *   2. refund_status present                → refundStatus (退款状态推送: result of a refund)
 *   3. notify_type, res_type or refund_id   → partRefund when money or food is present
 *                                             (部分退款推送), else refund (全额退款推送)
 *   4. reason_code present, status absent   → cancel       (取消订单推送)
 *   5. logistics_status present, status absent → logistics (配送状态推送)
 *   6. anything else                        → unknown      (dead-lettered with the field names)
 *
 * Rule 1 comes first because only full orders carry contents. Rule 2 before 3: the refund result
 * also has refund_id and money. A cancellation or delivery push never has `status`; a record with
 * status but neither contents nor refund fields is not a documented push, so it is unknown.
 */
export type MeituanPushKind = 'order' | 'cancel' | 'refund' | 'partRefund' | 'refundStatus' | 'logistics' | 'unknown';

const has = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

export function meituanPushKind(push: MeituanPush): MeituanPushKind {
  if (push.detail !== undefined || push.total !== undefined) return 'order';
  if (has(push.refund_status)) return 'refundStatus';
  if (has(push.notify_type) || has(push.res_type) || has(push.refund_id)) return has(push.money) || has(push.food) ? 'partRefund' : 'refund';
  if (has(push.reason_code) && !has(push.status)) return 'cancel';
  if (has(push.logistics_status) && !has(push.status)) return 'logistics';
  return 'unknown';
}

/** A push of kind 'order' has passed the schema's full-order check, so it is a MeituanOrder. */
export function asFullOrder(push: MeituanPush): MeituanOrder {
  return push as MeituanOrder;
}

/**
 * The slim push's key in slimStatusMap (also the event's channelStatus):
 *   cancel                       cancellation (reason_code is kept out: the reason does not change the status)
 *   refund/<notify_type>         full refund, e.g. refund/apply, refund/agree
 *   refund/aftersale-<status>    full refund, return-flow stores (no notify_type; after-sale status)
 *   partrefund/<notify_type>     partial refund
 *   partrefund/aftersale-<status>
 *   refund_status/<refund_status> refund result (3, 4, 13, 14)
 *   logistics/<logistics_status> delivery status
 */
export function slimStatusKey(kind: Exclude<MeituanPushKind, 'order' | 'unknown'>, push: MeituanPush): string {
  switch (kind) {
    case 'cancel':
      return 'cancel';
    case 'refundStatus':
      return `refund_status/${push.refund_status!.trim()}`;
    case 'logistics':
      return `logistics/${push.logistics_status!.trim()}`;
    case 'refund':
    case 'partRefund': {
      const prefix = kind === 'refund' ? 'refund' : 'partrefund';
      if (has(push.notify_type)) return `${prefix}/${push.notify_type.trim()}`;
      if (has(push.status)) return `${prefix}/aftersale-${push.status.trim()}`;
      return `${prefix}/(none)`;
    }
  }
}
