import type { YouzanFullOrderInfo } from './payload.js';

/*
 * Presale: order_tags.is_down_payment_pre (deposit presale, channels.md) or any line with
 * is_pre_sale set. Youzan renders flags as true/false, 1/0 or "1"/"0" depending on the API, so
 * all three are read (UNVERIFIED which one each message uses).
 */
function truthy(flag: unknown): boolean {
  return flag === true || flag === 1 || flag === '1' || flag === 'true';
}

export function isPresale(info: YouzanFullOrderInfo): boolean {
  if (truthy(info.order_info.order_tags?.is_down_payment_pre) || truthy(info.order_info.order_tags?.is_pre_sale)) return true;
  return (info.orders ?? []).some((line) => truthy(line.is_pre_sale));
}
