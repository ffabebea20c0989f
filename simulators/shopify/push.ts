import type { ShopifyOrder } from '../../connectors/shopify/payload.js';
import { HMAC_HEADER, signShopifyBody } from '../../connectors/shopify/signature.js';
import type { SimulatedPush } from '../kit/index.js';
import { digest } from './orders.js';

export { type SimulatedPush, toInboundPush } from '../kit/index.js';

export type ShopifyOrderTopic = 'orders/create' | 'orders/updated' | 'orders/paid' | 'orders/cancelled' | 'orders/fulfilled';

/** Webhook API version the simulated subscription is pinned to. */
export const SIM_API_VERSION = '2025-07';

/** Deterministic 8-4-4-4-12 hex id: the same input always yields the same id. */
function uuidLike(text: string): string {
  const h = digest(text);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * One webhook delivery, with the headers Shopify sends. Ids are derived from the order
 * version, so a redelivery of the same change carries the same X-Shopify-Webhook-Id, as a
 * Shopify retry does.
 */
export function shopifyPush(order: ShopifyOrder, topic: ShopifyOrderTopic, secret: string, shopDomain: string): SimulatedPush {
  const body = JSON.stringify(order);
  return {
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': topic,
      [HMAC_HEADER]: signShopifyBody(body, secret),
      'X-Shopify-Shop-Domain': shopDomain,
      'X-Shopify-API-Version': SIM_API_VERSION,
      'X-Shopify-Webhook-Id': uuidLike(`webhook|${shopDomain}|${order.id}|${topic}|${order.updated_at}`),
      // One merchant action (same order version) fans out to several topics under one event id.
      'X-Shopify-Event-Id': uuidLike(`event|${shopDomain}|${order.id}|${order.updated_at}`),
      'X-Shopify-Triggered-At': new Date(Date.parse(order.updated_at)).toISOString(),
    },
    body,
  };
}
