import type { OrderEvent } from '../../topics/schemas/order-event.js';

/** A platform field's text, trimmed; blank (or absent) is undefined, so `??` falls through to the next candidate. */
export function present(value: string | number | null | undefined): string | undefined {
  const trimmed = value === null || value === undefined ? '' : String(value).trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The PII boundary every connector shares: of the buyer's address only country, province and city
 * leave it (names, phones, streets, zip codes stay behind). Blank values count as absent.
 */
export function buyerRegion(
  country: string | null,
  province: string | null | undefined,
  city: string | null | undefined,
): Pick<OrderEvent, 'buyerCountry' | 'buyerProvince' | 'buyerCity'> {
  return { buyerCountry: country, buyerProvince: present(province) ?? null, buyerCity: present(city) ?? null };
}
