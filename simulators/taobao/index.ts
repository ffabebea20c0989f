export * from './orders.js';
export { type SimMessageState, tmcContent } from './push.js';
export * from './server.js';
export type { ShipFault, SimShipment } from './ship-api.js';
