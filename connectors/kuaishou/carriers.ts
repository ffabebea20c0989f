import type { Result } from '../../lib/result.js';
import type { CarrierCode, ShopConfig } from '../contract.js';

/*
 * Our carrier codes → Kuaishou express company codes (`expressCode`, an integer, of
 * open.seller.order.goods.deliver). Kuaishou publishes the list on its "快递公司code" page, which
 * could not be read from here: the defaults below are UNVERIFIED stand-ins (README "Sync-back").
 * A shop can override them with credentials.expressCodes, JSON such as {"SF":4,"JD":9}, once the
 * real codes are confirmed; an unknown code is refused by Kuaishou (not retryable), never guessed.
 */
export const kuaishouExpressCodes: Readonly<Record<CarrierCode, number>> = Object.freeze({
  SF: 4,
  ZTO: 5,
  YTO: 6,
  JD: 9,
});

/** The code for `carrier`: the shop's override if it names one, else the table. */
export function expressCodeOf(carrier: CarrierCode, shop: ShopConfig): Result<number> {
  const raw = shop.credentials?.expressCodes;
  if (raw !== undefined) {
    let overrides: unknown;
    try {
      overrides = JSON.parse(raw);
    } catch {
      return { ok: false, reason: 'credentials.expressCodes is not JSON' };
    }
    const value =
      typeof overrides === 'object' && overrides !== null && Object.hasOwn(overrides, carrier) ? (overrides as Record<string, unknown>)[carrier] : undefined;
    if (value !== undefined) {
      return Number.isSafeInteger(value) && (value as number) > 0
        ? { ok: true, value: value as number }
        : { ok: false, reason: `credentials.expressCodes.${carrier} is not a positive integer` };
    }
  }
  const code = kuaishouExpressCodes[carrier];
  return code === undefined ? { ok: false, reason: `no Kuaishou express code for carrier ${String(carrier)}` } : { ok: true, value: code };
}
