import { z } from 'zod';

/*
 * Shopify's Order webhook body (topics orders/create, orders/updated, orders/paid,
 * orders/cancelled, orders/fulfilled all carry the same REST Admin API Order resource).
 *
 * Strict about the fields the hub consumes, lenient about everything else:
 * - loose objects, because the full resource has ~100 fields and Shopify adds more each
 *   API version; an unknown field must never turn a real order into a 400;
 * - status words are plain strings, not enums, so a new Shopify status reaches normalize()
 *   and is dead-lettered with a reason (the contract's "well-formed but unmappable"),
 *   instead of being bounced as malformed;
 * - money stays a string here; its format is checked by normalize() (exact decimal parsing).
 */

/** Shopify's Address object. Every field but the region ones is PII the hub must not forward. */
export const shopifyAddressSchema = z.looseObject({
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  address1: z.string().nullish(),
  phone: z.string().nullish(),
  city: z.string().nullish(),
  province: z.string().nullish(),
  province_code: z.string().nullish(),
  country_code: z.string().nullish(),
  zip: z.string().nullish(),
});

export const shopifyLineItemSchema = z.looseObject({
  id: z.number().int(),
  /** null for custom line items (no product variant behind them). */
  variant_id: z.number().int().nullable(),
  /** The variant's product; null for custom line items (and for products deleted since). */
  product_id: z.number().int().nullish(),
  /** null, or "" when the merchant never set one on the variant. */
  sku: z.string().nullish(),
  quantity: z.number().int().nonnegative(),
  /** Unit price before discounts, shop currency, decimal string ("199.00"). */
  price: z.string(),
});

/** Shopify's Customer object, nested in the order: all PII, kept only so the simulator and tests can prove it never leaks. */
export const shopifyCustomerSchema = z.looseObject({
  id: z.number().int().optional(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
});

export const shopifyOrderSchema = z.looseObject({
  /**
   * Numeric order id. z.int() refuses integers beyond 2^53, so an id JSON.parse has already
   * rounded is rejected rather than silently turned into another order's key.
   */
  id: z.number().int().positive(),
  /** Shop-facing order name ("#1001"); not unique across shops, so never used as a key. */
  name: z.string(),
  /** ISO-8601 with the shop's UTC offset ("2024-11-10T10:30:00-05:00"). */
  created_at: z.string(),
  updated_at: z.string(),
  cancelled_at: z.string().nullable(),
  closed_at: z.string().nullish(),
  /** Shop currency (ISO 4217); total_price and line prices are in this currency. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as "USD"'),
  /** Lines + shipping + taxes + tips − discounts, shop currency, decimal string. */
  total_price: z.string(),
  financial_status: z.string().nullable(),
  fulfillment_status: z.string().nullable(),
  line_items: z.array(shopifyLineItemSchema),
  /** Absent or null when nothing needs shipping (digital goods, some POS sales). */
  shipping_address: shopifyAddressSchema.nullish(),
  customer: shopifyCustomerSchema.nullish(),
  /** Comma-separated tags ("presale, VIP"); "" when none. */
  tags: z.string().optional(),
});

export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;
export type ShopifyLineItem = z.infer<typeof shopifyLineItemSchema>;
export type ShopifyAddress = z.infer<typeof shopifyAddressSchema>;
