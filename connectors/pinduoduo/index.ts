import type { ChannelConnector } from '../contract.js';
import { normalizePddOrder, PINDUODUO_CHANNEL } from './normalize.js';
import { type PddOrder, pddOrderSchema } from './payload.js';
import { pullPinduoduo } from './pull.js';
import { shipPinduoduo } from './ship.js';
import { DEFAULT_TOLERANCE_MS, ReplayGuard, verifySourceStamp } from './signature.js';
import { createPddSource, type PddSourceOptions } from './source.js';
import { statusMap } from './status-map.js';
import { pinduoduoStock } from './stock.js';

export interface PinduoduoConnectorOptions {
  /** Accepted age of a source stamp (default ±5 min). */
  toleranceMs?: number;
  source?: PddSourceOptions;
}

/** Pinduoduo over its WebSocket message channel, with pdd.order.information.get for detail. See README.md. */
export function makePinduoduoConnector(options: PinduoduoConnectorOptions = {}): ChannelConnector<PddOrder> {
  const replay = new ReplayGuard(2 * (options.toleranceMs ?? DEFAULT_TOLERANCE_MS));
  return {
    channel: PINDUODUO_CHANNEL,
    transport: 'websocket',
    payloadSchema: pddOrderSchema,
    statusMap,
    // ShopConfig.secret is the app's client_secret: it signs the connection and API calls, and
    // keys the stamp the source puts on each message it received on that connection.
    verify: (push, shop) => verifySourceStamp(push, shop.secret, { toleranceMs: options.toleranceMs, replay }),
    normalize: (order, shop, push) => [normalizePddOrder(order, shop, push)],
    createSource: (shop, sink, log) => createPddSource(shop, sink, log, options.source),
    pull: (shop, window) => pullPinduoduo(shop, window),
    ship: (shop, notice) => shipPinduoduo(shop, notice),
    stock: pinduoduoStock,
  };
}

export const pinduoduo: ChannelConnector<PddOrder> = makePinduoduoConnector();

export type { PddOrder } from './payload.js';
