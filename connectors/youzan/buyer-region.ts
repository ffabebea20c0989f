import type { YouzanAddress } from './payload.js';

/*
 * The PII boundary: from address_info only delivery_province and delivery_city leave the
 * connector. receiver_name, receiver_tel, delivery_address, delivery_postal_code and the whole
 * buyer_info (buyer_phone, nickname, open ids) stay here. No address_info (some message types,
 * virtual goods): region null.
 */
function present(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

export function buyerRegionOf(addr: YouzanAddress | null | undefined) {
  return { buyerCountry: 'CN', buyerProvince: present(addr?.delivery_province), buyerCity: present(addr?.delivery_city) };
}
