import { describe, expect, it } from 'vitest';
import { makeTaobaoTrade, withLineRefund, withStatus } from '../../simulators/taobao/index.js';
import type { ShopConfig } from '../contract.js';
import { normalizeTaobaoTrade } from './normalize.js';
import { statusMap, taobaoStatusKey } from './status-map.js';

const shop: ShopConfig = { channel: 'taobao', shopId: 'tb-omni', brand: 'Omni', secret: 'app-secret-123' };
const base = makeTaobaoTrade({
  tid: '4123456789012345678',
  lines: [
    { outerSkuId: 'TEE-RED-M', num: 1, price: '99.00' },
    { outerSkuId: 'CAP', num: 1, price: '30.00' },
  ],
  createdAt: new Date('2025-11-10T16:00:05Z'),
});
const at = new Date('2025-11-10T17:00:00Z');

function statusOf(trade: typeof base) {
  const out = normalizeTaobaoTrade(trade, shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
  return out.ok ? { status: out.value.status, channelStatus: out.value.channelStatus } : { error: out.reason };
}

describe('Taobao trade status → canonical (each documented value, explicit expectations)', () => {
  const cases: Array<[string, string]> = [
    ['WAIT_BUYER_PAY', 'CREATED'],
    ['TRADE_NO_CREATE_PAY', 'CREATED'],
    ['PAY_PENDING', 'CREATED'],
    ['WAIT_PRE_AUTH_CONFIRM', 'CREATED'],
    ['WAIT_SELLER_SEND_GOODS', 'PAID'],
    ['PAID_FORBID_CONSIGN', 'PAID'],
    ['SELLER_CONSIGNED_PART', 'PAID'],
    ['WAIT_BUYER_CONFIRM_GOODS', 'SHIPPED'],
    ['TRADE_BUYER_SIGNED', 'DELIVERED'],
    ['TRADE_FINISHED', 'COMPLETED'],
    ['TRADE_CLOSED', 'REFUNDED'],
    ['TRADE_CLOSED_BY_TAOBAO', 'CANCELLED'],
  ];
  it.each(cases)('%s → %s', (status, expected) => {
    expect(statusOf(withStatus(base, status, at))).toEqual({ status: expected, channelStatus: status });
  });

  it('presale stages before the final payment stay CREATED, keyed by step_trade_status', () => {
    const step = makeTaobaoTrade({ tid: '4123456789012345679', step: true, lines: [{ outerSkuId: 'PRE', num: 1, price: '10.00' }], createdAt: at });
    expect(statusOf(step)).toEqual({ status: 'CREATED', channelStatus: 'WAIT_BUYER_PAY/FRONT_NOPAID_FINAL_NOPAID' });
    expect(statusOf(withStatus(step, 'WAIT_BUYER_PAY', at, { step_trade_status: 'FRONT_PAID_FINAL_NOPAID' }))).toEqual({
      status: 'CREATED',
      channelStatus: 'WAIT_BUYER_PAY/FRONT_PAID_FINAL_NOPAID',
    });
    expect(statusOf(withStatus(step, 'WAIT_SELLER_SEND_GOODS', at, { step_trade_status: 'FRONT_PAID_FINAL_PAID' }))).toEqual({
      status: 'PAID',
      channelStatus: 'WAIT_SELLER_SEND_GOODS',
    });
    // Inconsistent: still "awaiting payment" although both stages are paid → not guessed.
    expect(statusOf(withStatus(step, 'WAIT_BUYER_PAY', at, { step_trade_status: 'FRONT_PAID_FINAL_PAID' }))).toEqual({
      error: 'unknown Taobao status "WAIT_BUYER_PAY/FRONT_PAID_FINAL_PAID"',
    });
  });

  it('line refunds overlay the trade status', () => {
    const paid = withStatus(base, 'WAIT_SELLER_SEND_GOODS', at);
    expect(statusOf(withLineRefund(paid, 0, 'WAIT_SELLER_AGREE', at))).toEqual({
      status: 'REFUNDING',
      channelStatus: 'WAIT_SELLER_SEND_GOODS/REFUND_IN_PROGRESS',
    });
    expect(statusOf(withLineRefund(paid, 0, 'SELLER_REFUSE_BUYER', at))).toEqual({
      status: 'REFUNDING',
      channelStatus: 'WAIT_SELLER_SEND_GOODS/REFUND_IN_PROGRESS',
    });
    expect(statusOf(withLineRefund(paid, 1, 'SUCCESS', at))).toEqual({ status: 'REFUNDING', channelStatus: 'WAIT_SELLER_SEND_GOODS/PARTLY_REFUNDED' });
    expect(statusOf(withLineRefund(paid, 1, 'CLOSED', at))).toEqual({ status: 'PAID', channelStatus: 'WAIT_SELLER_SEND_GOODS' });
    const shipped = withStatus(base, 'WAIT_BUYER_CONFIRM_GOODS', at);
    expect(statusOf(withLineRefund(shipped, 0, 'WAIT_BUYER_RETURN_GOODS', at))).toEqual({
      status: 'REFUNDING',
      channelStatus: 'WAIT_BUYER_CONFIRM_GOODS/REFUND_IN_PROGRESS',
    });
    const closed = withLineRefund(withLineRefund(withStatus(base, 'TRADE_CLOSED', at), 0, 'SUCCESS', at), 1, 'SUCCESS', at);
    expect(statusOf(closed)).toEqual({ status: 'REFUNDED', channelStatus: 'TRADE_CLOSED/REFUNDED' });
    const finishedAllRefunded = withLineRefund(withLineRefund(withStatus(base, 'TRADE_FINISHED', at), 0, 'SUCCESS', at), 1, 'SUCCESS', at);
    expect(statusOf(finishedAllRefunded)).toEqual({ status: 'REFUNDED', channelStatus: 'TRADE_FINISHED/REFUNDED' });
  });

  it('dead-letters unknown values and impossible combinations instead of guessing', () => {
    expect(statusOf(withStatus(base, 'TRADE_SOMETHING_NEW', at))).toEqual({ error: 'unknown Taobao status "TRADE_SOMETHING_NEW"' });
    expect(statusOf(withLineRefund(base, 0, 'WAIT_SELLER_AGREE', at))).toEqual({ error: 'unknown Taobao status "WAIT_BUYER_PAY/REFUND_IN_PROGRESS"' });
    expect(statusOf(withStatus(base, 'constructor', at))).toEqual({ error: 'unknown Taobao status "constructor"' });
  });

  it('keeps the map as frozen data whose keys are what taobaoStatusKey builds', () => {
    expect(Object.isFrozen(statusMap)).toBe(true);
    expect(taobaoStatusKey(withStatus(base, 'TRADE_FINISHED', at))).toBe('TRADE_FINISHED');
    expect(Object.keys(statusMap)).toHaveLength(33);
  });
});
