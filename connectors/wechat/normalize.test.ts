import { describe, expect, it } from 'vitest';
import { makeWechatOrder, SIM_PII, wechatEventJson } from '../../simulators/wechat/index.js';
import { eventIdOf, type InboundPush, type ShopConfig } from '../contract.js';
import { quoteLongIntegers } from './json-ids.js';
import { normalizeWechat, normalizeWechatEvent, normalizeWechatOrder, skuOf } from './normalize.js';
import { wechatEventSchema, wechatOrderSchema, wechatPayloadSchema } from './payload.js';

const shop: ShopConfig = { channel: 'wechat', shopId: 'wx-flagship', brand: 'Omni Apparel', secret: 'unused' };
const push: InboundPush = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1_758_000_000_321 };

// Hand-written after the /channels/ec/order/get answer documented by WeChat (fields per README).
const documented = wechatOrderSchema.parse(
  JSON.parse(
    quoteLongIntegers(`{
  "order_id": 3704612354559743232, "status": 20, "create_time": 1658505600, "update_time": 1658509200,
  "openid": "${SIM_PII.openid}", "unionid": "${SIM_PII.unionid}",
  "order_detail": {
    "product_infos": [
      {"product_id": "324545", "sku_id": "4234234", "thumb_img": "https://x", "sku_cnt": 2, "sale_price": 1999,
       "title": "T恤", "on_aftersale_sku_cnt": 0, "finish_aftersale_sku_cnt": 0, "sku_code": "TEE-RED-M",
       "market_price": 2999, "real_price": 3798, "out_product_id": "", "out_sku_id": "OUT-TEE-RED-M",
       "sku_deliver_info": {"stock_type": 1, "predict_delivery_time": 1659110400}},
      {"product_id": "324546", "sku_id": "4234235", "sku_cnt": 1, "sale_price": 10, "sku_code": "STICKER", "out_sku_id": ""},
      {"product_id": "324547", "sku_id": "4234236", "sku_cnt": 1, "sale_price": 0, "sku_code": "", "out_sku_id": ""}
    ],
    "pay_info": {"prepay_id": "x", "transaction_id": "4200000000000000000", "pay_time": 1658505630},
    "price_info": {"product_price": 4008, "order_price": 4508, "freight": 500, "discounted_price": 0},
    "delivery_info": {"address_info": {"user_name": "${SIM_PII.userName}", "postal_code": "${SIM_PII.postalCode}",
      "province_name": "广东省", "city_name": "深圳市", "county_name": "${SIM_PII.county}", "detail_info": "${SIM_PII.detailInfo}",
      "national_code": "440305", "tel_number": "${SIM_PII.telNumber}"}},
    "ext_info": {"customer_notes": "${SIM_PII.customerNotes}", "merchant_notes": ""}
  },
  "aftersale_detail": {"on_aftersale_order_cnt": 0, "aftersale_order_list": []}
}`),
  ),
);

describe('normalizeWechatOrder (pulled order)', () => {
  it('maps every canonical field', () => {
    const orderKey = 'wechat:wx-flagship:3704612354559743232';
    expect(normalizeWechatOrder(documented, shop, push)).toEqual({
      ok: true,
      value: {
        eventId: eventIdOf(orderKey, 'PAID', 1658509200_000),
        orderKey,
        channel: 'wechat',
        shopId: 'wx-flagship',
        brand: 'Omni Apparel',
        channelOrderId: '3704612354559743232',
        status: 'PAID',
        channelStatus: '20',
        occurredAt: 1658509200_000,
        receivedAt: 1_758_000_000_321,
        currency: 'CNY',
        totalMinor: 4508,
        lines: [
          { sku: 'OUT-TEE-RED-M', quantity: 2, unitPriceMinor: 1999, itemId: '324545', skuId: '4234234' },
          { sku: 'STICKER', quantity: 1, unitPriceMinor: 10, itemId: '324546', skuId: '4234235' },
          { sku: '4234236', quantity: 1, unitPriceMinor: 0, itemId: '324547', skuId: '4234236' },
        ],
        buyerCountry: 'CN',
        buyerProvince: '广东省',
        buyerCity: '深圳市',
        presale: true,
      },
    });
  });

  it("carries WeChat's product_id and sku_id as the line's itemId and skuId, digits intact, null when absent", () => {
    const order = wechatOrderSchema.parse(
      JSON.parse(
        quoteLongIntegers(
          '{"order_id":1,"status":20,"create_time":1658505600,"update_time":1658505600,"order_detail":{"product_infos":[' +
            '{"product_id":10000000000000000123,"sku_id":20000000000000000456,"sku_cnt":1,"sale_price":1},{"sku_id":"7","sku_cnt":1,"sale_price":1}],' +
            '"price_info":{"order_price":2}}}',
        ),
      ),
    );
    expect(normalizeWechatOrder(order, shop, push)).toMatchObject({
      ok: true,
      value: {
        lines: [
          { itemId: '10000000000000000123', skuId: '20000000000000000456' },
          { itemId: null, skuId: '7' },
        ],
      },
    });
  });

  it('keeps the order id exact beyond 2^53', () => {
    expect(documented.order_id).toBe('3704612354559743232');
  });

  it('keeps names, phones, addresses, openids and notes out of the event', () => {
    const json = JSON.stringify(normalizeWechatOrder(documented, shop, push));
    for (const value of Object.values(SIM_PII)) expect(json).not.toContain(value);
  });

  it('is not presale when no SKU is a presale SKU; region null when absent', () => {
    const o = makeWechatOrder({
      orderId: '1',
      status: 30,
      createTime: 1_658_505_600,
      lines: [{ skuId: '9', count: 1, salePrice: 1 }],
      province: null,
      city: '',
    });
    expect(normalizeWechatOrder(o, shop, push)).toMatchObject({ ok: true, value: { presale: false, buyerProvince: null, buyerCity: null } });
  });

  it.each([
    [
      'a fractional sale_price',
      (o: typeof documented) => {
        o.order_detail.product_infos[0]!.sale_price = 19.99;
      },
      'product_infos[0].sale_price is not a whole non-negative number of fen: 19.99',
    ],
    [
      'a zero sku_cnt',
      (o: typeof documented) => {
        o.order_detail.product_infos[1]!.sku_cnt = 0;
      },
      'product_infos[1].sku_cnt is not a positive whole quantity: 0',
    ],
    [
      'a negative order_price',
      (o: typeof documented) => {
        o.order_detail.price_info.order_price = -5;
      },
      'price_info.order_price is not a whole non-negative number of fen: -5',
    ],
    [
      'update_time in milliseconds',
      (o: typeof documented) => {
        o.update_time = 1658509200000;
      },
      'update_time is not an epoch-seconds time: 1658509200000',
    ],
  ])('rejects %s with a reason', (_label, mutate, reason) => {
    const bad = structuredClone(documented);
    mutate(bad);
    expect(normalizeWechatOrder(bad, shop, push)).toEqual({ ok: false, reason });
  });

  it('skuOf prefers out_sku_id, then sku_code, then sku_id', () => {
    expect(skuOf({ sku_id: '1', out_sku_id: ' O ', sku_code: 'C', sku_cnt: 1, sale_price: 1 })).toBe('O');
    expect(skuOf({ sku_id: '1', out_sku_id: '', sku_code: 'C', sku_cnt: 1, sale_price: 1 })).toBe('C');
    expect(skuOf({ sku_id: 1, sku_cnt: 1, sale_price: 1 })).toBe('1');
  });
});

describe('normalizeWechatEvent (push: order id and transition only)', () => {
  const pay = wechatEventSchema.parse(
    JSON.parse(
      quoteLongIntegers(
        wechatEventJson({ event: 'channels_ec_order_pay', orderId: '3705115058471208928', createTime: 1662480000, info: { pay_time: 1662480000 } }),
      ),
    ),
  );

  it('yields a status-only event: no lines, total 0, no region', () => {
    const orderKey = 'wechat:wx-flagship:3705115058471208928';
    expect(normalizeWechatEvent(pay, shop, push)).toEqual([
      {
        ok: true,
        value: {
          eventId: eventIdOf(orderKey, 'PAID', 1662480000_000),
          orderKey,
          channel: 'wechat',
          shopId: 'wx-flagship',
          brand: 'Omni Apparel',
          channelOrderId: '3705115058471208928',
          status: 'PAID',
          channelStatus: 'channels_ec_order_pay',
          occurredAt: 1662480000_000,
          receivedAt: 1_758_000_000_321,
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
    expect(JSON.stringify(normalizeWechatEvent(pay, shop, push))).not.toContain(SIM_PII.openid);
  });

  it('publishes nothing for known non-status events; rejects events without order_info or with a bad time', () => {
    const base = { ToUserName: 'gh_x', CreateTime: 1662480000, MsgType: 'event' };
    expect(normalizeWechatEvent({ ...base, Event: 'channels_ec_aftersale_update' }, shop, push)).toEqual([]);
    expect(normalizeWechatEvent({ ...base, Event: 'channels_ec_order_ext_info_update', order_info: { order_id: '1' } }, shop, push)).toEqual([]);
    expect(normalizeWechatEvent({ ...base, Event: 'channels_ec_order_pay' }, shop, push)).toEqual([
      { ok: false, reason: 'channels_ec_order_pay has no order_info' },
    ]);
    expect(normalizeWechatEvent({ ...base, CreateTime: 1662480000123, Event: 'channels_ec_order_pay', order_info: { order_id: '1' } }, shop, push)).toEqual([
      { ok: false, reason: 'CreateTime is not an epoch-seconds time: 1662480000123' },
    ]);
  });

  it('routes through normalizeWechat by shape', () => {
    expect(normalizeWechat(wechatPayloadSchema.parse(documented), shop, push)).toMatchObject([{ ok: true, value: { lines: [{}, {}, {}] } }]);
    expect(normalizeWechat(wechatPayloadSchema.parse(pay), shop, push)).toMatchObject([{ ok: true, value: { lines: [] } }]);
  });
});
