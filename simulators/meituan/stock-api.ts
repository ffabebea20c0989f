import { MEITUAN_STOCK_CODES, RETAIL_GET_PATH, SKU_STOCK_PATH } from '../../connectors/meituan/stock.js';
import { json, type ListingStore, type SimResponse, type SimRoute, type WriteOutcome, withStockFault } from '../kit/index.js';
import { ng } from './query-api.js';

/*
 * retail/sku/stock (absolute stock, a batch of food_data) and retail/get on the listing store, for
 * the store the simulator serves. A listing is (app_food_code, sku_id). No idempotency keys, no CAS.
 */
interface FoodData {
  app_food_code?: unknown;
  skus?: Array<{ sku_id?: unknown; stock?: unknown }>;
}

const rateLimit = () => ng(MEITUAN_STOCK_CODES.rateLimited, '超过流量限制');
const serverError: SimResponse = { status: 502, contentType: 'text/html', body: '<html>502 Bad Gateway</html>' };
const code = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** food_data → the listings to set, or why it is malformed. */
function writesOf(raw: string | undefined): Array<{ itemId: string; skuId: string; stock: number }> | string {
  let data: unknown;
  try {
    data = JSON.parse(raw ?? '');
  } catch {
    return 'food_data不是合法的JSON';
  }
  if (!Array.isArray(data) || data.length === 0) return 'food_data不能为空';
  const writes: Array<{ itemId: string; skuId: string; stock: number }> = [];
  for (const food of data as FoodData[]) {
    const itemId = code(food.app_food_code);
    if (!itemId || !Array.isArray(food.skus) || food.skus.length === 0) return 'app_food_code/skus不能为空';
    for (const sku of food.skus) {
      const skuId = code(sku.sku_id);
      const stock = Number(sku.stock);
      if (!skuId || typeof sku.stock !== 'string' || !Number.isSafeInteger(stock) || stock < 0) return 'sku_id/stock不合法';
      writes.push({ itemId, skuId, stock });
    }
  }
  return writes;
}

export function stockApi(listings: ListingStore, appPoiCode: string): SimRoute<Record<string, string>>[] {
  return [
    {
      method: 'POST',
      path: `/api/v1/${SKU_STOCK_PATH}`,
      handler: async (params) => {
        if (params.app_poi_code !== appPoiCode) return ng(MEITUAN_STOCK_CODES.notFound, '门店不存在');
        const writes = writesOf(params.food_data);
        if (typeof writes === 'string') return ng(701, writes);
        if (!listings.admitCall(writes.length === 1 ? `${writes[0]!.itemId}/${writes[0]!.skuId}` : undefined)) return rateLimit();
        // A batch applies what it can; the first refusal is the answer (UNVERIFIED: Meituan may list every one).
        const write = (): WriteOutcome[] => writes.map((w) => listings.set(w.itemId, w.skuId, w.stock));
        const outcome = await withStockFault(listings, write, () => []);
        if ('fault' in outcome) return outcome.fault === 'server-error' ? serverError : rateLimit();
        const refused = outcome.value.find((o) => !o.ok);
        if (refused && !refused.ok) return refused.code === 'not_found' ? ng(MEITUAN_STOCK_CODES.notFound, '商品不存在') : ng(701, '库存不合法');
        return json('{"data":"ok"}');
      },
    },
    {
      method: 'GET',
      path: `/api/v1/${RETAIL_GET_PATH}`,
      handler: (params) => {
        if (params.app_poi_code !== appPoiCode) return ng(MEITUAN_STOCK_CODES.notFound, '门店不存在');
        if (!listings.admitCall()) return rateLimit();
        const itemId = params.app_spu_code ?? params.app_food_code ?? '';
        const skus = listings.all().filter((l) => l.itemId === itemId);
        if (skus.length === 0) return ng(MEITUAN_STOCK_CODES.notFound, '商品不存在');
        return json({ data: { app_poi_code: appPoiCode, app_spu_code: itemId, skus: skus.map((l) => ({ sku_id: l.skuId, stock: String(l.quantity) })) } });
      },
    },
  ];
}
