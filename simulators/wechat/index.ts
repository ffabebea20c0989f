export { SIM_AFTERSALE_ERRORS, type WechatSimAftersale } from './cancel-api.js';
export { SIM_ERRORS } from './errors.js';
export * from './orders.js';
export * from './push.js';
export * from './server.js';
export { SIM_DELIVERY_IDS, type WechatSimFault, type WechatSimShipment } from './ship-api.js';
