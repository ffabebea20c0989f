import { WECHAT_ERRCODES } from '../../connectors/wechat/ship.js';
import { WECHAT_STOCK_ERRCODES } from '../../connectors/wechat/stock.js';

/** errcode/errmsg answers, as WeChat's global error code list words them. 47001 for a bad range is UNVERIFIED. */
export const SIM_ERRORS = {
  appid: { errcode: 40013, errmsg: 'invalid appid' },
  appsecret: { errcode: 40125, errmsg: 'invalid appsecret' },
  token: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' },
  format: { errcode: 47001, errmsg: 'data format error' },
  notFound: { errcode: 100002, errmsg: 'order not found' },
  // delivery/send: 40097 invalid args is seen in the wild; 45011 is WeChat's minute quota; the two
  // status answers are UNVERIFIED stand-ins (alreadyShipped shared with ship.ts).
  invalidArgs: { errcode: WECHAT_ERRCODES.invalidArgs, errmsg: 'invalid args' },
  rateLimit: { errcode: WECHAT_ERRCODES.minuteQuota, errmsg: 'api minute-quota reach limit' },
  alreadyShipped: { errcode: WECHAT_ERRCODES.alreadyShipped, errmsg: 'order already delivered' },
  statusForbids: { errcode: 10020010, errmsg: 'order status does not allow delivery' },
  // Stock: 10020112 is WeChat's per-SKU frequency limit; the not-found codes come from the older
  // 小商店 stock API; stockShort is an UNVERIFIED stand-in.
  skuFrequency: { errcode: WECHAT_STOCK_ERRCODES.skuFrequency, errmsg: 'sku stock update too frequently' },
  productNotFound: { errcode: WECHAT_STOCK_ERRCODES.productNotFound, errmsg: 'product_id not exist' },
  skuNotFound: { errcode: WECHAT_STOCK_ERRCODES.skuNotFound, errmsg: 'sku not exist' },
  stockShort: { errcode: 10020114, errmsg: 'stock not enough to reduce' },
} as const;
