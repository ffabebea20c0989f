export { SIM_ERRORS } from './errors.js';
export * from './orders.js';
export * from './push.js';
export * from './server.js';
export { type KuaishouSimFault, type KuaishouSimShipment, SIM_EXPRESS_CODES } from './ship-api.js';
