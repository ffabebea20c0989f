import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type JdSimulator, makeJdOrder, SIM_PII, startJdSimulator, withState } from '../../simulators/jd/index.js';
import type { ShopConfig } from '../contract.js';
import { UNFILLABLE_FAILURES, type UnfillableNotice } from '../unfillable-api.js';
import { josError } from './api.js';
import { jd } from './index.js';
import { JD_DELETE_TYPE_OUT_OF_STOCK, jdUnfillable, jdUnfillableError, jdUnfillableResult } from './unfillable.js';

const creds = { appKey: 'AK-CANCEL', accessToken: 'TOKEN-CANCEL', unfillableTimeoutMs: '200' };
const SECRET = 'jd-cancel-secret';
const ORDER_ID = '300000007001';
const listing = { itemId: '10077', skuId: '100077001' };
let sim: JdSimulator;
let shop: ShopConfig;

const order = (state = 'WAIT_SELLER_STOCK_OUT', orderId = ORDER_ID) =>
  withState(
    makeJdOrder({
      orderId,
      createdAt: new Date(Date.now() - 3_600_000),
      lines: [{ skuId: listing.skuId, wareId: listing.itemId, quantity: 1, price: '30.00' }],
    }),
    state,
    new Date(Date.now() - 600_000),
  );
const notice = (channelOrderId = ORDER_ID): UnfillableNotice => ({ channelOrderId, reason: '库存不足，无法发货', idempotencyKey: 'cmd-1' });

async function pulledStatus(from: number): Promise<unknown[]> {
  const out = [];
  for await (const record of jd.pull!(shop, { from: new Date(from), to: new Date(Date.now() + 1000) })) {
    const [event] = jd.normalize(jd.payloadSchema.parse(record), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    out.push(event);
  }
  return out;
}

beforeEach(async () => {
  sim = await startJdSimulator({ appKey: creds.appKey, accessToken: creds.accessToken, secret: SECRET });
  shop = { channel: 'jd', shopId: 'jd-1', brand: 'B', secret: SECRET, endpoint: sim.url, credentials: creds };
});
afterEach(() => sim.close());

describe('jdUnfillable against the simulated JOS router', () => {
  it('is the connector’s unfillable API: an out-of-stock 删单申请 with its source', () => {
    expect(jd.unfillable).toBe(jdUnfillable);
    expect(jdUnfillable.action).toBe('OUT_OF_STOCK');
    expect(jdUnfillable.source).toContain('jingdong.order.orderDelete.apply');
  });

  it('files the application signed, the order becomes TRADE_CANCELED as pull sees it, and stock is untouched', async () => {
    sim.listings.put(listing.itemId, listing.skuId, 3);
    sim.upsertOrder(order());
    const before = Date.now() - 1000;
    expect(await jdUnfillable.tell(shop, notice())).toEqual({ ok: true, value: { platformRef: null, alreadyDone: false } });
    expect(sim.orderDeletes).toEqual([{ orderId: ORDER_ID, delApplyType: JD_DELETE_TYPE_OUT_OF_STOCK, delApplyReason: '库存不足，无法发货' }]);
    expect(sim.order(ORDER_ID)?.orderState).toBe('TRADE_CANCELED');
    expect(await pulledStatus(before)).toEqual([
      expect.objectContaining({ ok: true, value: expect.objectContaining({ channelOrderId: ORDER_ID, status: 'CANCELLED', channelStatus: 'TRADE_CANCELED' }) }),
    ]);
    expect(sim.listings.get(listing.itemId, listing.skuId)?.quantity).toBe(3);
  });

  it('answers a repeat (a retry after a lost answer) as already done, filing nothing more', async () => {
    sim.upsertOrder(order());
    await jdUnfillable.tell(shop, notice());
    expect(await jdUnfillable.tell(shop, notice())).toEqual({ ok: true, value: { platformRef: null, alreadyDone: true } });
    sim.upsertOrder(order('PARENT_TRADE_CANCELED', '300000007002'));
    expect(await jdUnfillable.tell(shop, notice('300000007002'))).toMatchObject({ ok: true, value: { alreadyDone: true } });
    expect(sim.orderDeletes).toHaveLength(1);
  });

  it('refuses a shipped order and a LOCKED one as not_cancellable, not retryable, leaving them as they were', async () => {
    sim.upsertOrder(order('WAIT_GOODS_RECEIVE_CONFIRM'));
    expect(await jdUnfillable.tell(shop, notice())).toMatchObject({ ok: false, code: UNFILLABLE_FAILURES.notCancellable, retryable: false });
    expect(sim.order(ORDER_ID)?.orderState).toBe('WAIT_GOODS_RECEIVE_CONFIRM');
    sim.upsertOrder(order('LOCKED'));
    expect(await jdUnfillable.tell(shop, notice())).toMatchObject({ ok: false, code: UNFILLABLE_FAILURES.notCancellable, retryable: false });
    expect(sim.orderDeletes).toEqual([]);
  });

  it('maps an unknown order, and an id JOS cannot carry, to not_found', async () => {
    expect(await jdUnfillable.tell(shop, notice('300000000404'))).toMatchObject({ ok: false, code: UNFILLABLE_FAILURES.notFound, retryable: false });
    expect(await jdUnfillable.tell(shop, notice('98765432109876543210'))).toMatchObject({ ok: false, code: UNFILLABLE_FAILURES.notFound });
  });

  it('maps the call limit to rate_limited and HTTP 503 to retryable, then succeeds once the faults pass', async () => {
    sim.upsertOrder(order());
    sim.injectCancelFaults(1, 'rate-limit');
    sim.injectCancelFaults(1, 'server-error');
    expect(await jdUnfillable.tell(shop, notice())).toMatchObject({ ok: false, code: UNFILLABLE_FAILURES.rateLimited, retryable: true });
    expect(await jdUnfillable.tell(shop, notice())).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 503') });
    expect(sim.order(ORDER_ID)?.orderState).toBe('WAIT_SELLER_STOCK_OUT');
    expect(await jdUnfillable.tell(shop, notice())).toMatchObject({ ok: true, value: { alreadyDone: false } });
  });

  it('treats a lost answer (timeout) as retryable; the retry then finds the order cancelled', async () => {
    sim.upsertOrder(order());
    sim.cancelSlowMs = 400;
    sim.injectCancelFaults(1, 'timeout');
    expect(await jdUnfillable.tell(shop, notice())).toMatchObject({ ok: false, retryable: true });
    // The platform applied it all the same: the retry finds the order cancelled.
    await sim.cancelAnswersSent();
    expect(sim.order(ORDER_ID)?.orderState).toBe('TRADE_CANCELED');
    expect(await jdUnfillable.tell(shop, notice())).toMatchObject({ ok: true, value: { alreadyDone: true } });
  });

  it('is refused with a wrong secret (router code 19), not retried, and nothing changes', async () => {
    sim.upsertOrder(order());
    expect(await jdUnfillable.tell({ ...shop, secret: 'wrong' }, notice())).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('Invalid signature'),
    });
    expect(sim.order(ORDER_ID)?.orderState).toBe('WAIT_SELLER_STOCK_OUT');
    expect(sim.orderDeletes).toEqual([]);
  });

  it('refuses a shop without credentials without calling, and never quotes buyer data', async () => {
    expect(await jdUnfillable.tell({ ...shop, credentials: {} }, notice())).toMatchObject({ ok: false, retryable: false });
    sim.upsertOrder(order('WAIT_GOODS_RECEIVE_CONFIRM'));
    const refused = await jdUnfillable.tell(shop, notice());
    for (const value of Object.values(SIM_PII)) expect(JSON.stringify(refused)).not.toContain(value);
  });
});

describe('JD unfillable answer mapping', () => {
  const body = (success: boolean, resultDescribe: string) => ({
    jingdong_order_orderDelete_apply_responce: { code: '0', result: { success, resultCode: 'x', resultDescribe } },
  });
  it('reads success, already-applied and refusals from the ApiJosResult', () => {
    expect(jdUnfillableResult(body(true, ''))).toEqual({ ok: true, value: { platformRef: null, alreadyDone: false } });
    expect(jdUnfillableResult(body(false, '该订单已提交过删单申请'))).toMatchObject({ ok: true, value: { alreadyDone: true } });
    expect(jdUnfillableResult(body(false, '删单类型为其他时必须填写删单原因'))).toMatchObject({ ok: false, retryable: false });
    expect(jdUnfillableResult({})).toMatchObject({ ok: false, retryable: true });
  });
  it('maps router codes and network errors', () => {
    expect(jdUnfillableError(josError('67', 'limit'))).toMatchObject({ ok: false, code: UNFILLABLE_FAILURES.rateLimited, retryable: true });
    expect(jdUnfillableError(josError('19', 'Invalid signature'))).toMatchObject({ ok: false, retryable: false });
    expect(jdUnfillableError(new TypeError('fetch failed'))).toMatchObject({ ok: false, retryable: true });
  });
});
