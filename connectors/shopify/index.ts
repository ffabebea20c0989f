import type { ChannelConnector } from '../contract.js';
import { normalizeShopifyOrder, SHOPIFY_CHANNEL } from './normalize.js';
import { type ShopifyOrder, shopifyOrderSchema } from './payload.js';
import { pullShopifyOrders } from './pull.js';
import { shipShopify } from './ship.js';
import { verifyShopDomain, verifyShopifySignature } from './signature.js';
import { statusMap } from './status-map.js';
import { shopifyStock } from './stock.js';
import { shopifyUnfillable } from './unfillable.js';

/** Shopify Order webhooks (orders/create, /updated, /paid, /cancelled, /fulfilled) and the order list for reconciliation. See README.md. */
export const shopify: ChannelConnector<ShopifyOrder> = {
  channel: SHOPIFY_CHANNEL,
  transport: 'webhook',
  payloadSchema: shopifyOrderSchema,
  statusMap,
  // ShopConfig.secret is the app's client secret: Shopify signs every shop's deliveries with it.
  verify: (push, shop) => {
    const signed = verifyShopifySignature(push, shop.secret);
    return signed.ok ? verifyShopDomain(push, shop.shopId) : signed;
  },
  normalize: (order, shop, push) => [normalizeShopifyOrder(order, shop, push)],
  // Reconciliation: GET orders.json by updated_at, Link-header pages (credentials.accessToken).
  pull: (shop, window) => pullShopifyOrders(shop, window),
  // Sync-back: a fulfillment of the order's open fulfillment orders, with tracking (README "Ship").
  ship: (shop, notice) => shipShopify(shop, notice),
  // Stock sync: GraphQL inventory mutations at credentials.locationId (README "Stock").
  stock: shopifyStock,
  // A paid order the hub cannot fill: GraphQL orderCancel, reason INVENTORY, refunded (README "Paid orders the hub cannot fill").
  unfillable: shopifyUnfillable,
};

export type { ShopifyOrder } from './payload.js';
