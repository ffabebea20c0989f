import { describe, expect, it } from 'vitest';
import { makeTaobaoTrade, SIM_PII, topJson, withStatus } from '../../simulators/taobao/index.js';
import { eventIdOf, type InboundPush, type ShopConfig } from '../contract.js';
import { yuanToFen } from './money.js';
import { normalizeTaobaoTrade } from './normalize.js';
import { taobaoTradeSchema } from './payload.js';
import { parseChinaTime } from './timestamp.js';

const shop: ShopConfig = { channel: 'taobao', shopId: 'tb-omni', brand: 'Omni', secret: 'app-secret-123' };
const push: InboundPush = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1_762_800_000_000 };

const created = makeTaobaoTrade({
  tid: '4123456789012345678',
  lines: [
    { outerSkuId: 'TEE-RED-M', skuId: '5123', num: 2, price: '19.99' },
    { outerSkuId: null, skuId: '5124', num: 1, price: '0.10' },
    { outerSkuId: null, skuId: null, outerIid: 'MUG-01', num: 3, price: '12.50' },
  ],
  createdAt: new Date('2025-11-10T16:00:05Z'),
  province: '广东省',
  city: '深圳市',
  postFee: '8.00',
});
const paid = withStatus(created, 'WAIT_SELLER_SEND_GOODS', new Date('2025-11-10T16:03:00Z'));

/** Through TOP's own JSON (raw 19-digit numbers) and the schema, as the gateway would see it. */
function parsed(trade = paid) {
  return taobaoTradeSchema.parse(JSON.parse(topJson(trade)));
}

describe('normalizeTaobaoTrade', () => {
  it('builds every canonical field from a realistic trade', () => {
    const result = normalizeTaobaoTrade(parsed(), shop, push);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const occurredAt = Date.parse('2025-11-10T16:03:00Z');
    const orderKey = 'taobao:tb-omni:4123456789012345678';
    expect(result.value).toEqual({
      eventId: eventIdOf(orderKey, 'PAID', occurredAt),
      orderKey,
      channel: 'taobao',
      shopId: 'tb-omni',
      brand: 'Omni',
      channelOrderId: '4123456789012345678',
      status: 'PAID',
      channelStatus: 'WAIT_SELLER_SEND_GOODS',
      occurredAt,
      receivedAt: 1_762_800_000_000,
      currency: 'CNY',
      totalMinor: 3998 + 10 + 3750 + 800,
      lines: [
        { sku: 'TEE-RED-M', quantity: 2, unitPriceMinor: 1999, itemId: '600000000000', skuId: '5123' },
        { sku: '5124', quantity: 1, unitPriceMinor: 10, itemId: '600000000001', skuId: '5124' },
        // An item without SKUs is its own listing: skuId is num_iid again.
        { sku: 'MUG-01', quantity: 3, unitPriceMinor: 1250, itemId: '600000000002', skuId: '600000000002' },
      ],
      buyerCountry: 'CN',
      buyerProvince: '广东省',
      buyerCity: '深圳市',
      presale: false,
    });
  });

  it('uses tid_str: the raw numeric tid has been rounded by JSON.parse', () => {
    const json = JSON.parse(topJson(paid)) as { tid: number; tid_str: string };
    expect(String(json.tid)).not.toBe('4123456789012345678');
    const noStr = taobaoTradeSchema.parse({ ...json, tid_str: undefined });
    expect(normalizeTaobaoTrade(noStr, shop, push)).toEqual({ ok: false, reason: `tid ${json.tid} is not an exact id and there is no tid_str` });
    const small = taobaoTradeSchema.parse({ ...json, tid: 123456789, tid_str: undefined });
    expect(normalizeTaobaoTrade(small, shop, push)).toMatchObject({ ok: true, value: { channelOrderId: '123456789' } });
    const disagree = taobaoTradeSchema.parse({ ...json, tid: 123456789 });
    expect(normalizeTaobaoTrade(disagree, shop, push).ok).toBe(false);
  });

  it('names the listing sold: num_iid and sku_id as exact strings', () => {
    const trade = makeTaobaoTrade({
      tid: '4123456789012345999',
      lines: [{ numIid: 712345678901, skuId: '5234567890123', num: 1, price: '1.00' }],
      createdAt: new Date(),
    });
    const result = normalizeTaobaoTrade(parsed(withStatus(trade, 'WAIT_SELLER_SEND_GOODS', new Date())), shop, push);
    expect(result).toMatchObject({ ok: true, value: { lines: [{ sku: '5234567890123', itemId: '712345678901', skuId: '5234567890123' }] } });
  });

  it('never lets receiver or buyer PII into the event', () => {
    const result = normalizeTaobaoTrade(parsed(), shop, push);
    const text = JSON.stringify(result);
    expect(JSON.stringify(parsed())).toContain(SIM_PII.receiverName);
    for (const value of Object.values(SIM_PII)) expect(text).not.toContain(value);
    expect(text).not.toContain('西湖区');
  });

  it('flags presale (step) trades', () => {
    const step = makeTaobaoTrade({
      tid: '4123456789012345600',
      step: true,
      lines: [{ outerSkuId: 'PRE', num: 1, price: '10.00' }],
      createdAt: new Date('2025-10-20T12:00:00Z'),
    });
    expect(normalizeTaobaoTrade(parsed(step), shop, push)).toMatchObject({ ok: true, value: { presale: true, status: 'CREATED' } });
  });

  it('same trade version → same eventId; a new version → a new one', () => {
    const a = normalizeTaobaoTrade(parsed(), shop, { ...push, receivedAt: 1 });
    const b = normalizeTaobaoTrade(parsed(), shop, { ...push, receivedAt: 2 });
    const c = normalizeTaobaoTrade(parsed(withStatus(paid, 'WAIT_SELLER_SEND_GOODS', new Date('2025-11-10T18:00:00Z'))), shop, push);
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (a.ok && b.ok && c.ok) {
      expect(a.value.eventId).toBe(b.value.eventId);
      expect(c.value.eventId).not.toBe(a.value.eventId);
    }
  });

  it('rejects malformed money, time, quantity and lines with a reason', () => {
    const p = parsed();
    expect(normalizeTaobaoTrade({ ...p, payment: '12.345' }, shop, push)).toEqual({
      ok: false,
      reason: 'payment: money amount "12.345" has more than 2 decimal places',
    });
    expect(normalizeTaobaoTrade({ ...p, payment: '-1.00' }, shop, push)).toEqual({ ok: false, reason: 'payment: malformed money amount "-1.00"' });
    expect(normalizeTaobaoTrade({ ...p, modified: '2025-11-10T16:03:00Z' }, shop, push).ok).toBe(false);
    expect(normalizeTaobaoTrade({ ...p, modified: '2025-02-30 10:00:00' }, shop, push)).toEqual({
      ok: false,
      reason: 'modified is not a real time: "2025-02-30 10:00:00"',
    });
    const lines = p.orders.order;
    expect(normalizeTaobaoTrade({ ...p, orders: { order: [{ ...lines[0]!, num: 0 }] } }, shop, push)).toEqual({
      ok: false,
      reason: 'orders[0].num is not a positive integer: 0',
    });
    expect(normalizeTaobaoTrade({ ...p, orders: { order: [{ ...lines[0]!, price: '1e3' }] } }, shop, push)).toEqual({
      ok: false,
      reason: 'orders[0].price: malformed money amount "1e3"',
    });
    expect(
      normalizeTaobaoTrade({ ...p, orders: { order: [{ ...lines[0]!, outer_sku_id: ' ', sku_id: null, outer_iid: null, num_iid: undefined }] } }, shop, push),
    ).toEqual({ ok: false, reason: 'orders[0] has no outer_sku_id, sku_id, outer_iid or num_iid' });
    expect(normalizeTaobaoTrade({ ...p, orders: { order: [] } }, shop, push)).toEqual({ ok: false, reason: 'trade has no orders' });
  });
});

describe('money and time helpers', () => {
  it('converts yuan strings to fen exactly', () => {
    expect(yuanToFen('0.10')).toEqual({ ok: true, value: 10 });
    expect(yuanToFen('19.99')).toEqual({ ok: true, value: 1999 });
    expect(yuanToFen('100')).toEqual({ ok: true, value: 10000 });
    expect(yuanToFen('1.5')).toEqual({ ok: true, value: 150 });
    expect(yuanToFen('1.000')).toEqual({ ok: true, value: 100 });
    expect(yuanToFen('1.001').ok).toBe(false);
    expect(yuanToFen('').ok).toBe(false);
    expect(yuanToFen('1,000.00').ok).toBe(false);
    expect(yuanToFen('99999999999999999.00').ok).toBe(false);
  });

  it('reads China wall-clock time as UTC+08:00', () => {
    expect(parseChinaTime('t', '2025-11-11 00:00:05')).toEqual({ ok: true, value: Date.parse('2025-11-10T16:00:05Z') });
    expect(parseChinaTime('t', '2025-11-11 00:00:05+08:00').ok).toBe(false);
  });
});
