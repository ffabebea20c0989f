import type { ShopifyAddress } from './payload.js';

/*
 * The PII boundary: from the whole shipping address (names, street, phone, zip) only the
 * region leaves the connector. Province code first ("KY"), the name ("Kentucky") as fallback,
 * because codes are stable across languages. Blank strings count as absent.
 */
export interface BuyerRegion {
  buyerCountry: string | null;
  buyerProvince: string | null;
  buyerCity: string | null;
}

function present(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

export function buyerRegionOf(address: ShopifyAddress | null | undefined): BuyerRegion {
  return {
    buyerCountry: present(address?.country_code),
    buyerProvince: present(address?.province_code) ?? present(address?.province),
    buyerCity: present(address?.city),
  };
}
