/*
 * Shopify orders as the simulator stores and sends them. Shopify's servers cannot be reached from
 * here, so the connector, gateway and demos are exercised with payloads built to match what
 * Shopify documents and sends (see connectors/shopify/README.md for the sources and what is
 * unverified).
 *
 * Payloads carry realistic, obviously fake personal data (names, phone, street, email, IP)
 * precisely so tests can prove none of it reaches the canonical event.
 */
import { createHash } from 'node:crypto';
import { decimalToMinor, minorToDecimal, minorUnitExponent } from '../../connectors/shopify/money.js';
import type { ShopifyLineItem, ShopifyOrder } from '../../connectors/shopify/payload.js';
import { must } from '../kit/index.js';

export type FinancialStatus = 'pending' | 'authorized' | 'partially_paid' | 'paid' | 'partially_refunded' | 'refunded' | 'voided' | 'expired';
export type FulfillmentStatus = 'partial' | 'fulfilled' | 'restocked' | null;

/** The fake personal data every simulated order carries; tests assert none of it leaks. */
export const SIM_PII = {
  firstName: 'Marisol',
  lastName: 'Quennell-Abara',
  email: 'marisol.quennell@example.com',
  phone: '+1-555-0142',
  address1: '742 Evergreen Terrace',
  address2: 'Apt 3B',
  zip: '40202',
  browserIp: '203.0.113.77',
} as const;

export interface SimLine {
  /** Omit, null or "" to simulate a variant without a SKU. */
  sku?: string | null;
  /** null simulates a custom line item (no variant). Defaults to a number derived from the order id. */
  variantId?: number | null;
  /** Default: 7000000000000 + the line's index (null for a custom line item). */
  productId?: number;
  quantity: number;
  /** Unit price, decimal string in the shop currency ("19.99"). */
  price: string;
  title?: string;
}

export interface SimOrderOptions {
  id: number;
  lines: SimLine[];
  /** Shipping region; null simulates an order with no shipping address (digital goods). */
  province?: { name: string; code: string | null } | null;
  city?: string;
  countryCode?: string;
  createdAt: Date;
  currency?: string;
  /** Shipping charge, decimal string; added into total_price as Shopify does. */
  shipping?: string;
  tags?: string[];
  /** Order number shown to the merchant ("#1001"). */
  number?: number;
  /** The shop's UTC offset in minutes; Shopify renders timestamps in shop-local time. */
  utcOffsetMinutes?: number;
}

/** "2024-11-10T10:30:00-05:00": Shopify's format, whole seconds, shop-local offset. */
export function formatShopifyTime(date: Date, utcOffsetMinutes: number): string {
  const local = new Date(Math.floor(date.getTime() / 1000) * 1000 + utcOffsetMinutes * 60_000);
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return local.toISOString().slice(0, 19) + offset;
}

/** Reads the offset back from a Shopify timestamp so later updates stay in the shop's zone. */
function offsetMinutesOf(timestamp: string): number {
  const match = /([+-])(\d{2}):(\d{2})$/.exec(timestamp);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const money = (amount: string, exponent: number) => must(decimalToMinor(amount, exponent));

export function makeShopifyOrder(opts: SimOrderOptions): ShopifyOrder {
  const currency = opts.currency ?? 'USD';
  const exponent = minorUnitExponent(currency);
  const offset = opts.utcOffsetMinutes ?? -300;
  const created = formatShopifyTime(opts.createdAt, offset);
  const number = opts.number ?? 1001;
  const province = opts.province === undefined ? { name: 'Kentucky', code: 'KY' } : opts.province;

  const lineItems: ShopifyLineItem[] = opts.lines.map((line, i) => ({
    id: opts.id * 10 + i + 1,
    admin_graphql_api_id: `gid://shopify/LineItem/${opts.id * 10 + i + 1}`,
    variant_id: line.variantId === undefined ? 40_000_000_000_000 + (opts.id % 1_000_000) * 100 + i : line.variantId,
    product_id: line.variantId === null ? null : (line.productId ?? 7_000_000_000_000 + i),
    sku: line.sku === undefined ? null : line.sku,
    title: line.title ?? `Product ${i + 1}`,
    name: line.title ?? `Product ${i + 1}`,
    quantity: line.quantity,
    current_quantity: line.quantity,
    fulfillable_quantity: line.quantity,
    fulfillment_status: null,
    fulfillment_service: 'manual',
    price: line.price,
    price_set: {
      shop_money: { amount: line.price, currency_code: currency },
      presentment_money: { amount: line.price, currency_code: currency },
    },
    total_discount: minorToDecimal(0, exponent),
    requires_shipping: province !== null,
    taxable: true,
    gift_card: false,
    grams: 250,
    vendor: 'Omnistream Test Brand',
    properties: [],
    tax_lines: [],
    discount_allocations: [],
    duties: [],
  }));

  const subtotal = opts.lines.reduce((sum, l) => sum + money(l.price, exponent) * l.quantity, 0);
  const shipping = money(opts.shipping ?? minorToDecimal(0, exponent), exponent);
  const fmt = (minor: number) => minorToDecimal(minor, exponent);

  const address =
    province === null
      ? null
      : {
          first_name: SIM_PII.firstName,
          last_name: SIM_PII.lastName,
          name: `${SIM_PII.firstName} ${SIM_PII.lastName}`,
          company: null,
          address1: SIM_PII.address1,
          address2: SIM_PII.address2,
          phone: SIM_PII.phone,
          city: opts.city ?? 'Louisville',
          province: province.name,
          province_code: province.code,
          country: 'United States',
          country_code: opts.countryCode ?? 'US',
          zip: SIM_PII.zip,
          latitude: 38.2527,
          longitude: -85.7585,
        };

  return {
    id: opts.id,
    admin_graphql_api_id: `gid://shopify/Order/${opts.id}`,
    name: `#${number}`,
    number: number - 1000,
    order_number: number,
    token: digest(`token|${opts.id}`).slice(0, 32),
    email: SIM_PII.email,
    contact_email: SIM_PII.email,
    phone: SIM_PII.phone,
    browser_ip: SIM_PII.browserIp,
    created_at: created,
    updated_at: created,
    processed_at: created,
    cancelled_at: null,
    cancel_reason: null,
    closed_at: null,
    confirmed: true,
    test: false,
    currency,
    presentment_currency: currency,
    subtotal_price: fmt(subtotal),
    total_line_items_price: fmt(subtotal),
    total_discounts: fmt(0),
    total_tax: fmt(0),
    total_price: fmt(subtotal + shipping),
    current_total_price: fmt(subtotal + shipping),
    total_outstanding: fmt(subtotal + shipping),
    taxes_included: false,
    financial_status: 'pending',
    fulfillment_status: null,
    gateway: 'manual',
    payment_gateway_names: ['manual'],
    source_name: 'web',
    note: `Leave with ${SIM_PII.firstName} at the side door`,
    note_attributes: [],
    tags: (opts.tags ?? []).join(', '),
    line_items: lineItems,
    shipping_lines: province === null ? [] : [{ title: 'Standard', code: 'Standard', price: fmt(shipping) }],
    shipping_address: address,
    billing_address: address === null ? null : { ...address },
    customer: {
      id: 6_000_000_000_000 + (opts.id % 1_000_000),
      email: SIM_PII.email,
      phone: SIM_PII.phone,
      first_name: SIM_PII.firstName,
      last_name: SIM_PII.lastName,
      state: 'enabled',
      verified_email: true,
      tags: '',
      currency,
      default_address: address === null ? null : { ...address, id: 8_000_000_000_000 + (opts.id % 1_000_000), default: true },
    },
    fulfillments: [],
    refunds: [],
    discount_codes: [],
  };
}

/** The order as Shopify would re-send it after a payment or fulfillment change at updatedAt. */
export function withStatus(
  order: ShopifyOrder,
  financial: FinancialStatus | (string & {}),
  fulfillment: FulfillmentStatus | (string & {}),
  updatedAt: Date,
): ShopifyOrder {
  const shipped = (i: number) => fulfillment === 'fulfilled' || (fulfillment === 'partial' && i === 0);
  return {
    ...order,
    financial_status: financial,
    fulfillment_status: fulfillment,
    updated_at: formatShopifyTime(updatedAt, offsetMinutesOf(order.created_at)),
    line_items: order.line_items.map((line, i) => ({
      ...line,
      fulfillment_status: shipped(i) ? 'fulfilled' : null,
      fulfillable_quantity: shipped(i) ? 0 : line.quantity,
    })),
  };
}

/** A merchant cancellation: Shopify sets cancelled_at, closes the order, and adjusts payment. */
export function withCancellation(
  order: ShopifyOrder,
  cancelledAt: Date,
  financial: FinancialStatus | (string & {}) = 'voided',
  reason: 'customer' | 'fraud' | 'inventory' | 'declined' | 'other' = 'customer',
): ShopifyOrder {
  const at = formatShopifyTime(cancelledAt, offsetMinutesOf(order.created_at));
  return { ...order, financial_status: financial, cancelled_at: at, closed_at: at, cancel_reason: reason, updated_at: at };
}
