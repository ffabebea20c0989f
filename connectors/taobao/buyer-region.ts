import type { TaobaoTrade } from './payload.js';

/*
 * The PII boundary: of the receiver (name, mobile, phone, street address, zip, buyer nick) only
 * the province (receiver_state) and city leave the connector. Taobao sells to mainland China
 * unless receiver_country says otherwise; TOP leaves receiver_country empty for domestic trades.
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

/** receiver_country values TOP uses for mainland China, or ISO codes passed through. */
function countryOf(value: string | null | undefined): string {
  const c = present(value);
  if (c === null || c === '中国' || c.toUpperCase() === 'CN' || c.toUpperCase() === 'CHINA') return 'CN';
  return /^[A-Za-z]{2}$/.test(c) ? c.toUpperCase() : c;
}

export function buyerRegionOf(trade: TaobaoTrade): BuyerRegion {
  return {
    buyerCountry: countryOf(trade.receiver_country),
    buyerProvince: present(trade.receiver_state),
    buyerCity: present(trade.receiver_city),
  };
}
