import type { KuaishouOrder } from '../../connectors/kuaishou/payload.js';
import { SIM_ERRORS } from './errors.js';

/** open.order.cursor.list: param {beginTime, endTime, pageSize, cursor, queryType}, paged by an offset cursor until "nomore". */
export function cursorList(param: string | undefined, orders: Map<number, KuaishouOrder>): { body: { result: number }; returned?: number } {
  let query: { beginTime?: unknown; endTime?: unknown; pageSize?: unknown; cursor?: unknown; queryType?: unknown };
  try {
    query = JSON.parse(param ?? '') as typeof query;
  } catch {
    return { body: SIM_ERRORS.param };
  }
  const { beginTime, endTime } = query;
  if (typeof beginTime !== 'number' || typeof endTime !== 'number' || endTime < beginTime) return { body: SIM_ERRORS.param };
  const pageSize = typeof query.pageSize === 'number' ? Math.min(Math.max(query.pageSize, 1), 100) : 10;
  const byCreate = query.queryType === 1;
  const offset = typeof query.cursor === 'string' && /^\d+$/.test(query.cursor) ? Number(query.cursor) : 0;
  const timeOf = (o: KuaishouOrder) => (byCreate ? o.orderBaseInfo.createTime : o.orderBaseInfo.updateTime);
  const matching = [...orders.values()]
    .filter((o) => timeOf(o) >= beginTime && timeOf(o) <= endTime)
    .sort((a, b) => timeOf(a) - timeOf(b) || a.orderBaseInfo.oid - b.orderBaseInfo.oid);
  const page = matching.slice(offset, offset + pageSize);
  const next = offset + pageSize < matching.length ? String(offset + pageSize) : 'nomore';
  return { body: { result: 1, data: { cursor: next, orderList: page, pageSize, beginTime, endTime } } as { result: number }, returned: page.length };
}
