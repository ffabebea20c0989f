export type { YouzanSimRefund } from './cancel-api.js';
export * from './orders.js';
export * from './push.js';
export * from './server.js';
export { SIM_EXPRESS_IDS, type YouzanSimFault, type YouzanSimShipment } from './ship-api.js';
