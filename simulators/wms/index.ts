export type { SimScan, SimShipment, SimShipmentState } from './floor.js';
export * from './server.js';
