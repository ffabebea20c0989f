import type { ChannelConnector } from '../contract.js';
import { normalizeTaobaoTrade, TAOBAO_CHANNEL } from './normalize.js';
import { type TaobaoTrade, taobaoTradeSchema } from './payload.js';
import { pullTaobao } from './pull.js';
import { shipTaobao } from './ship.js';
import { DEFAULT_TOLERANCE_MS, ReplayGuard, verifySourceStamp } from './signature.js';
import { createTaobaoSource, type TaobaoSourceOptions } from './source.js';
import { statusMap } from './status-map.js';
import { taobaoStock } from './stock.js';

export interface TaobaoConnectorOptions {
  /** Accepted age of a source stamp (default ±5 min). */
  toleranceMs?: number;
  source?: TaobaoSourceOptions;
}

/** Taobao/Tmall over TMC (WebSocket) with taobao.trade.fullinfo.get for detail. See README.md. */
export function makeTaobaoConnector(options: TaobaoConnectorOptions = {}): ChannelConnector<TaobaoTrade> {
  const replay = new ReplayGuard(2 * (options.toleranceMs ?? DEFAULT_TOLERANCE_MS));
  return {
    channel: TAOBAO_CHANNEL,
    transport: 'websocket',
    payloadSchema: taobaoTradeSchema,
    statusMap,
    // ShopConfig.secret is the app secret: it signs the TMC connection and API calls, and keys
    // the stamp the source puts on each message it received on that connection.
    verify: (push, shop) => verifySourceStamp(push, shop.secret, { toleranceMs: options.toleranceMs, replay }),
    normalize: (trade, shop, push) => [normalizeTaobaoTrade(trade, shop, push)],
    createSource: (shop, sink, log) => createTaobaoSource(shop, sink, log, options.source),
    pull: (shop, window) => pullTaobao(shop, window),
    ship: (shop, notice) => shipTaobao(shop, notice),
    stock: taobaoStock,
  };
}

export const taobao: ChannelConnector<TaobaoTrade> = makeTaobaoConnector();

export type { TaobaoTrade } from './payload.js';
