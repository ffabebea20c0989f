import { readFileSync } from 'node:fs';
import avro, { type Schema } from 'avsc';
import { describe, expect, it } from 'vitest';
import { TOPICS, type TopicId } from '../topics/catalog.js';
import { type AsyncApiDocument, AVRO_SCHEMA_FORMAT, buildAsyncApi, hubOperations, operationId, renderAsyncApi, subjectOf } from './asyncapi.js';

const ids = Object.keys(TOPICS) as TopicId[];

/** The parts of the document these tests read (its own type is a loose JSON record: it is data). */
interface DocView {
  channels: Record<TopicId, { address: unknown; messages: Record<string, { $ref: string }>; bindings: { kafka: Record<string, unknown> } }>;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[]; bindings: { kafka: { groupId: { enum: string[] } } } }>;
  components: {
    messages: Record<
      string,
      {
        description: string;
        'x-schema-registry-subject': string;
        payload: { schemaFormat: string; schema: Schema };
        bindings: { kafka: { key: { description: string } } & Record<string, unknown> };
      }
    >;
  };
}
const viewOf = (doc: AsyncApiDocument) => doc as AsyncApiDocument & DocView;
const repoFile = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/**
 * The AsyncAPI 3.0 rules this document relies on, checked by hand (no AsyncAPI validator is a
 * dependency): required fields, every $ref resolves, operations point at their channel's messages.
 * Returns the problems found; [] means the document holds together.
 */
function structuralProblems(doc: AsyncApiDocument): string[] {
  const problems: string[] = [];
  const need = (cond: unknown, what: string) => {
    if (!cond) problems.push(what);
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  /** An object member's entries, each value as an object ({} for anything else, which then fails the checks). */
  const members = (v: unknown): [string, Record<string, unknown>][] => Object.entries(isObj(v) ? v : {}).map(([k, x]) => [k, isObj(x) ? x : {}]);
  const resolve = (ref: string): unknown => {
    if (!ref.startsWith('#/')) return undefined;
    return ref
      .slice(2)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, part) => (isObj(node) ? node[part] : undefined), doc);
  };
  const walkRefs = (node: unknown, at: string) => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => {
        walkRefs(n, `${at}/${i}`);
      });
    } else if (isObj(node)) {
      if (typeof node.$ref === 'string') need(resolve(node.$ref) !== undefined, `${at}: $ref ${node.$ref} does not resolve`);
      for (const [k, v] of Object.entries(node)) if (k !== 'schema') walkRefs(v, `${at}/${k}`); // Avro payloads are not AsyncAPI
    }
  };

  need(/^3\.0\.\d+$/.test(String(doc.asyncapi)), 'asyncapi: must be 3.0.x');
  need(isObj(doc.info) && typeof doc.info.title === 'string' && doc.info.title, 'info.title is required');
  need(isObj(doc.info) && typeof doc.info.version === 'string' && doc.info.version, 'info.version is required');
  for (const [name, s] of members(doc.servers)) {
    need(typeof s.host === 'string' && typeof s.protocol === 'string', `servers.${name}: host and protocol are required`);
  }
  need(isObj(doc.channels) && Object.keys(doc.channels).length > 0, 'channels: at least one');
  for (const [name, ch] of members(doc.channels)) {
    need(/^[\w.-]+$/.test(name), `channels.${name}: key must match ^[\\w.-]+$`);
    need(typeof ch.address === 'string' || ch.address === null, `channels.${name}.address: string or null`);
    need(isObj(ch.messages) && Object.keys(ch.messages).length > 0, `channels.${name}.messages: at least one`);
  }
  for (const [name, op] of members(doc.operations)) {
    need(op.action === 'send' || op.action === 'receive', `operations.${name}.action: send or receive`);
    const channelRef = isObj(op.channel) && typeof op.channel.$ref === 'string' ? op.channel.$ref : undefined;
    need(typeof channelRef === 'string' && channelRef.startsWith('#/channels/'), `operations.${name}.channel: a $ref to #/channels/…`);
    for (const m of (op.messages ?? []) as { $ref?: string }[]) {
      need(
        typeof m.$ref === 'string' && m.$ref.startsWith(`${channelRef}/messages/`),
        `operations.${name}.messages: ${m.$ref} is not a message of ${channelRef}`,
      );
    }
  }
  for (const [name, msg] of members(isObj(doc.components) ? doc.components.messages : undefined)) {
    const p = msg.payload;
    need(isObj(p) && (typeof p.schemaFormat !== 'string' || p.schema !== undefined), `components.messages.${name}.payload: a multi-format schema needs schema`);
  }
  walkRefs(doc, '#');
  return problems;
}

describe('AsyncAPI document of the topic catalog', () => {
  const doc = viewOf(buildAsyncApi());

  it('has a channel per catalog topic with its address, key, bindings and embedded Avro schema', () => {
    expect(Object.keys(doc.channels).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const t = TOPICS[id];
      const ch = doc.channels[id];
      const address = 'perChannel' in t ? `${t.base}.{channel}` : t.base;
      expect(ch.address).toBe(address);
      expect(ch.bindings.kafka).toMatchObject({
        topic: address,
        partitions: t.partitions,
        topicConfiguration: { 'cleanup.policy': [t.cleanupPolicy], 'retention.ms': t.retentionMs },
      });
      const [ref] = Object.values(ch.messages) as { $ref: string }[];
      const msg = doc.components.messages[ref!.$ref.split('/').pop()!]!;
      expect(msg.payload.schemaFormat).toBe(AVRO_SCHEMA_FORMAT);
      expect(msg.payload.schema).toEqual(t.valueSchema);
      // The embedded schema is a usable Avro schema with the catalog's fingerprint.
      expect(avro.Type.forSchema(msg.payload.schema).fingerprint().toString('hex')).toBe(avro.Type.forSchema(t.valueSchema).fingerprint().toString('hex'));
      expect(msg.bindings.kafka.key.description).toBe(t.key);
      expect(msg.bindings.kafka).toMatchObject({ schemaIdLocation: 'payload', schemaIdPayloadEncoding: 'confluent' });
      expect(msg['x-schema-registry-subject']).toBe(`${t.base}-value`);
      expect(msg.description).toContain('magic byte 0');
      expect(msg.description).toContain(`${t.base}-value`);
    }
  });

  it('is namespace-aware: addresses, subjects and consumer groups carry the prefix', () => {
    const ns = viewOf(buildAsyncApi({ namespace: 'tenant-a' }));
    for (const id of ids) {
      const address = `tenant-a.${TOPICS[id].base}${'perChannel' in TOPICS[id] ? '.{channel}' : ''}`;
      expect(ns.channels[id].address).toBe(address);
      expect(ns.channels[id].bindings.kafka.topic).toBe(address);
      const msg = ns.components.messages[Object.keys(ns.channels[id].messages)[0]!]!;
      expect(msg['x-schema-registry-subject']).toBe(subjectOf('tenant-a', id));
      expect(subjectOf('tenant-a', id)).toBe(`tenant-a.${TOPICS[id].base}-value`);
    }
    expect(ns.operations.receiveOrderEvents!.bindings.kafka.groupId.enum).toEqual([
      'tenant-a.inventory',
      'tenant-a.stock-sync',
      'tenant-a.sink-postgres',
      'tenant-a.routing',
      'tenant-a.divergence',
    ]);
    expect(() => buildAsyncApi({ namespace: 'Not OK' })).toThrow(/namespace/);
  });

  it('holds together as an AsyncAPI 3.0 document', () => {
    expect(structuralProblems(doc)).toEqual([]);
    expect(structuralProblems(buildAsyncApi({ namespace: 'x' }))).toEqual([]);
  });

  it('the structural check catches broken documents (it is not vacuous)', () => {
    const broken = structuredClone(doc);
    delete (broken.info as { version?: string }).version;
    broken.channels.orderEvents.address = 42;
    broken.operations.sendOrderEvents!.action = 'publish';
    broken.operations.sendOrderEvents!.messages = [{ $ref: '#/channels/stockMovements/messages/StockMovement' }];
    broken.operations.receiveStockMovements!.channel = { $ref: '#/channels/nope' };
    expect(structuralProblems(broken)).toEqual(
      expect.arrayContaining([
        'info.version is required',
        'channels.orderEvents.address: string or null',
        'operations.sendOrderEvents.action: send or receive',
        'operations.sendOrderEvents.messages: #/channels/stockMovements/messages/StockMovement is not a message of #/channels/orderEvents',
        '#/operations/receiveStockMovements/channel: $ref #/channels/nope does not resolve',
      ]),
    );
  });

  it('every topic has at least one hub operation; stock-movements is written only by the WMS scan route', () => {
    const ops = hubOperations();
    for (const id of ids)
      expect(
        ops.some((o) => o.topic === id),
        id,
      ).toBe(true);
    expect(ops.find((o) => o.topic === 'stockMovements' && o.action === 'send')?.by.map((b) => b.role.name)).toEqual(['wms-scans']);
    expect(Object.keys(doc.operations).sort()).toEqual(ops.map(operationId).sort());
  });

  it('every operation names what its component does on the topic', () => {
    for (const op of hubOperations()) for (const { role, does } of op.by) expect(does, `${role.name} ${op.action} ${op.topic}`).toMatch(/\w{3,}/);
  });

  it('docs/asyncapi.yaml is what the generator writes today (regenerate: npm run omnistream -- asyncapi)', () => {
    const committed = repoFile('docs/asyncapi.yaml');
    const fresh = renderAsyncApi(doc);
    // Compare parsed first for a readable diff, then the exact bytes.
    expect(JSON.parse(committed)).toEqual(JSON.parse(fresh));
    expect(committed).toBe(fresh);
  });
});
