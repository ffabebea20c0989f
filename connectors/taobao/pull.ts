import type { ShopConfig } from '../contract.js';
import { callTop, type TopCallOptions, TRADE_FIELDS } from './api.js';
import { formatChinaTime } from './timestamp.js';

/*
 * Reconciliation over taobao.trades.sold.increment.get: trades modified in [from, to), in
 * windows of at most one day (the API's limit), pages of 100 with use_has_next=true. Bounds are
 * whole seconds in China time; a window may overlap the previous one by a second: downstream
 * ingestion is idempotent (deterministic event ids), so repeats are harmless.
 */
const MAX_WINDOW_MS = 24 * 3600_000;
const PAGE_SIZE = 100;

export async function* pullTaobao(shop: ShopConfig, window: { from: Date; to: Date }, opts: TopCallOptions = {}): AsyncIterable<unknown> {
  for (let start = window.from.getTime(); start < window.to.getTime(); start += MAX_WINDOW_MS) {
    const end = Math.min(start + MAX_WINDOW_MS, window.to.getTime());
    for (let page = 1; ; page++) {
      const json = await callTop(
        shop,
        'taobao.trades.sold.increment.get',
        {
          fields: TRADE_FIELDS,
          start_modified: formatChinaTime(start),
          end_modified: formatChinaTime(end),
          page_no: String(page),
          page_size: String(PAGE_SIZE),
          use_has_next: 'true',
        },
        opts,
      );
      const body = json.trades_sold_increment_get_response as { trades?: { trade?: unknown[] }; has_next?: boolean } | undefined;
      if (!body) throw new Error('TOP taobao.trades.sold.increment.get: unexpected response shape');
      for (const trade of body.trades?.trade ?? []) yield trade;
      if (!body.has_next) break;
    }
  }
}
