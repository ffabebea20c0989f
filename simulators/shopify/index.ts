export type { SimCancellation } from './cancel-api.js';
export * from './orders.js';
export * from './push.js';
export * from './server.js';
export { fulfillmentOrderIdOf, type ShipFault, type SimShipment } from './ship-api.js';
