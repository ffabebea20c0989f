import { buyerRegion } from '../common/fields.js';

/*
 * The PII boundary. recipient_address is one free-text string (street, building, sometimes a
 * reverse-geocoded suffix after "@#"), and recipient_name / recipient_phone are personal: none of
 * them is parsed or forwarded. A region is only taken from recipient_address_detail, a separate
 * JSON field {province, city, area, town, detail_address} that Meituan sends for medical B2C
 * orders; from it only province and city are read. Otherwise province and city are null.
 * city_id is Meituan's internal number, not a city name, and is not used.
 */
export function buyerRegionOf(addressDetail: string | undefined) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(addressDetail ?? '');
  } catch {
    parsed = null; // unreadable region is no region; the order itself is still valid
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return buyerRegion('CN', text(record.province), text(record.city));
}
