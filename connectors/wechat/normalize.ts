import type { Result } from '../../lib/result.js';
import type { OrderEvent, OrderLine } from '../../topics/schemas/order-event.js';
import { buyerRegion, present } from '../common/fields.js';
import { type InboundPush, type OrderFact, orderEventOf, type ShopConfig } from '../contract.js';
import { isWechatOrder, type WechatEvent, type WechatOrder, type WechatPayload, type WechatProduct } from './payload.js';
import { eventStatusKey, lookupStatus, orderStatusKey } from './status-map.js';

export const WECHAT_CHANNEL = 'wechat';

/** Order events (Event names per the channels_ec_order_* callback docs cited in README). */
export const ORDER_EVENTS: ReadonlySet<string> = new Set([
  'channels_ec_order_new',
  'channels_ec_order_pay',
  'channels_ec_order_wait_shipping',
  'channels_ec_order_deliver',
  'channels_ec_order_cancel',
  'channels_ec_order_confirm',
  'channels_ec_order_settle',
]);
/** Known events that change no order status: acknowledged, nothing published. */
export const IGNORED_EVENTS: ReadonlySet<string> = new Set([
  'channels_ec_order_ext_info_update', // notes/extra info; no status
  'channels_ec_aftersale_update', // after-sale lifecycle; the order's after-sale state comes with pull()
]);

export function normalizeWechat(payload: WechatPayload, shop: ShopConfig, push: InboundPush): Result<OrderEvent>[] {
  if (isWechatOrder(payload)) return [normalizeWechatOrder(payload, shop, push)];
  return normalizeWechatEvent(payload, shop, push);
}

/** Epoch seconds → ms; refuses fractions, negatives, and milliseconds passed as seconds. */
export function secondsToMs(field: string, value: number | undefined): Result<number> {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1e9 || value >= 1e10) {
    return { ok: false, reason: `${field} is not an epoch-seconds time: ${String(value)}` };
  }
  return { ok: true, value: value * 1000 };
}

export function fen(field: string, value: number | undefined): Result<number> {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return { ok: false, reason: `${field} is not a whole non-negative number of fen: ${String(value)}` };
  }
  return { ok: true, value };
}

/** What a message or an order tells; these channels sell in China, in CNY. */
type Fact = Omit<OrderFact, 'currency' | 'buyerCountry'>;

function event(fact: Fact, shop: ShopConfig, push: InboundPush): OrderEvent {
  return orderEventOf(WECHAT_CHANNEL, shop, push, { ...fact, currency: 'CNY', buyerCountry: 'CN' });
}

/**
 * A push event carries the order id and the transition only. It yields a status fact with
 * totalMinor 0, lines [], no region, presale false: "not carried", not "zero". occurredAt is the
 * event's CreateTime. The full order comes from /channels/ec/order/get via pull().
 */
export function normalizeWechatEvent(message: WechatEvent, shop: ShopConfig, push: InboundPush): Result<OrderEvent>[] {
  if (IGNORED_EVENTS.has(message.Event)) return [];
  if (!ORDER_EVENTS.has(message.Event)) return [{ ok: false, reason: `unknown WeChat event "${message.Event}"` }];
  const info = message.order_info;
  if (!info) return [{ ok: false, reason: `${message.Event} has no order_info` }];
  const key = eventStatusKey(message.Event, info.finish_delivery);
  const status = lookupStatus(key);
  if (status === undefined) return [{ ok: false, reason: `unknown WeChat status "${key}"` }];
  const occurredAt = secondsToMs('CreateTime', message.CreateTime);
  if (!occurredAt.ok) return [occurredAt];
  return [
    {
      ok: true,
      value: event(
        {
          channelOrderId: String(info.order_id),
          status,
          channelStatus: key,
          occurredAt: occurredAt.value,
          totalMinor: 0,
          lines: [],
          buyerProvince: null,
          buyerCity: null,
          presale: false,
        },
        shop,
        push,
      ),
    },
  ];
}

/** The stock key: out_sku_id, else the merchant's sku_code, else WeChat's sku_id. */
export function skuOf(product: WechatProduct): string {
  return present(product.out_sku_id) ?? present(product.sku_code) ?? String(product.sku_id);
}

function toLines(products: readonly WechatProduct[]): Result<OrderLine[]> {
  const lines: OrderLine[] = [];
  for (const [index, product] of products.entries()) {
    const price = fen(`product_infos[${index}].sale_price`, product.sale_price);
    if (!price.ok) return price;
    if (!Number.isSafeInteger(product.sku_cnt) || product.sku_cnt <= 0) {
      return { ok: false, reason: `product_infos[${index}].sku_cnt is not a positive whole quantity: ${product.sku_cnt}` };
    }
    lines.push({
      sku: skuOf(product),
      quantity: product.sku_cnt,
      unitPriceMinor: price.value,
      itemId: product.product_id === undefined ? null : String(product.product_id),
      skuId: String(product.sku_id),
    });
  }
  return { ok: true, value: lines };
}

export function normalizeWechatOrder(order: WechatOrder, shop: ShopConfig, push: InboundPush): Result<OrderEvent> {
  const key = orderStatusKey(order.status, order.aftersale_detail?.on_aftersale_order_cnt);
  const status = lookupStatus(key);
  if (status === undefined) return { ok: false, reason: `unknown WeChat status "${key}"` };
  const occurredAt = secondsToMs('update_time', order.update_time);
  if (!occurredAt.ok) return occurredAt;
  const total = fen('price_info.order_price', order.order_detail.price_info.order_price);
  if (!total.ok) return total;
  const lines = toLines(order.order_detail.product_infos);
  if (!lines.ok) return lines;
  return {
    ok: true,
    value: event(
      {
        channelOrderId: String(order.order_id),
        status,
        channelStatus: key,
        occurredAt: occurredAt.value,
        totalMinor: total.value,
        lines: lines.value,
        ...buyerRegion('CN', order.order_detail.delivery_info?.address_info?.province_name, order.order_detail.delivery_info?.address_info?.city_name),
        presale: order.order_detail.product_infos.some((p) => p.sku_deliver_info?.stock_type === 1),
      },
      shop,
      push,
    ),
  };
}
