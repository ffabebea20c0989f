export type { CancelFault, SimOrderDelete } from './cancel-api.js';
export * from './orders.js';
export * from './server.js';
export type { ShipFault, SimShipment } from './ship-api.js';
export type { JosStockMethods } from './stock-api.js';
