import type { Schema } from 'avsc';

/** The exact bytes a channel sent, kept for audit and replay. Holds buyer PII: restrict readers. */
export interface RawChannelEvent {
  channel: string;
  shopId: string;
  /** The platform's delivery id when it has one (Shopify: X-Shopify-Webhook-Id). */
  deliveryId: string | null;
  receivedAt: number;
  headers: Record<string, string>;
  body: Buffer;
}

export const rawChannelEventSchema: Schema = {
  type: 'record',
  name: 'RawChannelEvent',
  namespace: 'dev.omnistream.channel',
  fields: [
    { name: 'channel', type: 'string' },
    { name: 'shopId', type: 'string' },
    { name: 'deliveryId', type: ['null', 'string'], default: null },
    { name: 'receivedAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
    { name: 'headers', type: { type: 'map', values: 'string' } },
    { name: 'body', type: 'bytes' },
  ],
};
