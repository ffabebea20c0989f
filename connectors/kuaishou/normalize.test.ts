import { describe, expect, it } from 'vitest';
import { makeKuaishouMessage, makeKuaishouOrder, SIM_PII } from '../../simulators/kuaishou/index.js';
import { eventIdOf, type InboundPush, type ShopConfig } from '../contract.js';
import { listingOf, normalizeKuaishou, normalizeKuaishouMessage, normalizeKuaishouOrder, skuOf } from './normalize.js';
import { kuaishouMessageSchema, kuaishouOrderSchema, kuaishouPayloadSchema } from './payload.js';

const shop: ShopConfig = { channel: 'kuaishou', shopId: 'ks-flagship', brand: 'Omni Apparel', secret: 'unused', credentials: { appKey: 'ks1' } };
const push: InboundPush = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1_773_751_000_123 };

// Hand-written after the open.order.cursor.list element documented in the SDK structs (README).
const documentedOrder = kuaishouOrderSchema.parse({
  orderBaseInfo: {
    oid: 2215900041470428,
    payTime: 1654661152607,
    buyerNick: 'D**',
    sellerOpenId: 'f198e61793ab2da214bf5724a6dece4f',
    sellerNick: 'PRO个性定制',
    expressFee: 500,
    discountFee: 0,
    totalFee: 2500,
    status: 30,
    sendTime: 0,
    refundTime: 0,
    createTime: 1654661142714,
    updateTime: 1656390182523,
    remark: SIM_PII.remark,
    preSale: 1,
    recvTime: 0,
    coType: 0,
    buyerOpenId: SIM_PII.buyerOpenId,
  },
  orderItemInfo: {
    skuId: 888390671925,
    relSkuId: 0,
    skuDesc: '按压式真空酒塞',
    skuNick: 'WINE-STOPPER-01',
    itemId: 888390669925,
    relItemId: 541831153308,
    itemTitle: '保鲜可抽真空红酒塞',
    num: 2,
    originalPrice: 1000,
    discountFee: 0,
    price: 1000,
  },
  orderAddress: {
    consignee: SIM_PII.consignee,
    mobile: SIM_PII.mobile,
    address: SIM_PII.address,
    provinceCode: 110000,
    province: '北京市',
    cityCode: 110100,
    city: '北京市',
    districtCode: 110105,
    district: '朝阳区',
    encryptedConsignee: SIM_PII.encryptedConsignee,
    encryptedMobile: SIM_PII.encryptedMobile,
    encryptedAddress: SIM_PII.encryptedAddress,
  },
  orderRefundList: [],
});

describe('normalizeKuaishouOrder (pulled order)', () => {
  it('maps every canonical field', () => {
    const orderKey = 'kuaishou:ks-flagship:2215900041470428';
    expect(normalizeKuaishouOrder(documentedOrder, shop, push)).toEqual({
      ok: true,
      value: {
        eventId: eventIdOf(orderKey, 'PAID', 1656390182523),
        orderKey,
        channel: 'kuaishou',
        shopId: 'ks-flagship',
        brand: 'Omni Apparel',
        channelOrderId: '2215900041470428',
        status: 'PAID',
        channelStatus: '30',
        occurredAt: 1656390182523,
        receivedAt: 1_773_751_000_123,
        currency: 'CNY',
        totalMinor: 2500,
        lines: [{ sku: 'WINE-STOPPER-01', quantity: 2, unitPriceMinor: 1000, itemId: '888390669925', skuId: '888390671925' }],
        buyerCountry: 'CN',
        buyerProvince: '北京市',
        buyerCity: '北京市',
        presale: true,
      },
    });
  });

  it('keeps names, phones, addresses, nicknames, open ids and remarks out of the event', () => {
    const json = JSON.stringify([
      normalizeKuaishouOrder(documentedOrder, shop, push),
      normalizeKuaishouOrder(
        makeKuaishouOrder({
          oid: 1,
          status: 40,
          skuId: 5,
          num: 1,
          price: 1,
          createTime: 1_700_000_000_000,
        }),
        shop,
        push,
      ),
    ]);
    for (const value of Object.values(SIM_PII)) expect(json).not.toContain(value);
    expect(json).not.toContain('朝阳区');
  });

  it('names the listing sold: itemId and skuId as digit strings, itemId null when the order lacks it', () => {
    expect(listingOf({ skuId: 888390671925, itemId: 888390669925, num: 1, price: 1 })).toEqual({ itemId: '888390669925', skuId: '888390671925' });
    expect(listingOf({ skuId: 888390671925, num: 1, price: 1 })).toEqual({ itemId: null, skuId: '888390671925' });
  });

  it('falls back to the Kuaishou skuId when the merchant SKU code is blank', () => {
    expect(skuOf({ skuId: 888390671925, skuNick: '  ', num: 1, price: 1 })).toBe('888390671925');
    expect(skuOf({ skuId: 888390671925, skuNick: null, num: 1, price: 1 })).toBe('888390671925');
  });

  it('leaves the region null when the address has none', () => {
    const order = makeKuaishouOrder({ oid: 7, status: 30, skuId: 5, num: 1, price: 1, createTime: 1_700_000_000_000, province: null, city: ' ' });
    expect(normalizeKuaishouOrder(order, shop, push)).toMatchObject({ ok: true, value: { buyerProvince: null, buyerCity: null, buyerCountry: 'CN' } });
  });

  it.each([
    [{ totalFee: 19.99 }, 'orderBaseInfo.totalFee is not a whole non-negative number of fen: 19.99'],
    [{ totalFee: -1 }, 'orderBaseInfo.totalFee is not a whole non-negative number of fen: -1'],
    [{ updateTime: 1656390182 }, 'orderBaseInfo.updateTime is not an epoch-millisecond time: 1656390182'], // seconds, not ms
  ])('rejects malformed base %j with a reason', (patch, reason) => {
    const bad = { ...documentedOrder, orderBaseInfo: { ...documentedOrder.orderBaseInfo, ...patch } };
    expect(normalizeKuaishouOrder(bad, shop, push)).toEqual({ ok: false, reason });
  });

  it.each([
    [{ price: 9.9 }, 'orderItemInfo.price is not a whole non-negative number of fen: 9.9'],
    [{ num: 0 }, 'orderItemInfo.num is not a positive whole quantity: 0'],
    [{ num: 1.5 }, 'orderItemInfo.num is not a positive whole quantity: 1.5'],
  ])('rejects malformed item %j with a reason', (patch, reason) => {
    const bad = { ...documentedOrder, orderItemInfo: { ...documentedOrder.orderItemInfo, ...patch } };
    expect(normalizeKuaishouOrder(bad, shop, push)).toEqual({ ok: false, reason });
  });
});

describe('normalizeKuaishouMessage (push: ids, status and time only)', () => {
  const paid = kuaishouMessageSchema.parse(
    makeKuaishouMessage({
      event: 'kwaishop_order_paySuccess',
      appKey: 'ks1',
      userId: 2161524184,
      createTime: 1_773_750_943_589,
      info: { oid: 2607602240240301, sellerId: 2161524184, status: 30, updateTime: 1_773_750_942_999 },
    }),
  );

  it('yields a status-only event: no lines, total 0, no region (the push does not carry them)', () => {
    const orderKey = 'kuaishou:ks-flagship:2607602240240301';
    expect(normalizeKuaishouMessage(paid, shop, push)).toEqual([
      {
        ok: true,
        value: {
          eventId: eventIdOf(orderKey, 'PAID', 1_773_750_942_999),
          orderKey,
          channel: 'kuaishou',
          shopId: 'ks-flagship',
          brand: 'Omni Apparel',
          channelOrderId: '2607602240240301',
          status: 'PAID',
          channelStatus: '30',
          occurredAt: 1_773_750_942_999,
          receivedAt: 1_773_751_000_123,
          currency: 'CNY',
          totalMinor: 0,
          lines: [],
          buyerCountry: 'CN',
          buyerProvince: null,
          buyerCity: null,
          presale: false,
        },
      },
    ]);
  });

  it('gives the same event id as the pulled order when Kuaishou reports the same updateTime', () => {
    const pulled = makeKuaishouOrder({
      oid: 2607602240240301,
      status: 30,
      skuId: 1,
      num: 1,
      price: 1,
      createTime: 1_773_750_900_000,
      updateTime: 1_773_750_942_999,
    });
    const [fromPush] = normalizeKuaishouMessage(paid, shop, push);
    const fromPull = normalizeKuaishouOrder(pulled, shop, push);
    if (!fromPush?.ok || !fromPull.ok) throw new Error('expected both to normalize');
    expect(fromPush.value.eventId).toBe(fromPull.value.eventId);
  });

  it("maps kwaishop_order_addOrder (no status) to CREATED at the order's createTime", () => {
    const added = kuaishouMessageSchema.parse(
      JSON.parse(
        '{"eventId":"243_4027_2375715766426","msgId":"84_2375715766425","bizId":2607602240240301,"userId":2161524184,"openId":"f1b68e8f2a4995ed14bf57245903fd9a","appKey":"ks699183844582124027","event":"kwaishop_order_addOrder","info":"{\\"oid\\":2607602240240301,\\"sellerId\\":2161524184,\\"createTime\\":1773750942425,\\"customizedInfo\\":{\\"customizedItemType\\":0,\\"customizedUrl\\":\\"\\",\\"customizedCode\\":\\"\\"},\\"openId\\":\\"Nb8oPhmFTcwPpYcJdfRnTr70nlt1u2eTFhvicWXG13P\\",\\"buyerOpenId\\":\\"f1b68e8f2a4995ed14bf572415fe3aff\\"}","status":2,"createTime":1773750943589,"updateTime":1773750945776,"operator":"2323245113"}',
      ),
    );
    const [result] = normalizeKuaishouMessage(added, shop, push);
    expect(result).toMatchObject({
      ok: true,
      value: { status: 'CREATED', channelStatus: '10', occurredAt: 1773750942425, channelOrderId: '2607602240240301' },
    });
    expect(JSON.stringify(result)).not.toContain('f1b68e8f2a4995ed14bf572415fe3aff');
  });

  it('publishes nothing for console test messages and known non-status messages', () => {
    const base = { appKey: 'ks1', userId: 1, createTime: 1_773_750_943_589, info: { oid: 5 } };
    expect(
      normalizeKuaishouMessage(kuaishouMessageSchema.parse(makeKuaishouMessage({ ...base, event: 'kwaishop_order_paySuccess', test: true })), shop, push),
    ).toEqual([]);
    expect(normalizeKuaishouMessage(kuaishouMessageSchema.parse(makeKuaishouMessage({ ...base, event: 'kwaishop_order_totalFeeChange' })), shop, push)).toEqual(
      [],
    );
  });

  it('dead-letters unknown events and order messages missing their status, id or time', () => {
    const base = { appKey: 'ks1', userId: 1, createTime: 1_773_750_943_589 };
    const norm = (event: string, info: Record<string, unknown>, bizId?: number) =>
      normalizeKuaishouMessage(kuaishouMessageSchema.parse(makeKuaishouMessage({ ...base, event, info, ...(bizId ? { bizId } : {}) })), shop, push);
    expect(norm('kwaishop_order_somethingNew', { oid: 5 })).toEqual([{ ok: false, reason: 'unknown Kuaishou event "kwaishop_order_somethingNew"' }]);
    expect(norm('kwaishop_order_paySuccess', { oid: 5, updateTime: 1_773_750_943_000 })).toEqual([
      { ok: false, reason: 'kwaishop_order_paySuccess message has no info.status' },
    ]);
    expect(norm('kwaishop_order_paySuccess', { status: 30, updateTime: 1_773_750_943_000 })).toEqual([
      { ok: false, reason: 'kwaishop_order_paySuccess message has neither info.oid nor bizId' },
    ]);
    expect(norm('kwaishop_order_paySuccess', { oid: 5, status: 30 })).toEqual([
      { ok: false, reason: 'info.updateTime is not an epoch-millisecond time: undefined' },
    ]);
    expect(norm('kwaishop_order_paySuccess', { oid: 5, status: 30, updateTime: 1 }, 6)).toEqual([
      { ok: false, reason: 'kwaishop_order_paySuccess message: info.oid 5 differs from bizId 6' },
    ]);
    expect(norm('kwaishop_order_paySuccess', { oid: 5, status: 0, updateTime: 1_773_750_943_000 })).toEqual([
      { ok: false, reason: 'unknown Kuaishou status "0"' },
    ]);
  });

  it('routes through normalizeKuaishou by shape', () => {
    expect(normalizeKuaishou(kuaishouPayloadSchema.parse(documentedOrder), shop, push)).toHaveLength(1);
    expect(
      normalizeKuaishou(
        kuaishouPayloadSchema.parse(
          makeKuaishouMessage({
            event: 'kwaishop_order_paySuccess',
            appKey: 'a',
            userId: 1,
            createTime: 1,
            info: { oid: 5, status: 30, updateTime: 1_773_750_943_000 },
          }),
        ),
        shop,
        push,
      ),
    ).toMatchObject([{ ok: true, value: { status: 'PAID', lines: [] } }]);
  });
});
