import { defineProcessor } from '../../lib/processor/definition.js';
import { CONNECTORS } from '../registry.js';
import { PushIngestor } from './ingest.js';
import { PushPublisher } from './publisher.js';
import { type ShopDirectory, shopsEnv, shopsOf } from './shops.js';

/**
 * Channels that are not pushed over HTTP (WebSocket message channels, polled APIs) feed the same
 * ingest path as the webhooks from a source per shop, acknowledging the platform only once stored.
 */
export const channelSources = defineProcessor({
  name: 'channel-sources',
  part: 'gateway',
  kind: 'source',
  summary: 'WebSocket message channels (Taobao TMC, Pinduoduo) and polled APIs (JD): one source per shop, acknowledged once stored',
  inputs: {},
  outputs: {
    channelRaw: 'writes every message as received',
    orderEvents: 'writes the canonical events normalized from each message',
    deadLetter: 'dead-letters messages that are authentic but cannot be mapped',
  },
  stores: [{ prefix: 'gw', kind: 'redis', holds: "the gateway's dedupe of stored events (shared ingest path)" }],
  env: shopsEnv,
  options: (env, inputs) => ({ shops: shopsOf(env, inputs) }),
  async start(ctx, opts: { shops: ShopDirectory }) {
    const ingestor = new PushIngestor(new PushPublisher((batch) => ctx.publishBatch(batch)), ctx.redis, ctx.namespace);
    for (const shop of opts.shops.all()) {
      const connector = CONNECTORS[shop.channel];
      if (!connector?.createSource) continue;
      const source = connector.createSource(
        shop,
        { ingest: (push) => ingestor.ingest(connector, shop, push) },
        ctx.log.child({ channel: shop.channel, shopId: shop.shopId }),
      );
      await source.start();
      ctx.onStop(() => source.stop());
    }
    return {};
  },
});
