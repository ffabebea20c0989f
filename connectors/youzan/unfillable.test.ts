import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeYouzanTrade, startYouzanSimulator, withYouzanStatus, type YouzanSimulator } from '../../simulators/youzan/index.js';
import type { ShopConfig } from '../contract.js';
import { youzan } from './index.js';
import type { YouzanTrade } from './payload.js';
import { SELLER_REFUND_PATH, youzanUnfillable } from './unfillable.js';

const CLIENT_ID = 'd3ccc77bb8b5bf4e0a';
const SECRET = 'sim-client-secret-refund';
const KDT = '41566522';
let sim: YouzanSimulator;
let shop: ShopConfig;
let next = 0;

const notice = (tid: string, key = `refund-${tid}`) => ({ channelOrderId: tid, reason: '缺货，无法发货 (no stock for SKU-1)', idempotencyKey: key });

/** A fresh trade in `status`, with `lines` lines of 9.90 each and 5.00 postage. */
function trade(status = 'WAIT_SELLER_SEND_GOODS', lines = 1, refundState = 0): string {
  const tid = `E2025111300000${String(7000000000 + next++)}`;
  const created = new Date(Date.now() - 3_600_000);
  const made = makeYouzanTrade({
    tid,
    lines: Array.from({ length: lines }, (_, i) => ({ outerSkuId: `SKU-${i + 1}`, quantity: 1, priceFen: 990 })),
    createdAt: created,
    postFen: 500,
  });
  sim.upsertTrade(withYouzanStatus(made, status, new Date(created.getTime() + 60_000), refundState));
  return tid;
}

/** The trade as reconciliation sees it: pull over HTTP, then normalize. */
async function pulled(tid: string) {
  const now = Date.now();
  for await (const payload of youzan.pull!(shop, { from: new Date(now - 7_200_000), to: new Date(now + 60_000) })) {
    const parsed = youzan.payloadSchema.parse(payload);
    if (!('full_order_info' in parsed) || (parsed as YouzanTrade).full_order_info.order_info.tid !== tid) continue;
    const [event] = youzan.normalize(parsed, shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: now });
    if (!event?.ok) throw new Error(`trade did not normalize: ${event?.ok === false ? event.reason : 'none'}`);
    return event.value;
  }
  throw new Error(`trade ${tid} not pulled`);
}

beforeAll(async () => {
  sim = await startYouzanSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, kdtId: KDT });
  shop = { channel: 'youzan', shopId: 'yz-refund', brand: 'Omni', secret: SECRET, endpoint: sim.url, credentials: { clientId: CLIENT_ID, kdtId: KDT } };
});
afterAll(() => sim.close());

describe('youzanUnfillable against the Youzan simulator', () => {
  it('is the connector’s unfillable API: the seller’s full refund', () => {
    expect(youzan.unfillable).toBe(youzanUnfillable);
    expect(youzanUnfillable.action).toBe('REFUND');
    expect(youzanUnfillable.source).toContain('youzan.trade.refund.seller.active');
  });

  it('refunds a paid trade in full with the idempotency key as biz_value; pull then returns it closed and refunded', async () => {
    const tid = trade();
    expect(await pulled(tid)).toMatchObject({ status: 'PAID' });
    const result = await youzanUnfillable.tell(shop, notice(tid));
    expect(result).toEqual({ ok: true, value: { platformRef: expect.stringMatching(/^\d{24}$/), alreadyDone: false } });
    expect(sim.refunds.filter((r) => r.tid === tid)).toEqual([
      {
        tid,
        refundId: result.ok ? result.value.platformRef : '',
        refundFee: '14.90',
        desc: '缺货，无法发货 (no stock for SKU-1)',
        bizValue: `refund-${tid}`,
        oids: [String(sim.trade(tid)!.full_order_info.orders![0]!.oid)],
      },
    ]);
    expect(sim.trade(tid)?.full_order_info.order_info).toMatchObject({ status: 'TRADE_CLOSED', refund_state: 12 });
    expect(await pulled(tid)).toMatchObject({ status: 'REFUNDED', channelStatus: 'TRADE_CLOSED/refund_state:12' });
  });

  it('refunds every line of a trade with several, their amounts adding up to the payment', async () => {
    const tid = trade('WAIT_SELLER_SEND_GOODS', 3);
    expect(await youzanUnfillable.tell(shop, notice(tid))).toMatchObject({ ok: true, value: { alreadyDone: false } });
    const [applied] = sim.refunds.filter((r) => r.tid === tid);
    expect(applied).toMatchObject({ refundFee: '34.70' });
    expect(applied?.oids).toHaveLength(3);
    expect(sim.trade(tid)?.full_order_info.order_info.refund_state).toBe(12);
  });

  it('answers a trade refunded or closed already as done, refunding nothing more', async () => {
    const tid = trade();
    expect(await youzanUnfillable.tell(shop, notice(tid))).toMatchObject({ ok: true, value: { alreadyDone: false } });
    // A retry with another key still finds the trade refunded.
    expect(await youzanUnfillable.tell(shop, notice(tid, 'another-key'))).toEqual({ ok: true, value: { platformRef: null, alreadyDone: true } });
    const refunding = trade('WAIT_SELLER_SEND_GOODS', 1, 11);
    expect(await youzanUnfillable.tell(shop, notice(refunding))).toEqual({ ok: true, value: { platformRef: null, alreadyDone: true } });
    expect(sim.refunds.filter((r) => r.tid === tid || r.tid === refunding)).toHaveLength(1);
  });

  it('refuses a shipped trade, and one in a partial after-sale, as not_cancellable, not retryable', async () => {
    const shipped = trade('WAIT_BUYER_CONFIRM_GOODS');
    expect(await youzanUnfillable.tell(shop, notice(shipped))).toMatchObject({ ok: false, code: 'not_cancellable', retryable: false });
    const afterSale = trade('WAIT_SELLER_SEND_GOODS', 1, 1);
    expect(await youzanUnfillable.tell(shop, notice(afterSale))).toMatchObject({ ok: false, code: 'not_cancellable', retryable: false });
    expect(sim.refunds.filter((r) => r.tid === shipped || r.tid === afterSale)).toEqual([]);
    expect(await pulled(shipped)).toMatchObject({ status: 'SHIPPED' });
  });

  it('maps an unknown trade to not_found, not retryable', async () => {
    expect(await youzanUnfillable.tell(shop, notice('E20251113000009999999999'))).toMatchObject({ ok: false, code: 'not_found', retryable: false });
  });

  it('maps the gateway rate limit to rate_limited and a 502 to retryable; the retry with the same key refunds once', async () => {
    const tid = trade();
    sim.failNextRefund('rate-limit');
    expect(await youzanUnfillable.tell(shop, notice(tid))).toMatchObject({ ok: false, code: 'rate_limited', retryable: true });
    sim.failNextRefund('server-error');
    expect(await youzanUnfillable.tell(shop, notice(tid))).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 502') });
    expect(sim.trade(tid)?.full_order_info.order_info.status).toBe('WAIT_SELLER_SEND_GOODS');
    expect(await youzanUnfillable.tell(shop, notice(tid))).toMatchObject({ ok: true, value: { alreadyDone: false } });
    expect(sim.refunds.filter((r) => r.tid === tid)).toHaveLength(1);
  });

  it('a wrong client_secret gets no token, and an unknown token is refused (4203): not retryable, nothing refunded', async () => {
    const tid = trade();
    expect(await youzanUnfillable.tell({ ...shop, shopId: 'yz-wrong', secret: 'not-the-secret' }, notice(tid))).toMatchObject({ ok: false, retryable: false });
    const stale = { ...shop, credentials: { ...shop.credentials, accessToken: 'revoked' } };
    expect(await youzanUnfillable.tell(stale, notice(tid))).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('4203') });
    expect(sim.refunds.filter((r) => r.tid === tid)).toEqual([]);
    expect(sim.calls.filter((c) => c.path === SELLER_REFUND_PATH && c.ok)).toHaveLength(sim.refunds.length);
  });
});
