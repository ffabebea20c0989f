import type { DouyinShopOrder } from './payload.js';

/*
 * Presale, from the query API only (pushes do not say): any sku order with pre_sale_type 1 (全款预售)
 * or 2 (阶梯发货), or trade_type 2 (定金预售) / 3 (订金找货), or a non-empty order_phase_list
 * (deposit phases). Values from order_searchList_response.go.
 */
export function isPresale(order: DouyinShopOrder): boolean {
  if ((order.order_phase_list?.length ?? 0) > 0) return true;
  return order.sku_order_list.some((s) => (s.pre_sale_type ?? 0) > 0 || s.trade_type === 2 || s.trade_type === 3);
}
