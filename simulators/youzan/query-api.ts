import type { YouzanTrade } from '../../connectors/youzan/payload.js';
import { parseChinaTime } from '../../connectors/youzan/timestamp.js';
import type { YouzanRoute } from './server.js';

/** youzan.trades.sold.get 4.0.0: trades updated in [start_update, end_update], paged. */
export function queryApi(trades: Map<string, YouzanTrade>): YouzanRoute[] {
  return [
    {
      path: '/api/youzan.trades.sold.get/4.0.0',
      handler: (body) => {
        const start = parseChinaTime('start_update', body.start_update);
        const end = parseChinaTime('end_update', body.end_update);
        if (!start.ok || !end.ok) return { json: { success: false, code: 50000, message: '参数错误: start_update/end_update', data: null }, ok: false };
        const pageNo = Number(body.page_no ?? 1);
        const pageSize = Math.min(Number(body.page_size ?? 20), 100);
        const inWindow = [...trades.values()]
          .map((t) => ({ t, at: parseChinaTime('u', t.full_order_info.order_info.update_time) }))
          .filter((x) => x.at.ok && x.at.value >= start.value && x.at.value <= end.value)
          .sort(
            (a, b) => (a.at.ok && b.at.ok ? a.at.value - b.at.value : 0) || (a.t.full_order_info.order_info.tid < b.t.full_order_info.order_info.tid ? -1 : 1),
          )
          .map((x) => x.t);
        const page = inWindow.slice((pageNo - 1) * pageSize, pageNo * pageSize);
        return {
          json: { success: true, code: 200, message: 'successful', data: { full_order_info_list: page, total_results: inWindow.length } },
          ok: true,
          pageNo,
        };
      },
    },
  ];
}
