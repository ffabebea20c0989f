import { readFileSync } from 'node:fs';
import { CONNECTORS } from '../connectors/registry.js';
import { type AnyProcessorDefinition, groupOf, inputsOf, outputsOf } from '../lib/processor/definition.js';
import { TOPICS, type TopicDefinition, type TopicId, topicName } from '../topics/catalog.js';
import { COMPONENTS } from './parts.js';

/**
 * The topic catalog as an AsyncAPI 3.0 document: one channel per topic (address = the topic name
 * in the namespace), its key, partitions, cleanup and retention as Kafka bindings, the Avro value
 * schema embedded as the message payload, and what the hub itself sends and receives on each.
 *
 * Generated, never written by hand: `npm run omnistream -- asyncapi` writes docs/asyncapi.yaml,
 * and app/asyncapi.test.ts fails when that file no longer matches this generator. What the hub sends
 * and receives comes from the component registry (app/parts.ts).
 */

export const ASYNCAPI_VERSION = '3.0.0';
export const AVRO_SCHEMA_FORMAT = 'application/vnd.apache.avro+json;version=1.9.0';
/** The Avro spec's MIME type for the binary encoding; the bytes carry the Confluent header first. */
export const AVRO_CONTENT_TYPE = 'avro/binary';
const KAFKA_BINDING_VERSION = '0.5.0';

export const WIRE_FORMAT_NOTE =
  'Confluent wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id (big-endian int32) in the registry, ' +
  'then the Avro binary encoding of the value. Readers resolve the writer schema by id and read it into the current ' +
  'schema; subjects are held to BACKWARD compatibility, so fields are only added with defaults.';

/** A component of the hub that touches topics, as the registry declares it. */
export interface HubRole {
  name: string;
  /** Consumer group without the namespace prefix (only components that receive). */
  group?: string;
  sends: readonly TopicId[];
  receives: readonly TopicId[];
  /** What it does on each topic, by "send <topic>" / "receive <topic>". */
  does: Readonly<Record<string, string>>;
}

export interface HubOperation {
  topic: TopicId;
  action: 'send' | 'receive';
  by: { role: HubRole; does: string }[];
}

/** Every consumer dead-letters what it cannot decode (lib/batch-consumer.ts), whichever component it serves. */
const EVERY_CONSUMER: HubRole = {
  name: 'every consumer',
  sends: ['deadLetter'],
  receives: [],
  does: { 'send deadLetter': 'dead-letters records it cannot decode (source "consumer:<group>")' },
};

/** Who in the hub sends and receives what: the registry's components, in registry order. */
export const HUB_ROLES: readonly HubRole[] = [
  ...(COMPONENTS as readonly AnyProcessorDefinition[]).map(
    (c): HubRole => ({
      name: c.name,
      ...(groupOf(c) ? { group: groupOf(c)! } : {}),
      sends: outputsOf(c),
      receives: inputsOf(c),
      does: Object.fromEntries([
        ...Object.entries(c.outputs as Record<string, string>).map(([t, d]) => [`send ${t}`, d]),
        ...Object.entries(c.inputs as Record<string, string>).map(([t, d]) => [`receive ${t}`, d]),
      ]),
    }),
  ),
  EVERY_CONSUMER,
];

/** Per topic and direction, the roles involved (catalog order, send before receive). */
export function hubOperations(): HubOperation[] {
  const ops: HubOperation[] = [];
  for (const topic of Object.keys(TOPICS) as TopicId[]) {
    for (const action of ['send', 'receive'] as const) {
      const roles = HUB_ROLES.filter((r) => (action === 'send' ? r.sends : r.receives).includes(topic));
      if (roles.length === 0) continue;
      ops.push({ topic, action, by: roles.map((role) => ({ role, does: role.does[`${action} ${topic}`]! })) });
    }
  }
  return ops;
}

/** Per-topic message headers the hub writes (beyond the value schema). */
const HEADERS: Partial<Record<TopicId, Record<string, { type: 'string'; description: string }>>> = {
  deadLetter: { 'x-omnistream-reason': { type: 'string', description: "The same reason as the value's `reason` field, readable without decoding Avro." } },
};

/** Keys that may be absent (null) on the wire. */
const NULLABLE_KEY: ReadonlySet<TopicId> = new Set<TopicId>(['deadLetter']);
const PII: ReadonlySet<TopicId> = new Set<TopicId>(['channelRaw']);

export interface AsyncApiOptions {
  /** OMNISTREAM_NAMESPACE: prefixes topic names, registry subjects and consumer groups. */
  namespace?: string;
  /** The broker the `local` server points at. */
  kafkaHost?: string;
  /** The Confluent-compatible registry API. */
  registryUrl?: string;
}

export const DEFAULT_ASYNCAPI_OPTIONS = {
  namespace: '',
  kafkaHost: '127.0.0.1:9092',
  registryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
} as const satisfies Required<AsyncApiOptions>;

// The document is plain JSON data: a loose record type keeps the builder readable.
export type AsyncApiDocument = {
  asyncapi: string;
  info: { title: string; version: string; description?: string; license?: { name: string; url?: string } };
} & Record<string, unknown>;

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const messageId = (id: TopicId) => {
  const name = (TOPICS[id].valueSchema as { name?: string }).name;
  if (!name) throw new Error(`topic ${id}: the value schema has no record name`);
  return name;
};
export const subjectOf = (namespace: string, id: TopicId) => `${topicName(namespace, id)}-value`;
export const operationId = (op: Pick<HubOperation, 'topic' | 'action'>) => `${op.action}${capitalize(op.topic)}`;
const groupName = (namespace: string, group: string) => (namespace ? `${namespace}.${group}` : group);

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildAsyncApi(options: AsyncApiOptions = {}): AsyncApiDocument {
  const { namespace, kafkaHost, registryUrl } = { ...DEFAULT_ASYNCAPI_OPTIONS, ...options };
  if (!/^[a-z0-9_-]*$/.test(namespace)) throw new Error(`namespace "${namespace}": lower-case letters, digits, _ and - only`);
  const ids = Object.keys(TOPICS) as TopicId[];

  const channels: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const id of ids) {
    const t: TopicDefinition = TOPICS[id];
    // A per-channel topic family is one AsyncAPI channel whose address has a {channel} parameter.
    const topic = t.perChannel ? `${topicName(namespace, id)}.{channel}` : topicName(namespace, id);
    const msg = messageId(id);
    channels[id] = {
      address: topic,
      title: topic,
      description: `${t.description}\n\nKey: ${t.key}. Values: Avro, registry subject \`${subjectOf(namespace, id)}\`${t.perChannel ? " (shared by every channel's topic)" : ''}.`,
      ...(t.perChannel
        ? {
            parameters: {
              channel: { enum: Object.keys(CONNECTORS).sort(), description: 'The channel (connectors/registry.ts) whose commands the topic carries.' },
            },
          }
        : {}),
      messages: { [msg]: { $ref: `#/components/messages/${msg}` } },
      ...(PII.has(id) ? { tags: [{ name: 'pii', description: 'Holds buyer personal data: restrict who may read this topic.' }] } : {}),
      bindings: {
        kafka: {
          topic,
          partitions: t.partitions,
          topicConfiguration: { 'cleanup.policy': [t.cleanupPolicy], 'retention.ms': t.retentionMs },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
    const headers = HEADERS[id];
    messages[msg] = {
      name: msg,
      title: `${msg} (${t.base})`,
      summary: t.description,
      description: `${WIRE_FORMAT_NOTE}\n\nRegistry subject: \`${subjectOf(namespace, id)}\` (TopicNameStrategy).`,
      contentType: AVRO_CONTENT_TYPE,
      ...(headers ? { headers: { type: 'object', properties: headers } } : {}),
      payload: { schemaFormat: AVRO_SCHEMA_FORMAT, schema: structuredClone(t.valueSchema) },
      'x-schema-registry-subject': subjectOf(namespace, id),
      bindings: {
        kafka: {
          key: { type: NULLABLE_KEY.has(id) ? ['string', 'null'] : 'string', description: t.key },
          schemaIdLocation: 'payload',
          schemaIdPayloadEncoding: 'confluent',
          schemaLookupStrategy: 'TopicNameStrategy',
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
  }

  const operations: Record<string, unknown> = {};
  for (const op of hubOperations()) {
    const groups = op.by.flatMap(({ role }) => (role.group ? [groupName(namespace, role.group)] : []));
    operations[operationId(op)] = {
      action: op.action,
      channel: { $ref: `#/channels/${op.topic}` },
      title: `${op.action === 'send' ? 'The hub writes' : 'The hub reads'} ${topicName(namespace, op.topic)}`,
      description: op.by
        .map(({ role, does }) => `- ${role.name}${role.group ? ` (consumer group \`${groupName(namespace, role.group)}\`)` : ''}: ${does}.`)
        .join('\n'),
      messages: [{ $ref: `#/channels/${op.topic}/messages/${messageId(op.topic)}` }],
      ...(groups.length > 0 ? { bindings: { kafka: { groupId: { type: 'string', enum: groups }, bindingVersion: KAFKA_BINDING_VERSION } } } : {}),
      'x-omnistream-components': op.by.map(({ role }) => role.name),
    };
  }

  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: 'omnistream topics',
      version: packageVersion(),
      description:
        'Every Kafka topic of the omnistream order hub, generated from topics/catalog.ts' +
        (namespace ? ` for namespace "${namespace}"` : '') +
        '. Values are Avro in the Confluent wire format, registered under `<topic>-value`. ' +
        'Operations describe what the hub itself sends and receives; stock-movements is also written by the warehouse systems (WMS) directly.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: AVRO_CONTENT_TYPE,
    servers: {
      local: {
        host: kafkaHost,
        protocol: 'kafka',
        description: 'The local stack (stack/up.sh); set KAFKA_BROKERS and SCHEMA_REGISTRY_URL for others.',
        bindings: { kafka: { schemaRegistryUrl: registryUrl, schemaRegistryVendor: 'confluent', bindingVersion: KAFKA_BINDING_VERSION } },
      },
    },
    channels,
    operations,
    components: { messages },
  };
}

/**
 * The document as text for docs/asyncapi.yaml. It is JSON, which is valid YAML 1.2: no YAML
 * library is a declared dependency of this project, and JSON keeps the output byte-for-byte stable.
 */
export function renderAsyncApi(doc: AsyncApiDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
