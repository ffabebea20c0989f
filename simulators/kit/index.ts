import type { Result } from '../../lib/result.js';

export { FaultQueue, type ShipFault } from './faults.js';
export { type ListingChange, type ListingState, ListingStore, type StockFault, type WriteOutcome, withStockFault } from './listings.js';
export { MessageQueue } from './message-queue.js';
export { deliverWithRetries, type SimulatedPush, toInboundPush } from './push.js';
export { formParams, json, type SimHandler, type SimRequest, type SimResponse, type SimRoute, type SimServer, startSimServer } from './server.js';

/** The value of a fixture computation that cannot fail on the simulator's own inputs. */
export function must<T>(outcome: Result<T>): T {
  if (!outcome.ok) throw new Error(`simulator: ${outcome.reason}`);
  return outcome.value;
}
