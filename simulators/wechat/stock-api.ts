import { STOCK_GET_PATH, STOCK_UPDATE_PATH } from '../../connectors/wechat/stock.js';
import { type ListingStore, type WriteOutcome, withStockFault } from '../kit/index.js';
import { SIM_ERRORS } from './errors.js';
import type { WechatRoute } from './server.js';

/*
 * /channels/ec/product/stock/update (diff_type 1 add, 2 reduce, 3 set) and /stock/get on the
 * listing store. No idempotency key exists on this API, so none is honoured.
 */
const ok = { errcode: 0, errmsg: 'ok' };
const id = (value: unknown) => (typeof value === 'string' && /^\d+$/.test(value) ? value : typeof value === 'number' ? String(value) : undefined);

function refusal(outcome: WriteOutcome, listings: ListingStore, productId: string) {
  if (outcome.ok) return ok;
  if (outcome.code === 'not_found') return listings.all().some((l) => l.itemId === productId) ? SIM_ERRORS.skuNotFound : SIM_ERRORS.productNotFound;
  if (outcome.code === 'negative') return SIM_ERRORS.stockShort;
  return SIM_ERRORS.invalidArgs;
}

export function stockApi(listings: ListingStore): WechatRoute[] {
  return [
    {
      path: STOCK_UPDATE_PATH,
      handler: async (body) => {
        const productId = id(body.product_id);
        const skuId = id(body.sku_id);
        const num = body.num;
        const diffType = body.diff_type;
        if (!productId || !skuId || typeof num !== 'number' || !Number.isSafeInteger(num) || num < 0) return SIM_ERRORS.invalidArgs;
        if (diffType !== 1 && diffType !== 2 && diffType !== 3) return SIM_ERRORS.invalidArgs;
        if (!listings.admitCall(`${productId}/${skuId}`)) return SIM_ERRORS.skuFrequency;
        const write = (): WriteOutcome =>
          diffType === 3 ? listings.set(productId, skuId, num) : listings.increment(productId, skuId, diffType === 1 ? num : -num);
        const outcome = await withStockFault(listings, write, () => ({ ok: true, quantityAfter: 0 }) as WriteOutcome);
        if ('fault' in outcome) return outcome.fault === 'server-error' ? 'server-error' : SIM_ERRORS.skuFrequency;
        return refusal(outcome.value, listings, productId);
      },
    },
    {
      path: STOCK_GET_PATH,
      handler: (body) => {
        const productId = id(body.product_id);
        const skuId = id(body.sku_id);
        if (!productId || !skuId) return SIM_ERRORS.invalidArgs;
        if (!listings.admitCall()) return SIM_ERRORS.rateLimit;
        const listing = listings.get(productId, skuId);
        if (!listing) return listings.all().some((l) => l.itemId === productId) ? SIM_ERRORS.skuNotFound : SIM_ERRORS.productNotFound;
        return { ...ok, data: { normal_stock_num: listing.quantity, warehouse_stocks: [], total_stock_num: listing.quantity } };
      },
    },
  ];
}
