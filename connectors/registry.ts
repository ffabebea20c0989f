import type { ChannelConnector } from './contract.js';
import { shopify } from './shopify/index.js';

/** Every channel the hub speaks, by name. Adding a channel: its folder, plus one line here. */
export const CONNECTORS: Readonly<Record<string, ChannelConnector<any>>> = {
  shopify,
};
