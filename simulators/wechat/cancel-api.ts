import type { WechatOrder } from '../../connectors/wechat/payload.js';
import { GEN_AFTERSALE_PATH } from '../../connectors/wechat/unfillable.js';
import type { FaultQueue, ShipFault } from '../kit/index.js';
import { SIM_ERRORS } from './errors.js';
import type { WechatRoute } from './server.js';

/*
 * 代用户发起售后, /channels/ec/aftersale/genaftersaleorder (connectors/wechat/README.md "Paid
 * orders the hub cannot fill"), behind the simulator's access_token check: the merchant opens a
 * refund-only (or return) after-sale for one line of an order, as if the buyer had applied.
 *
 * Only a paid order awaiting shipment (20) takes one here, for a line with nothing under after-sale
 * yet, at most its count and its paid amount; the reason must be one of the documented codes. The
 * after-sale starts as MERCHANT_PROCESSING: the line shows on_aftersale_sku_cnt and the order
 * on_aftersale_order_cnt, so /channels/ec/order/get (pull) returns it in after-sales (REFUNDING).
 * `completeRefund` plays WeChat finishing the refund (MERCHANT_REFUND_SUCCESS): once every unit of
 * every line is refunded, the order is cancelled (200), as the status list says. request_id is
 * kept: a repeat is refused with 10021089 (request_id对应的售后单已经发起), as the documented error
 * table says. Listing stock is not touched. The refusals use the documented codes: 10021088 (订单不支持
 * 代发起售后) for an order or line that cannot take one, 10021084 (售后原因不合法) for a reason outside
 * the list. Injected faults answer the call first.
 */
export interface WechatSimAftersale {
  aftersaleId: string;
  requestId: string;
  orderId: string;
  productId: string;
  skuId: string;
  count: number;
  /** fen */
  amount: number;
  reason: string;
  type: 'REFUND' | 'RETURN';
  desc: string | null;
  status: 'MERCHANT_PROCESSING' | 'MERCHANT_REFUND_SUCCESS';
}

/** 'lost-answer': the after-sale is opened, but the caller gets a 503 (its answer was lost on the way). */
export type WechatAftersaleFault = ShipFault | 'lost-answer';

export interface AftersaleState {
  orders: Map<string, WechatOrder>;
  aftersales: WechatSimAftersale[];
  aftersaleFaults: FaultQueue<WechatAftersaleFault>;
}

/** The documented reason list of genaftersaleorder. */
const REASONS = new Set(['10000014', '10000002', '10000000', '10000001', '10000006', '10000021', '10000007', '10000015', '10000017', '10000008']);
/** From the genaftersaleorder error table (developers.weixin.qq.com/doc/store/shop/API/aftersale/genaftersaleorder.html). */
export const SIM_AFTERSALE_ERRORS = {
  badReason: { errcode: 10021084, errmsg: '售后原因不合法' },
  notSupported: { errcode: 10021088, errmsg: '订单不支持代发起售后' },
  requestUsed: { errcode: 10021089, errmsg: 'request_id对应的售后单已经发起' },
} as const;

const now = () => Math.floor(Date.now() / 1000);
const idText = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) ? v : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : undefined);

/** WeChat finishes the refund of an after-sale: the line's units move to finished; a fully refunded order is cancelled (200). */
export function completeRefund(state: AftersaleState, aftersaleId: string): boolean {
  const aftersale = state.aftersales.find((a) => a.aftersaleId === aftersaleId);
  const order = aftersale ? state.orders.get(aftersale.orderId) : undefined;
  if (!aftersale || !order || aftersale.status !== 'MERCHANT_PROCESSING') return false;
  const next = structuredClone(order);
  const line = next.order_detail.product_infos.find((l) => String(l.product_id) === aftersale.productId && String(l.sku_id) === aftersale.skuId)!;
  line.on_aftersale_sku_cnt = (line.on_aftersale_sku_cnt ?? 0) - aftersale.count;
  line.finish_aftersale_sku_cnt = (line.finish_aftersale_sku_cnt ?? 0) + aftersale.count;
  const detail = next.aftersale_detail ?? {};
  detail.on_aftersale_order_cnt = Math.max(0, (detail.on_aftersale_order_cnt ?? 1) - 1);
  detail.aftersale_order_list = (detail.aftersale_order_list ?? []).map((entry) =>
    (entry as { aftersale_order_id?: string }).aftersale_order_id === aftersaleId ? { ...(entry as object), status: 'MERCHANT_REFUND_SUCCESS' } : entry,
  );
  next.aftersale_detail = detail;
  if (next.order_detail.product_infos.every((l) => (l.finish_aftersale_sku_cnt ?? 0) >= l.sku_cnt)) next.status = 200;
  next.update_time = now();
  state.orders.set(aftersale.orderId, next);
  aftersale.status = 'MERCHANT_REFUND_SUCCESS';
  return true;
}

export function cancelApi(state: AftersaleState): WechatRoute[] {
  const byRequest = new Map<string, WechatSimAftersale>();
  let next = 0;
  return [
    {
      path: GEN_AFTERSALE_PATH,
      handler: (body) => {
        const fault = state.aftersaleFaults.take();
        if (fault === 'server-error') return 'server-error';
        if (fault === 'rate-limit') return SIM_ERRORS.rateLimit;
        const requestId = typeof body.request_id === 'string' ? body.request_id : '';
        const orderId = idText(body.order_id);
        const productId = idText(body.product_id);
        const skuId = idText(body.sku_id);
        const { count, amount, reason, type } = body;
        if (!requestId || !orderId || !productId || !skuId) return SIM_ERRORS.invalidArgs;
        if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) return SIM_ERRORS.invalidArgs;
        if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1) return SIM_ERRORS.invalidArgs;
        if (typeof reason !== 'string' || !REASONS.has(reason)) return SIM_AFTERSALE_ERRORS.badReason;
        if (type !== 'REFUND' && type !== 'RETURN') return SIM_ERRORS.invalidArgs;
        if (byRequest.has(requestId)) return SIM_AFTERSALE_ERRORS.requestUsed;

        const order = state.orders.get(orderId);
        if (!order) return SIM_ERRORS.notFound;
        const lineIndex = order.order_detail.product_infos.findIndex((l) => String(l.product_id) === productId && String(l.sku_id) === skuId);
        const line = order.order_detail.product_infos[lineIndex];
        if (!line) return SIM_ERRORS.invalidArgs;
        const taken = (line.on_aftersale_sku_cnt ?? 0) + (line.finish_aftersale_sku_cnt ?? 0);
        if (order.status !== 20 || taken > 0) return SIM_AFTERSALE_ERRORS.notSupported;
        if (count > line.sku_cnt || amount > (line.real_price ?? line.sale_price * line.sku_cnt)) return SIM_ERRORS.invalidArgs;

        const aftersaleId = String(2_000_000_000_000_000n + BigInt(++next));
        const aftersale: WechatSimAftersale = {
          aftersaleId,
          requestId,
          orderId,
          productId,
          skuId,
          count,
          amount,
          reason,
          type,
          desc: typeof body.desc === 'string' ? body.desc : null,
          status: 'MERCHANT_PROCESSING',
        };
        const updated = structuredClone(order);
        const target = updated.order_detail.product_infos[lineIndex]!;
        target.on_aftersale_sku_cnt = (target.on_aftersale_sku_cnt ?? 0) + count;
        const detail = updated.aftersale_detail ?? {};
        detail.on_aftersale_order_cnt = (detail.on_aftersale_order_cnt ?? 0) + 1;
        detail.aftersale_order_list = [...(detail.aftersale_order_list ?? []), { aftersale_order_id: aftersaleId, status: aftersale.status }];
        updated.aftersale_detail = detail;
        updated.update_time = now();
        state.orders.set(orderId, updated);
        state.aftersales.push(aftersale);
        byRequest.set(requestId, aftersale);
        if (fault === 'lost-answer') return 'server-error';
        return { errcode: 0, errmsg: 'ok', aftersale_id: aftersaleId };
      },
    },
  ];
}
