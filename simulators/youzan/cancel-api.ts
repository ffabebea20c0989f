import { createHash } from 'node:crypto';
import { fenToYuan, yuanToFen } from '../../connectors/youzan/money.js';
import type { YouzanTrade } from '../../connectors/youzan/payload.js';
import { GW_RATE_LIMITED } from '../../connectors/youzan/ship.js';
import { formatChinaTime } from '../../connectors/youzan/timestamp.js';
import { SELLER_REFUND_PATH, TRADE_GET_PATH, YOUZAN_REFUND_CODES } from '../../connectors/youzan/unfillable.js';
import type { FaultQueue, ShipFault } from '../kit/index.js';
import { withYouzanStatus } from './orders.js';
import type { YouzanAnswer, YouzanRoute } from './server.js';

/*
 * The seller's own refund (商家主动退款), youzan.trade.refund.seller.active 3.0.1, and the trade
 * detail it needs, youzan.trade.get 4.0.2 (connectors/youzan/README.md "Paid orders the hub
 * cannot fill"), behind the simulator's access_token check.
 *
 * Only a paid trade awaiting shipment with no after-sale open can be refunded by the seller here;
 * a full refund closes it (TRADE_CLOSED, refund_state 12), a partial one leaves it open
 * (refund_state 2), so youzan.trades.sold.get (pull) returns it that way. biz_value is kept: a
 * repeated one with the same request answers the first answer again, without refunding twice.
 * Listing stock is not touched. Refusal codes other than "trade not found" are UNVERIFIED stand-ins
 * (connectors/youzan/unfillable.ts). Injected faults answer the refund call first.
 */
export interface YouzanSimRefund {
  tid: string;
  refundId: string;
  /** Yuan, as sent. */
  refundFee: string;
  desc: string;
  bizValue: string;
  oids: string[];
}

export interface RefundState {
  trades: Map<string, YouzanTrade>;
  refunds: YouzanSimRefund[];
  refundFaults: FaultQueue<ShipFault>;
}

const refuse = (code: number, message: string): YouzanAnswer => ({ json: { success: false, code: String(code), message, data: null }, ok: false });
const YUAN = /^\d+(\.\d{1,2})?$/;
const fen = (yuan: string) => {
  const value = yuanToFen('refund_fee', yuan);
  return value.ok ? value.value : Number.NaN;
};

function refundIdOf(tid: string, at: Date, n: number): string {
  const stamp = formatChinaTime(at.getTime()).replace(/\D/g, '');
  const tail = Number.parseInt(createHash('sha256').update(`${tid}|${n}`).digest('hex').slice(0, 8), 16) % 10_000_000_000;
  return `${stamp}${String(tail).padStart(10, '0')}`;
}

function refund(body: Record<string, unknown>, state: RefundState, seen: Map<string, { fingerprint: string; answer: YouzanAnswer }>): YouzanAnswer {
  const { tid, biz_value: bizValue, refund_fee: refundFee, desc, coupons } = body;
  if (typeof tid !== 'string' || !tid) return refuse(50_000, '参数错误: tid');
  if (typeof bizValue !== 'string' || !bizValue) return refuse(50_000, '参数错误: biz_value 不能为空');
  if (typeof refundFee !== 'string' || !YUAN.test(refundFee)) return refuse(50_000, '参数错误: refund_fee');
  if (typeof desc !== 'string' || !desc.trim()) return refuse(50_000, '参数错误: desc 不能为空');
  if (!Array.isArray(coupons)) return refuse(50_000, '参数错误: coupons');
  const fingerprint = JSON.stringify([tid, refundFee, body.oid ?? null, body.items ?? null]);
  const repeat = seen.get(bizValue);
  if (repeat) return repeat.fingerprint === fingerprint ? repeat.answer : refuse(50_000, 'biz_value 已被其他退款请求使用');

  const trade = state.trades.get(tid);
  if (!trade) return refuse(YOUZAN_REFUND_CODES.tradeNotFound, 'trade not found');
  const info = trade.full_order_info;
  const { status, refund_state: refundState = 0 } = info.order_info;
  if (status === 'TRADE_CLOSED' || refundState === 12) return refuse(YOUZAN_REFUND_CODES.amountExceeded, '退款金额超过订单可退金额');
  if (!['TRADE_PAID', 'WAIT_CONFIRM', 'WAIT_SELLER_SEND_GOODS'].includes(status) || refundState !== 0)
    return refuse(YOUZAN_REFUND_CODES.statusForbids, `当前订单状态不支持商家主动退款: ${status}`);

  const lines = info.orders ?? [];
  const items = body.items as Array<{ oid?: unknown; refund_fee?: unknown }> | undefined;
  let oids: string[];
  if (Array.isArray(items) && items.length > 0) {
    if (items.some((i) => typeof i.refund_fee !== 'string' || !YUAN.test(i.refund_fee))) return refuse(50_000, '参数错误: items.refund_fee');
    oids = items.map((i) => String(i.oid));
    const sum = items.reduce((s, i) => s + fen(String(i.refund_fee)), 0);
    if (sum !== fen(refundFee)) return refuse(50_000, '参数错误: items 退款金额之和与 refund_fee 不一致');
  } else if (body.oid !== undefined) oids = [String(body.oid)];
  else return refuse(50_000, '参数错误: oid 与 items 必须传一个');
  if (oids.some((oid) => !lines.some((l) => String(l.oid) === oid))) return refuse(50_000, '参数错误: oid 不属于该订单');

  const payment = fen(info.pay_info.payment);
  const wanted = fen(refundFee);
  if (wanted <= 0 || wanted > payment) return refuse(YOUZAN_REFUND_CODES.amountExceeded, '退款金额超过订单可退金额');
  const full = wanted === payment;
  const now = new Date();
  state.trades.set(tid, full ? withYouzanStatus(trade, 'TRADE_CLOSED', now, 12) : withYouzanStatus(trade, status, now, 2));
  const refundId = refundIdOf(tid, now, state.refunds.length);
  state.refunds.push({ tid, refundId, refundFee: fenToYuan(wanted), desc, bizValue, oids });
  const answer: YouzanAnswer = { json: { success: true, code: '200', message: 'successful', data: { refund_id: refundId, is_success: true } }, ok: true };
  seen.set(bizValue, { fingerprint, answer });
  return answer;
}

export function cancelApi(state: RefundState): YouzanRoute[] {
  const seen = new Map<string, { fingerprint: string; answer: YouzanAnswer }>();
  return [
    {
      path: TRADE_GET_PATH,
      handler: (body) => {
        const trade = typeof body.tid === 'string' ? state.trades.get(body.tid) : undefined;
        if (!trade)
          return {
            json: {
              success: false,
              code: YOUZAN_REFUND_CODES.tradeNotFound,
              message: 'trade not found',
              data: { delivery_order: [], refund_order: [], full_order_info: { orders: [], pay_info: { phase_payments: [] } } },
            },
            ok: false,
          };
        const refunds = state.refunds.filter((r) => r.tid === body.tid);
        return {
          json: {
            success: true,
            code: 200,
            message: 'successful',
            data: {
              full_order_info: trade.full_order_info,
              refund_order: refunds.map((r) => ({ refund_id: r.refundId, refund_type: 2, refund_state: 60, refund_fee: r.refundFee, oids: r.oids })),
              delivery_order: [],
            },
          },
          ok: true,
        };
      },
    },
    {
      path: SELLER_REFUND_PATH,
      handler: (body) => {
        const fault = state.refundFaults.take();
        if (fault === 'server-error') return { json: '<html>502 Bad Gateway</html>', ok: false, httpStatus: 502 };
        if (fault === 'rate-limit') return { json: { gw_err_resp: { err_code: GW_RATE_LIMITED, err_msg: '调用频率超限' } }, ok: false };
        return refund(body, state, seen);
      },
    },
  ];
}
