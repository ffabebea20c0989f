import type { DouyinAddress } from './payload.js';

/*
 * The PII boundary. From the receiver (post_receiver, post_tel, post_addr.detail/street and their
 * encrypt_* twins) only the province and city names leave the connector. Douyin sends region
 * names in clear even when the detail is encrypted; mask_post_addr is the fallback.
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

export function buyerRegionOf(addr: DouyinAddress | null | undefined, masked?: DouyinAddress | null): BuyerRegion {
  const province = present(addr?.province?.name) ?? present(masked?.province?.name);
  const city = present(addr?.city?.name) ?? present(masked?.city?.name);
  return { buyerCountry: 'CN', buyerProvince: province, buyerCity: city };
}
