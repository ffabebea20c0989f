import type { DouyinShopOrder } from '../../connectors/douyin/payload.js';
import { withBareIds } from './orders.js';

/** What an API method answers: the body, its code and (order.searchList) the page, for the call log. */
export interface DouyinAnswer {
  body: unknown;
  code: number;
  page?: number;
  /** An HTTP status other than 200: the body is then plain text (a gateway error). */
  status?: number;
}

/** Douyin's error envelope (code values UNVERIFIED, shape from BaseDoudianOpApiResponse). */
export function apiError(code: number, msg: string, subCode: string, subMsg: string): DouyinAnswer {
  return { code, body: { code, msg, sub_code: subCode, sub_msg: subMsg, log_id: 'SIMLOG0000000000000000', data: null } };
}

/** order.searchList: param_json {update_time_start, update_time_end, page (from 0), size}, answered with bare int64 ids. */
export function searchList(paramJson: string, orders: Map<string, DouyinShopOrder>): DouyinAnswer {
  let params: { update_time_start?: number; update_time_end?: number; page?: number; size?: number };
  try {
    params = JSON.parse(paramJson);
  } catch {
    return apiError(40002, '参数错误', 'isv.parameter-invalid', 'param_json');
  }
  const page = params.page ?? 0;
  const size = Math.min(params.size ?? 10, 100);
  const start = params.update_time_start ?? 0;
  const end = params.update_time_end ?? Number.MAX_SAFE_INTEGER;
  const matching = [...orders.values()]
    .filter((o) => o.update_time >= start && o.update_time <= end)
    .sort((a, b) => a.update_time - b.update_time || (a.order_id < b.order_id ? -1 : 1));
  const slice = matching.slice(page * size, page * size + size);
  const body = {
    code: 10000,
    msg: 'success',
    sub_code: '',
    sub_msg: '',
    log_id: 'SIMLOG0000000000000001',
    data: { page, size, total: matching.length, shop_order_list: slice },
  };
  return { body: withBareIds(body, ['sku_id', 'product_id', 'shop_id']), code: 10000, page };
}
