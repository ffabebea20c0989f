export type { MeituanSimCancellation } from './cancel-api.js';
export * from './orders.js';
export * from './push.js';
export { renderOrderDetailJson } from './query-api.js';
export * from './server.js';
export { type MeituanSimFault, type MeituanSimShipment, SIM_LOGISTICS_PROVIDERS } from './ship-api.js';
