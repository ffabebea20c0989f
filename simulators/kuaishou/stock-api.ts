import { type ListingStore, type WriteOutcome, withStockFault } from '../kit/index.js';
import { SIM_ERRORS } from './errors.js';

/*
 * Kuaishou's listing stock on the simulator's ListingStore, behind the open API's sign check:
 * open.item.sku.stock.update {kwaiItemId, skuId, skuChangeStock > 0, changeType 1 add / 2 reduce}
 * and open.item.get {kwaiItemId} → data.skuInfos[] {kwaiSkuId, skuStock}. No idempotency key, as on
 * Kuaishou. Error results are UNVERIFIED stand-ins (errors.ts).
 */
export type StockAnswer = { status: 500 } | { body: { result: number } };

const serverError: StockAnswer = { status: 500 };
const answer = (body: { result: number }): StockAnswer => ({ body });

function parse(param: string | undefined): Record<string, unknown> | undefined {
  try {
    return JSON.parse(param ?? '') as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export async function updateSkuStock(param: string | undefined, store: ListingStore): Promise<StockAnswer> {
  const p = parse(param);
  const change = Number(p?.skuChangeStock);
  if (!p || typeof p.kwaiItemId !== 'number' || typeof p.skuId !== 'number' || !Number.isSafeInteger(change) || change <= 0) {
    return answer(SIM_ERRORS.param);
  }
  if (p.changeType !== 1 && p.changeType !== 2) return answer(SIM_ERRORS.param);
  const itemId = String(p.kwaiItemId);
  const skuId = String(p.skuId);
  if (!store.admitCall(`${itemId}/${skuId}`)) return answer(SIM_ERRORS.rateLimit);
  const outcome = await withStockFault<WriteOutcome>(
    store,
    () => store.increment(itemId, skuId, p.changeType === 1 ? change : -change),
    () => ({ ok: true, quantityAfter: store.get(itemId, skuId)?.quantity ?? 0 }),
  );
  if ('fault' in outcome) return outcome.fault === 'server-error' ? serverError : answer(SIM_ERRORS.rateLimit);
  const done = outcome.value;
  if (done.ok) return answer({ result: 1 });
  return answer(done.code === 'not_found' ? SIM_ERRORS.skuNotFound : SIM_ERRORS.stockShort);
}

export async function itemGet(param: string | undefined, store: ListingStore): Promise<StockAnswer> {
  const p = parse(param);
  if (!p || typeof p.kwaiItemId !== 'number') return answer(SIM_ERRORS.param);
  if (!store.admitCall()) return answer(SIM_ERRORS.rateLimit);
  const itemId = String(p.kwaiItemId);
  const outcome = await withStockFault(
    store,
    () => store.all().filter((l) => l.itemId === itemId),
    () => store.all().filter((l) => l.itemId === itemId),
  );
  if ('fault' in outcome) return outcome.fault === 'server-error' ? serverError : answer(SIM_ERRORS.rateLimit);
  if (outcome.value.length === 0) return answer(SIM_ERRORS.itemNotFound);
  const skuInfos = outcome.value.map((l) => ({ kwaiSkuId: Number(l.skuId), kwaiItemId: Number(l.itemId), skuStock: l.quantity, skuNick: '', isValid: 1 }));
  return answer({ result: 1, data: { kwaiItemId: Number(itemId), title: '模拟商品', skuInfos } } as { result: number });
}
