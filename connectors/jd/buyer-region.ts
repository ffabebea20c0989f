import type { JdConsignee } from './payload.js';

/*
 * The PII boundary: of consigneeInfo only province and city leave the connector. fullname,
 * mobile, telephone, fullAddress (and their encrypt_* twins), county and town stay here.
 */
export interface BuyerRegion {
  buyerCountry: string;
  buyerProvince: string | null;
  buyerCity: string | null;
}

function present(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

export function buyerRegionOf(consignee: JdConsignee | null | undefined): BuyerRegion {
  return { buyerCountry: 'CN', buyerProvince: present(consignee?.province), buyerCity: present(consignee?.city) };
}
