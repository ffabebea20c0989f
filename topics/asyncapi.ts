import { readFileSync } from 'node:fs';
import { SYNC_BACK_GROUP, SYNC_BACK_INPUT, SYNC_BACK_OUTPUT } from '../connectors/sync-back/topology.js';
import { INTERCEPT_GROUP, INTERCEPT_INPUTS, INTERCEPT_OUTPUTS } from '../connectors/wms/topology.js';
import { DIVERGENCE_GROUP, DIVERGENCE_INPUTS, DIVERGENCE_OUTPUTS } from '../processors/divergence/topology.js';
import { INVENTORY_GROUP, INVENTORY_INPUTS, INVENTORY_OUTPUT } from '../processors/inventory/topology.js';
import { ROUTING_GROUP, ROUTING_INPUTS, ROUTING_OUTPUTS } from '../processors/routing/topology.js';
import { WAVES_GROUP, WAVES_INPUTS, WAVES_OUTPUT } from '../processors/waves/topology.js';
import { SINK_GROUP, SINK_INPUTS } from '../sinks/postgres/topology.js';
import { WAYBILL_GROUP, WAYBILL_INPUT, WAYBILL_OUTPUTS } from '../sinks/waybills/topology.js';
import { CONNECTORS } from '../connectors/registry.js';
import { TOPICS, topicName, type TopicDefinition, type TopicId } from './catalog.js';

/**
 * The topic catalog as an AsyncAPI 3.0 document: one channel per topic (address = the topic name
 * in the namespace), its key, partitions, cleanup and retention as Kafka bindings, the Avro value
 * schema embedded as the message payload, and what the hub itself sends and receives on each.
 *
 * Generated, never written by hand: `npm run omnistream -- asyncapi` writes docs/asyncapi.yaml,
 * and topics/asyncapi.test.ts fails when that file no longer matches this generator.
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

/** A part of the hub that touches topics, and where in the code it does so (for readers and the test). */
export interface HubRole {
  name: string;
  /** Consumer group without the namespace prefix (only parts that receive). */
  group?: string;
  files: readonly string[];
  sends: readonly TopicId[];
  receives: readonly TopicId[];
}

export interface HubOperation {
  topic: TopicId;
  action: 'send' | 'receive';
  by: { role: HubRole; does: string }[];
}

/**
 * Who in the hub sends and receives what. Processors' parts come from their topology files; the
 * rest mirrors the files named (topics/asyncapi.test.ts checks those files against this list).
 */
export const HUB_ROLES: readonly HubRole[] = [
  { name: 'gateway', files: ['connectors/gateway/publisher.ts'], sends: ['channelRaw', 'orderEvents', 'deadLetter'], receives: [] },
  { name: 'wms-scans', files: ['connectors/wms/topology.ts', 'connectors/wms/routes.ts'], sends: ['fulfilmentEvents', 'stockMovements'], receives: [] },
  { name: 'carrier-tracking', files: ['sinks/waybills/tracking-routes.ts'], sends: ['fulfilmentEvents'], receives: [] },
  { name: 'inventory', group: INVENTORY_GROUP, files: ['processors/inventory/topology.ts', 'processors/inventory/processor.ts'], sends: [INVENTORY_OUTPUT, 'orderEvents'], receives: INVENTORY_INPUTS },
  { name: 'routing', group: ROUTING_GROUP, files: ['processors/routing/topology.ts', 'processors/routing/processor.ts'], sends: ROUTING_OUTPUTS, receives: ROUTING_INPUTS },
  { name: 'waves', group: WAVES_GROUP, files: ['processors/waves/topology.ts'], sends: [WAVES_OUTPUT], receives: WAVES_INPUTS },
  { name: 'waybills', group: WAYBILL_GROUP, files: ['sinks/waybills/topology.ts', 'sinks/waybills/processor.ts'], sends: WAYBILL_OUTPUTS, receives: [WAYBILL_INPUT] },
  { name: 'wms-commands', group: INTERCEPT_GROUP, files: ['connectors/wms/topology.ts', 'connectors/wms/intercept-executor.ts'], sends: INTERCEPT_OUTPUTS, receives: INTERCEPT_INPUTS },
  { name: 'divergence', group: DIVERGENCE_GROUP, files: ['processors/divergence/topology.ts', 'processors/divergence/processor.ts'], sends: DIVERGENCE_OUTPUTS, receives: DIVERGENCE_INPUTS },
  { name: 'sync-back', group: SYNC_BACK_GROUP, files: ['connectors/sync-back/topology.ts'], sends: [SYNC_BACK_OUTPUT], receives: [SYNC_BACK_INPUT] },
  { name: 'sink-postgres', group: SINK_GROUP, files: ['sinks/postgres/topology.ts'], sends: [], receives: SINK_INPUTS },
  { name: 'every consumer', files: ['lib/batch-consumer.ts'], sends: ['deadLetter'], receives: [] },
];

/** What each role does on each topic: a new pairing without a sentence here stops the generator. */
const DOES: Readonly<Record<string, string>> = {
  'gateway send channelRaw': 'writes every accepted push exactly as received (webhooks, WebSocket and polled sources, reconciliation), before its canonical events',
  'gateway send orderEvents': 'writes the canonical events normalized from each push, keyed by orderKey',
  'gateway send deadLetter': 'dead-letters pushes that are authentic but cannot be mapped (source "gateway:<channel>")',
  'wms-scans send fulfilmentEvents': 'writes the warehouse\'s signed scans (POST /wms/<warehouse>/scans) as PICKED, PACKED and SHIPPED, source "wms:<warehouse>"',
  'wms-scans send stockMovements': 'writes one SCAN_OUT movement per parcel scanned out, so the inventory ships the order\'s hold',
  'carrier-tracking send fulfilmentEvents': 'writes carriers\' signed tracking pushes (POST /carriers/<carrier>/tracking) as COLLECTED, IN_TRANSIT, DELIVERED or CARRIER_EXCEPTION, source "tracking:<carrier>"',
  'inventory send inventoryEvents': 'writes one decision per SKU line touched, with the stock levels after it, keyed by sku@warehouse',
  'inventory send orderEvents': 'writes the hub\'s own cancellation (channelStatus "hub:unpaid-timeout") of an order left unpaid past its deadline',
  'inventory receive orderEvents': 'locks, reserves, releases or rejects stock for each order event',
  'inventory receive stockMovements': 'applies warehouse receipts, returns, counts, adjustments, scan-outs and stock settings',
  'routing send warehouseOrders': 'writes one shipment per warehouse holding a paid order\'s lines, with the carrier the rules chose and its cut-off, keyed by warehouse',
  'routing send fulfilmentEvents': 'writes ROUTED for each shipment, source "router"',
  'routing receive orderEvents': 'keeps each order\'s contents (lines, region, presale) for the join',
  'routing receive inventoryEvents': 'joins the RESERVED decisions of each order\'s lines; routes once every line is reserved',
  'waves send fulfilmentEvents': 'writes WAVED for each shipment of a released picking wave (catch-all waves flagged with the reason), source "wave-planner"',
  'waves receive warehouseOrders': 'groups each warehouse\'s shipments into waves by cut-off, region and category; presale batches by ship day',
  'waybills send printQueue': 'writes a print-ready label (ZPL, or PDF) per shipment, keyed by warehouse',
  'waybills send fulfilmentEvents': 'writes WAYBILL_ISSUED (or WAYBILL_FAILED with the reason), source "carrier:<code>"',
  'waybills receive warehouseOrders': 'requests an e-waybill from the shipment\'s carrier (once per shipment)',
  'wms-commands send commandOutcomes': 'writes every attempt at an interception and its end (SUCCEEDED or FAILED), target "warehouse:<code>"',
  'wms-commands send fulfilmentEvents': 'writes INTERCEPTED or INTERCEPT_FAILED',
  'wms-commands receive warehouseCommands': 'asks the warehouse\'s WMS to stop a parcel, with retries',
  'divergence send divergences': 'writes each divergence\'s life: OPENED, RESOLVED (with its duration) or ESCALATED',
  'divergence send channelCommands': 'asks a channel to ship an order or re-read it, on that channel\'s own topic',
  'divergence send warehouseCommands': 'asks a warehouse to intercept a cancelled order\'s parcel',
  'divergence receive orderEvents': 'keeps the channel\'s view of each order (and the hub\'s own cancellations)',
  'divergence receive inventoryEvents': 'keeps the hub\'s view: what it locked, reserved, released or rejected',
  'divergence receive fulfilmentEvents': 'keeps the warehouse\'s and the carrier\'s views',
  'divergence receive commandOutcomes': 'escalates a divergence whose repair failed',
  'sync-back send commandOutcomes': 'writes every attempt at a channel command and its end, target "channel:<channel>"',
  'sync-back receive channelCommands': 'calls the channel\'s ship API or re-reads the order from its query API (ingested through the gateway path), with retries',
  'sink-postgres receive orderEvents': 'projects orders, order lines and the order timeline into Postgres',
  'sink-postgres receive inventoryEvents': 'projects stock levels (newest version wins), inventory decisions and the order timeline into Postgres',
  'sink-postgres receive fulfilmentEvents': 'projects shipments, waves, waybills, the hub\'s order status and the order timeline',
  'sink-postgres receive warehouseOrders': 'projects each shipment\'s plan (carrier, service, cut-off, lines, region)',
  'sink-postgres receive divergences': 'projects divergences (one row each, with their events) for `omnistream divergences` and the query API',
  'sink-postgres receive commandOutcomes': 'projects each command\'s latest state and attempts',
  'every consumer send deadLetter': 'dead-letters records it cannot decode (source "consumer:<group>")',
};

/** Per topic and direction, the roles involved (catalog order, send before receive). */
export function hubOperations(): HubOperation[] {
  const ops: HubOperation[] = [];
  for (const topic of Object.keys(TOPICS) as TopicId[]) {
    for (const action of ['send', 'receive'] as const) {
      const roles = HUB_ROLES.filter((r) => (action === 'send' ? r.sends : r.receives).includes(topic));
      if (roles.length === 0) continue;
      ops.push({
        topic, action,
        by: roles.map((role) => {
          const does = DOES[`${role.name} ${action} ${topic}`];
          if (!does) throw new Error(`topics/asyncapi.ts: describe what ${role.name} does when it ${action}s ${topic} (DOES)`);
          return { role, does };
        }),
      });
    }
  }
  return ops;
}

/** Per-topic message headers the hub writes (beyond the value schema). */
const HEADERS: Partial<Record<TopicId, Record<string, { type: 'string'; description: string }>>> = {
  deadLetter: { 'x-omnistream-reason': { type: 'string', description: 'The same reason as the value\'s `reason` field, readable without decoding Avro.' } },
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
export type AsyncApiDocument = { asyncapi: string; info: { title: string; version: string; description?: string; license?: { name: string; url?: string } } } & Record<string, any>;

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
      description: `${t.description}\n\nKey: ${t.key}. Values: Avro, registry subject \`${subjectOf(namespace, id)}\`${t.perChannel ? ' (shared by every channel\'s topic)' : ''}.`,
      ...(t.perChannel ? { parameters: { channel: { enum: Object.keys(CONNECTORS).sort(), description: 'The channel (connectors/registry.ts) whose commands the topic carries.' } } } : {}),
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
      description: op.by.map(({ role, does }) => `- ${role.name}${role.group ? ` (consumer group \`${groupName(namespace, role.group)}\`)` : ''}: ${does}.`).join('\n'),
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
