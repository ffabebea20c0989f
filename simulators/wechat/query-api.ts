import type { WechatOrder } from '../../connectors/wechat/payload.js';
import { MAX_RANGE_SECONDS } from '../../connectors/wechat/pull.js';
import { SIM_ERRORS } from './errors.js';
import type { WechatRoute } from './server.js';

/** /channels/ec/order/list/get (update-time range, next_key paging) and /channels/ec/order/get. */
export function queryApi(orders: Map<string, WechatOrder>): WechatRoute[] {
  return [
    {
      path: '/channels/ec/order/list/get',
      handler: (body) => {
        const range = body.update_time_range as { start_time?: unknown; end_time?: unknown } | undefined;
        const start = range?.start_time;
        const end = range?.end_time;
        if (typeof start !== 'number' || typeof end !== 'number' || end < start || end - start >= MAX_RANGE_SECONDS) return SIM_ERRORS.format;
        const pageSize = typeof body.page_size === 'number' ? Math.min(Math.max(body.page_size, 1), 100) : 10;
        const offset = typeof body.next_key === 'string' && /^\d+$/.test(body.next_key) ? Number(body.next_key) : 0;
        const ids = [...orders.values()]
          .filter((o) => o.update_time >= start && o.update_time <= end)
          .sort((a, b) => a.update_time - b.update_time || String(a.order_id).localeCompare(String(b.order_id)))
          .map((o) => String(o.order_id));
        const page = ids.slice(offset, offset + pageSize);
        const hasMore = offset + pageSize < ids.length;
        return { errcode: 0, errmsg: 'ok', order_id_list: page, next_key: String(offset + page.length), has_more: hasMore };
      },
    },
    {
      path: '/channels/ec/order/get',
      handler: (body) => {
        const order = orders.get(String(body.order_id));
        return order ? { errcode: 0, errmsg: 'ok', order } : SIM_ERRORS.notFound;
      },
    },
  ];
}
