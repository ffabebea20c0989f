import type { PddOrder } from '../../connectors/pinduoduo/payload.js';
import { parseChinaTime } from '../../connectors/pinduoduo/timestamp.js';
import type { RouterTypes } from './server.js';

/**
 * pdd.order.information.get, and pdd.order.number.list.increment.get (updated-time window of at
 * most 30 min, paging, total_count, has_next).
 */
export function queryApi(orders: Map<string, PddOrder>): RouterTypes {
  return {
    'pdd.order.information.get': (params) => {
      const order = params.order_sn ? orders.get(params.order_sn) : undefined;
      if (!order) return { code: 50000, msg: '订单不存在' };
      return JSON.stringify({ order_info_get_response: { order_info: order } });
    },
    'pdd.order.number.list.increment.get': (params) => {
      const start = Number(params.start_updated_at);
      const end = Number(params.end_updated_at);
      if (!Number.isInteger(start) || !Number.isInteger(end) || end < start || end - start > 30 * 60)
        return { code: 10000, msg: '参数错误: 时间跨度不能超过30分钟' };
      const page = Number(params.page ?? '1');
      const size = Number(params.page_size ?? '100');
      if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 100) return { code: 10000, msg: '参数错误: page/page_size' };
      const at = (o: PddOrder) => {
        const r = parseChinaTime('updated_at', o.updated_at);
        return r.ok ? r.value / 1000 : Number.NaN;
      };
      const matching = [...orders.values()].filter((o) => at(o) >= start && at(o) <= end).sort((a, b) => at(a) - at(b) || (a.order_sn < b.order_sn ? -1 : 1));
      return JSON.stringify({
        order_sn_increment_get_response: {
          total_count: matching.length,
          has_next: page * size < matching.length,
          order_sn_list: matching.slice((page - 1) * size, page * size),
        },
      });
    },
  };
}
