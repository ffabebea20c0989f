import type { YouzanTrade } from '../../connectors/youzan/payload.js';
import type { ListingStore } from '../kit/index.js';
import { makeYouzanTrade, withYouzanStatus } from './orders.js';

let nextTid = 0;
const SIM_UNIT_PRICE_FEN = 990;

/** A numeric id as Youzan writes it (JSON number); ids it cannot keep exactly stay strings. */
const asYouzanId = (id: string) => (Number.isSafeInteger(Number(id)) ? Number(id) : id);

/**
 * A buyer buys from a listing: only while it shows stock; the trade is paid at once
 * (WAIT_SELLER_SEND_GOODS). A listing whose SKU id is its item id is an item without SKUs (sku_id 0).
 */
export function sellListing(
  listings: ListingStore,
  trades: Map<string, YouzanTrade>,
  sale: { itemId: string; skuId: string; quantity: number; outerSku?: string },
): string | null {
  if (!listings.sell(sale.itemId, sale.skuId, sale.quantity)) return null;
  const tid = `E2026${String(nextTid++).padStart(19, '0')}`;
  const now = new Date();
  const trade = makeYouzanTrade({
    tid,
    createdAt: now,
    lines: [
      {
        itemId: asYouzanId(sale.itemId),
        skuId: sale.skuId === sale.itemId ? 0 : asYouzanId(sale.skuId),
        outerSkuId: sale.outerSku,
        quantity: sale.quantity,
        priceFen: SIM_UNIT_PRICE_FEN,
      },
    ],
  });
  trades.set(tid, withYouzanStatus(trade, 'WAIT_SELLER_SEND_GOODS', now));
  return tid;
}
