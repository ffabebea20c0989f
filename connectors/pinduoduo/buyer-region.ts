import type { PddOrder } from './payload.js';

/*
 * The PII boundary: of the receiver (name, phone, address, receiver_address, buyer_memo) only
 * province and city leave the connector. PDD ships within mainland China (country "中国"); any
 * other country value is passed through as given.
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

export function buyerRegionOf(order: PddOrder): BuyerRegion {
  const country = present(order.country);
  return {
    buyerCountry: country === null || country === '中国' || country.toUpperCase() === 'CN' ? 'CN' : country,
    buyerProvince: present(order.province),
    buyerCity: present(order.city),
  };
}
