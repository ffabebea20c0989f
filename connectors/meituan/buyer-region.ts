/*
 * The PII boundary. recipient_address is one free-text string (street, building, sometimes a
 * reverse-geocoded suffix after "@#"), and recipient_name / recipient_phone are personal: none of
 * them is parsed or forwarded. A region is only taken from recipient_address_detail, a separate
 * JSON field {province, city, area, town, detail_address} that Meituan sends for medical B2C
 * orders; from it only province and city are read. Otherwise province and city are null.
 * city_id is Meituan's internal number, not a city name, and is not used.
 */
export interface BuyerRegion {
  buyerCountry: string;
  buyerProvince: string | null;
  buyerCity: string | null;
}

function present(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

export function buyerRegionOf(addressDetail: string | undefined): BuyerRegion {
  const region: BuyerRegion = { buyerCountry: 'CN', buyerProvince: null, buyerCity: null };
  if (!addressDetail?.trim()) return region;
  let parsed: unknown;
  try {
    parsed = JSON.parse(addressDetail);
  } catch {
    return region; // unreadable region is no region; the order itself is still valid
  }
  if (typeof parsed !== 'object' || parsed === null) return region;
  const record = parsed as Record<string, unknown>;
  return { buyerCountry: 'CN', buyerProvince: present(record.province), buyerCity: present(record.city) };
}
