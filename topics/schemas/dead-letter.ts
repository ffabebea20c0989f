import type { Schema } from 'avsc';

/** Input the hub could not use, with the reason: nothing is dropped silently (Kafka Connect DLQ). */
export interface DeadLetter {
  /** Which component gave up: "gateway:shopify", "processor:inventory", … */
  source: string;
  reason: string;
  channel: string | null;
  shopId: string | null;
  key: string | null;
  payload: Buffer;
  occurredAt: number;
}

export const deadLetterSchema: Schema = {
  type: 'record',
  name: 'DeadLetter',
  namespace: 'dev.omnistream.ops',
  fields: [
    { name: 'source', type: 'string' },
    { name: 'reason', type: 'string' },
    { name: 'channel', type: ['null', 'string'], default: null },
    { name: 'shopId', type: ['null', 'string'], default: null },
    { name: 'key', type: ['null', 'string'], default: null },
    { name: 'payload', type: 'bytes' },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
  ],
};
