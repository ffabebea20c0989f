import { SchemaType } from '@kafkajs/confluent-schema-registry';
import type avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicName } from '../topics/catalog.js';
import { type OrderEvent, orderEventSchema } from '../topics/schemas/order-event.js';
import { createTestContext, type TestContext } from './support/context.js';

/**
 * The wire format and the registry contract that downstream consumers rely on: our bytes decode
 * with the stock Confluent client, older writers are read into today's shape, and a change that
 * would break readers is refused by the registry (BACKWARD).
 */
const event: OrderEvent = {
  eventId: 'e1',
  orderKey: 'shopify:s:1',
  channel: 'shopify',
  shopId: 's',
  brand: 'B',
  channelOrderId: '1',
  status: 'PAID',
  channelStatus: 'paid/unfulfilled',
  occurredAt: 1_700_000_000_000,
  receivedAt: 1_700_000_000_100,
  currency: 'CNY',
  totalMinor: 1999,
  lines: [{ sku: 'A', quantity: 2, unitPriceMinor: 999, itemId: null, skuId: null }],
  buyerCountry: 'CN',
  buyerProvince: 'ZJ',
  buyerCity: 'Hangzhou',
  presale: false,
  detail: 'FULL',
};

const base = orderEventSchema as avro.schema.RecordType;

describe('schema registry contract', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('schema');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('writes the Confluent wire format that the stock client decodes, and reads it back', async () => {
    const bytes = await ctx.serde.encode('orderEvents', event);
    expect(bytes[0]).toBe(0);
    expect({ ...(await ctx.serde.registry.decode(bytes)) }).toEqual(event);
    expect({ ...(await ctx.serde.decode('orderEvents', bytes)) }).toEqual(event);
  });

  it("reads a record from an older writer (no detail, no buyerCountry) into today's shape with defaults", async () => {
    const old = { ...base, fields: base.fields.filter((f) => f.name !== 'detail' && f.name !== 'buyerCountry') };
    const subject = `${ctx.topic('orderEvents')}-old-writer`;
    const { id } = await ctx.serde.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(old) }, { subject });
    const { detail: _d, buyerCountry: _c, ...older } = event;
    const bytes = await ctx.serde.registry.encode(id, older);
    expect({ ...(await ctx.serde.decode('orderEvents', bytes)) }).toEqual({ ...event, buyerCountry: null, detail: 'FULL' });
  });

  it('refuses a value that does not fit the schema, naming the field', async () => {
    await expect(ctx.serde.encode('orderEvents', { ...event, totalMinor: 'lots' as unknown as number })).rejects.toThrow(
      'invalid orderEvents value at totalMinor',
    );
  });

  it('the registry refuses an incompatible change to a topic schema (BACKWARD)', async () => {
    const subject = `${topicName(ctx.namespace, 'orderEvents')}-value`;
    // A new required field without a default: today's readers could not read old records.
    const breaking = { ...base, fields: [...base.fields, { name: 'warehouse', type: 'string' }] };
    await expect(ctx.serde.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject })).rejects.toThrow(/incompatible/i);
    // The same field with a default is a compatible evolution.
    const compatible = { ...base, fields: [...base.fields, { name: 'warehouse', type: 'string', default: '' }] };
    await expect(ctx.serde.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(compatible) }, { subject })).resolves.toMatchObject({
      id: expect.any(Number),
    });
  });
});
