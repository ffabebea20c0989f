import type { TaobaoTrade } from './payload.js';

/*
 * Taobao presale: a deposit ("step") trade has type "step" and a step_trade_status; the
 * increment API also reports it on full-payment presales through step_trade_status.
 */
export function isPresale(trade: Pick<TaobaoTrade, 'type' | 'step_trade_status'>): boolean {
  return trade.type === 'step' || Boolean(trade.step_trade_status);
}
