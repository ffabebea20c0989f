import type { TaobaoTrade } from '../../connectors/taobao/payload.js';
import { parseChinaTime } from '../../connectors/taobao/timestamp.js';
import { topJson } from './orders.js';
import type { TopMethods } from './server.js';

/*
 * The order query methods: taobao.trade.fullinfo.get, and taobao.trades.sold.increment.get
 * (modified-time window of at most a day, paging, has_next). The `fields` parameter is not
 * honoured: every answer carries the full trade, receiver PII included, so the PII tests test something.
 */
export function queryApi(trades: Map<string, TaobaoTrade>): TopMethods {
  return {
    'taobao.trade.fullinfo.get': (params) => {
      const trade = params.tid ? trades.get(params.tid) : undefined;
      if (!trade) return { code: 15, msg: 'Remote service error', sub: 'isv.trade-not-exist' };
      return topJson({ trade_fullinfo_get_response: { trade } });
    },
    'taobao.trades.sold.increment.get': (params) => {
      const start = parseChinaTime('start_modified', params.start_modified ?? '');
      const end = parseChinaTime('end_modified', params.end_modified ?? '');
      if (!start.ok || !end.ok) return { code: 40, msg: 'Missing Required Arguments', sub: 'isv.missing-parameter:start_modified/end_modified' };
      if (end.value < start.value || end.value - start.value > 24 * 3600_000)
        return { code: 41, msg: 'Invalid Arguments', sub: 'isv.invalid-parameter:time range exceeds one day' };
      const page = Number(params.page_no ?? '1');
      const size = Number(params.page_size ?? '40');
      if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 100)
        return { code: 41, msg: 'Invalid Arguments', sub: 'isv.invalid-parameter:page' };
      const matching = [...trades.values()]
        .map((t) => ({ t, at: parseChinaTime('modified', t.modified) }))
        .filter((x) => x.at.ok && x.at.value >= start.value && x.at.value <= end.value)
        .sort((a, b) => (a.at.ok && b.at.ok ? a.at.value - b.at.value : 0) || (a.t.tid_str! < b.t.tid_str! ? -1 : 1))
        .map((x) => x.t);
      const slice = matching.slice((page - 1) * size, page * size);
      return topJson({
        trades_sold_increment_get_response: {
          total_results: matching.length,
          has_next: page * size < matching.length,
          trades: { trade: slice },
        },
      });
    },
  };
}
