/**
 * The error shape Kuaishou answers with (result ≠ 1, error_msg, code, msg, sub_code, sub_msg), as
 * captured in SDK comments. The specific result codes below are UNVERIFIED stand-ins.
 */
export const SIM_ERRORS = {
  sign: { result: 28, code: '28', msg: '签名验证失败', error_msg: 'sign verify failed' },
  appkey: { result: 3, code: '3', msg: 'appkey无效', error_msg: 'invalid appkey' },
  token: { result: 24, code: '24', msg: 'access_token无效', error_msg: 'invalid access_token' },
  timestamp: { result: 29, code: '29', msg: '时间戳无效', error_msg: 'timestamp expired' },
  param: { result: 2001, code: '807000', msg: '业务处理失败', error_msg: 'param invalid', sub_code: '2001' },
  method: { result: 4, code: '4', msg: 'method不存在', error_msg: 'unknown method' },
  // Ship (open.seller.order.goods.deliver). 24 AUTHORIZATION_REVOKED is sourced (FAQ K0006);
  // the rest are stand-ins, the retryable ones shared with ship.ts (KUAISHOU_RETRYABLE_RESULTS).
  rateLimit: { result: 803000, code: '803000', msg: '调用频率超限', error_msg: 'api call limit exceeded' },
  orderNotFound: { result: 2001, code: '807000', msg: '业务处理失败', error_msg: 'order not found', sub_code: 'ORDER_NOT_EXIST' },
  notShippable: { result: 2001, code: '807000', msg: '业务处理失败', error_msg: 'order status does not allow delivery', sub_code: 'ORDER_STATUS_ERROR' },
  // Stock (open.item.sku.stock.update, open.item.get): stand-ins.
  skuNotFound: { result: 2001, code: '807000', msg: '业务处理失败', error_msg: 'sku not found', sub_code: 'SKU_NOT_EXIST' },
  itemNotFound: { result: 2001, code: '807000', msg: '业务处理失败', error_msg: 'item not found', sub_code: 'ITEM_NOT_EXIST' },
  stockShort: { result: 2001, code: '807000', msg: '业务处理失败', error_msg: 'stock would fall below zero', sub_code: 'STOCK_NOT_ENOUGH' },
  express: { result: 2001, code: '807000', msg: '业务处理失败', error_msg: 'invalid expressCode or expressNo', sub_code: 'EXPRESS_INVALID' },
} as const;
