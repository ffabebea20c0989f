import { createHash } from 'node:crypto';
import type { YouzanPush, YouzanTrade } from '../../connectors/youzan/payload.js';
import { signYouzanBody, signYouzanMsg } from '../../connectors/youzan/signature.js';
import { parseChinaTime } from '../../connectors/youzan/timestamp.js';
import type { SimulatedPush } from '../kit/index.js';

export { type SimulatedPush, toInboundPush } from '../kit/index.js';

/*
 * Pushes: JSON envelope {client_id, id, kdt_id, kdt_name, msg, type, status, version, test, mode,
 * sendCount, msg_id}, msg = form-URL-encoded JSON ({full_order_info}), headers
 * Event-Sign = md5(client_id + body + client_secret), Event-Type, Client-Id.
 */
/** Java URLEncoder style (what Youzan's msg looks like): space → "+", ! ' ( ) ~ escaped. */
export function formUrlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Envelope status words seen in pushes ("PAID" for trade_TradePaid, …); informational only. */
const ENVELOPE_STATUS: Record<string, string> = {
  trade_TradeCreate: 'WAIT_BUYER_PAY',
  trade_TradeBuyerPay: 'WAIT_SELLER_SEND_GOODS',
  trade_TradePaid: 'PAID',
  trade_TradeSellerShip: 'WAIT_BUYER_CONFIRM_GOODS',
  trade_TradePartlySellerShip: 'WAIT_SELLER_SEND_GOODS',
  trade_TradeSuccess: 'TRADE_SUCCESS',
  trade_TradeClose: 'TRADE_CLOSED',
};

export interface EnvelopeOptions {
  clientId: string;
  kdtId: number;
  /** Drop orders[]/address_info/buyer_info from msg, like the documented trade_TradePaid example. */
  slim?: boolean;
  test?: boolean;
  sendCount?: number;
  /** Include the legacy body sign computed with this secret. */
  legacySignSecret?: string;
}

export function youzanEnvelope(trade: YouzanTrade, type: string, opts: EnvelopeOptions): YouzanPush {
  const info = trade.full_order_info;
  const body = opts.slim
    ? { full_order_info: { order_info: info.order_info, pay_info: info.pay_info, remark_info: info.remark_info, source_info: info.source_info } }
    : trade;
  const msg = formUrlEncode(JSON.stringify(body));
  const updated = parseChinaTime('update_time', info.order_info.update_time);
  const version = updated.ok ? Math.floor(updated.value / 1000) : 0;
  const envelope: YouzanPush = {
    msg,
    kdt_name: '演示有赞店',
    test: opts.test ?? false,
    type,
    version,
    client_id: opts.clientId,
    mode: 1,
    kdt_id: opts.kdtId,
    id: info.order_info.tid,
    msg_id: createHash('sha256')
      .update(`${type}|${info.order_info.tid}|${version}`)
      .digest('hex')
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5'),
    status: ENVELOPE_STATUS[type] ?? info.order_info.status,
    sendCount: opts.sendCount ?? 0,
  };
  if (opts.legacySignSecret) envelope.sign = signYouzanMsg(msg, opts.clientId, opts.legacySignSecret);
  return envelope;
}

export function youzanPush(envelope: YouzanPush, clientSecret: string | null): SimulatedPush {
  const body = JSON.stringify(envelope);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Event-Type': envelope.type, 'Client-Id': envelope.client_id };
  if (clientSecret !== null) headers['Event-Sign'] = signYouzanBody(body, envelope.client_id, clientSecret);
  return { headers, body };
}
