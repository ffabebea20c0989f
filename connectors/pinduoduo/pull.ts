import type { ShopConfig } from '../contract.js';
import { callPdd, type PddCallOptions } from './api.js';

/*
 * Reconciliation over pdd.order.number.list.increment.get: orders updated in [from, to), in
 * windows of at most 30 minutes (the API's limit), all order and refund states (5 = all),
 * 100 per page. PDD's own advice against missed orders is to page from the LAST page back to
 * the first (orders updated during paging move to the end), so the first call only learns
 * total_count and the pages are then read last to first. Bounds are epoch seconds; windows may
 * overlap by a second: ingestion is idempotent, repeats are harmless.
 */
const MAX_WINDOW_MS = 30 * 60_000;
const PAGE_SIZE = 100;

interface IncrementPage {
  total_count?: number;
  order_sn_list?: unknown[];
}

export async function* pullPinduoduo(shop: ShopConfig, window: { from: Date; to: Date }, opts: PddCallOptions = {}): AsyncIterable<unknown> {
  for (let start = window.from.getTime(); start < window.to.getTime(); start += MAX_WINDOW_MS) {
    const end = Math.min(start + MAX_WINDOW_MS, window.to.getTime());
    const page = async (n: number): Promise<IncrementPage> => {
      const json = await callPdd(
        shop,
        'pdd.order.number.list.increment.get',
        {
          start_updated_at: String(Math.floor(start / 1000)),
          end_updated_at: String(Math.floor(end / 1000)),
          order_status: '5',
          refund_status: '5',
          is_lucky_flag: '0',
          page: String(n),
          page_size: String(PAGE_SIZE),
        },
        opts,
      );
      const body = json.order_sn_increment_get_response as IncrementPage | undefined;
      if (!body) throw new Error('PDD pdd.order.number.list.increment.get: unexpected response shape');
      return body;
    };
    const first = await page(1);
    const pages = Math.ceil((first.total_count ?? 0) / PAGE_SIZE);
    if (pages <= 1) {
      yield* first.order_sn_list ?? [];
      continue;
    }
    for (let n = pages; n >= 1; n--) yield* (await page(n)).order_sn_list ?? [];
  }
}
