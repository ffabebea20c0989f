import type { JdOrder } from '../../connectors/jd/payload.js';
import { parseChinaTime } from '../../connectors/jd/timestamp.js';
import type { JosMethods } from './server.js';

/*
 * jingdong.pop.order.enSearch: start_date / end_date (inclusive) on modified (dateType 0) or
 * orderStartTime (dateType 1), order_state list, page / page_size, sortType 0 asc / 1 desc;
 * answer jingdong_pop_order_enSearch_responce.searchorderinfo_result {orderInfoList, orderTotal, apiResult}.
 */
export function queryApi(orders: Map<string, JdOrder>): JosMethods {
  return {
    'jingdong.pop.order.enSearch': (biz) => {
      if (!biz) return { error_response: { code: '61', zh_desc: '参数错误', en_desc: 'Invalid 360buy_param_json' } };
      const start = parseChinaTime('start_date', String(biz.start_date ?? ''));
      const end = parseChinaTime('end_date', String(biz.end_date ?? ''));
      if (!start.ok || !end.ok || end.value < start.value || end.value - start.value > 31 * 86_400_000) {
        return {
          jingdong_pop_order_enSearch_responce: {
            code: '0',
            searchorderinfo_result: {
              apiResult: { success: false, englishErrCode: 'param error', chineseErr: '开始时间和结束时间不得相差超过1个月', numberCode: 10100001 },
              orderInfoList: [],
              orderTotal: 0,
            },
          },
        };
      }
      const states = new Set(
        String(biz.order_state ?? '')
          .split(',')
          .filter(Boolean),
      );
      const byCreation = String(biz.dateType ?? '0') === '1';
      const page = Math.max(1, Number(biz.page ?? 1));
      const pageSize = Math.min(100, Math.max(1, Number(biz.page_size ?? 20)));
      const timeOf = (o: JdOrder) => {
        const t = parseChinaTime('t', byCreation ? o.orderStartTime : o.modified);
        return t.ok ? t.value : Number.NaN;
      };
      const matching = [...orders.values()]
        .filter((o) => (states.size === 0 || states.has(o.orderState)) && timeOf(o) >= start.value && timeOf(o) <= end.value)
        .sort((a, b) => (String(biz.sortType ?? '0') === '1' ? timeOf(b) - timeOf(a) : timeOf(a) - timeOf(b)) || a.orderId.localeCompare(b.orderId));
      return {
        jingdong_pop_order_enSearch_responce: {
          code: '0',
          searchorderinfo_result: {
            apiResult: { success: true, englishErrCode: '', chineseErr: '', numberCode: 10100000 },
            orderInfoList: matching.slice((page - 1) * pageSize, page * pageSize),
            orderTotal: matching.length,
          },
        },
      };
    },
  };
}
