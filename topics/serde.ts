import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { TOPICS, type TopicId, topicName } from './catalog.js';
import type { ChannelCommand } from './schemas/channel-command.js';
import type { CommandOutcome } from './schemas/command-outcome.js';
import type { DeadLetter } from './schemas/dead-letter.js';
import type { DivergenceEvent } from './schemas/divergence-event.js';
import type { FulfilmentEvent } from './schemas/fulfilment-event.js';
import type { HubException } from './schemas/hub-exception.js';
import type { InventoryEvent } from './schemas/inventory-event.js';
import type { ListingMapping } from './schemas/listing-mapping.js';
import type { OrderEvent } from './schemas/order-event.js';
import type { PrintJob } from './schemas/print-job.js';
import type { RawChannelEvent } from './schemas/raw-channel-event.js';
import type { Shipment } from './schemas/shipment.js';
import type { StockMovement } from './schemas/stock-movement.js';
import type { StockPolicyRecord } from './schemas/stock-policy.js';
import type { StockPush } from './schemas/stock-push.js';
import type { StockTarget } from './schemas/stock-target.js';
import type { WarehouseCommand } from './schemas/warehouse-command.js';

export interface TopicValues {
  channelRaw: RawChannelEvent;
  orderEvents: OrderEvent;
  stockMovements: StockMovement;
  inventoryEvents: InventoryEvent;
  deadLetter: DeadLetter;
  warehouseOrders: Shipment;
  fulfilmentEvents: FulfilmentEvent;
  printQueue: PrintJob;
  warehouseCommands: WarehouseCommand;
  channelCommands: ChannelCommand;
  commandOutcomes: CommandOutcome;
  divergences: DivergenceEvent;
  listingMappings: ListingMapping;
  stockPolicies: StockPolicyRecord;
  stockTargets: StockTarget;
  stockPushes: StockPush;
  hubExceptions: HubException;
}

const MAGIC = 0;

/*
 * The two ways a record fails to decode. They carry `code` and `retryable` like lib/errors.ts's
 * OmnistreamError (topics/ imports nothing of ours, so they cannot extend it).
 */

/** The bytes can never be read as this topic's record: dead-letter them. */
export class SerdeError extends Error {
  override name = 'SerdeError';
  readonly code = 'serde';
  readonly retryable = false;
}

/** The registry could not be asked right now: retry the batch, never skip the record. */
export class RegistryUnavailableError extends Error {
  override name = 'RegistryUnavailableError';
  readonly code = 'registry_unavailable';
  readonly retryable = true;
}

/**
 * Avro values in the Confluent wire format (magic byte, schema id, Avro body), with every schema
 * registered under the usual `<topic>-value` subject and the subject held to BACKWARD compatibility.
 *
 * Encoding and decoding run on cached avsc types (no promise, no lookup per record: this is the
 * hot path of every processor). A record written with another schema version is read through a
 * resolver into the current catalog schema, so consumers always see today's shape, with defaults
 * for fields an older writer did not have.
 */
export class TopicSerde {
  private readonly writers = new Map<TopicId, { header: Buffer; type: avro.Type }>();
  private readonly readers = new Map<TopicId, avro.Type>();
  private readonly resolvers = new Map<string, avro.Resolver | null>();

  constructor(
    readonly registry: SchemaRegistry,
    readonly registryUrl: string,
    readonly namespace: string,
  ) {
    for (const id of Object.keys(TOPICS) as TopicId[]) this.readers.set(id, avro.Type.forSchema(TOPICS[id].valueSchema));
  }

  static connect(registryUrl: string, namespace: string): TopicSerde {
    return new TopicSerde(new SchemaRegistry({ host: registryUrl }), registryUrl, namespace);
  }

  /** Registers every catalog schema (idempotent: the registry returns the existing id). */
  async registerAll(): Promise<void> {
    for (const id of Object.keys(TOPICS) as TopicId[]) {
      const subject = `${topicName(this.namespace, id)}-value`;
      await this.setCompatibility(subject, 'BACKWARD');
      const { id: schemaId } = await this.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(TOPICS[id].valueSchema) }, { subject });
      const header = Buffer.alloc(5);
      header.writeUInt8(MAGIC, 0);
      header.writeInt32BE(schemaId, 1);
      this.writers.set(id, { header, type: this.readers.get(id)! });
      this.resolvers.set(`${id}:${schemaId}`, null); // written with the current schema: no resolver needed
    }
  }

  async setCompatibility(subject: string, level: 'BACKWARD' | 'FULL' | 'NONE'): Promise<void> {
    const res = await fetch(`${this.registryUrl}/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: level }),
    });
    if (!res.ok) throw new Error(`registry refused compatibility ${level} for ${subject}: HTTP ${res.status} ${await res.text()}`);
  }

  /** Kept async for callers; the work itself is synchronous. */
  async encode<T extends TopicId>(topic: T, value: TopicValues[T]): Promise<Buffer> {
    return this.encodeSync(topic, value);
  }

  encodeSync<T extends TopicId>(topic: T, value: TopicValues[T]): Buffer {
    const writer = this.writers.get(topic);
    if (!writer) throw new SerdeError(`schema for ${topic} not registered: call registerAll() first`);
    const errors: string[] = [];
    if (!writer.type.isValid(value, { errorHook: (path) => errors.push(path.join('.') || '(root)') })) {
      throw new SerdeError(`invalid ${topic} value at ${errors.join(', ')}`);
    }
    return Buffer.concat([writer.header, writer.type.toBuffer(value)]);
  }

  async decode<T extends TopicId>(topic: T, buffer: Buffer): Promise<TopicValues[T]> {
    if (buffer.length < 5 || buffer.readUInt8(0) !== MAGIC) throw new SerdeError('not in the Confluent wire format (magic byte 0)');
    const schemaId = buffer.readInt32BE(1);
    const key = `${topic}:${schemaId}`;
    if (!this.resolvers.has(key)) {
      let resolver: avro.Resolver;
      try {
        resolver = this.readers.get(topic)!.createResolver(await this.writerType(schemaId));
      } catch (err) {
        if (err instanceof SerdeError) throw err;
        throw new SerdeError(`schema id ${schemaId} cannot be read as ${topic}: ${(err as Error).message}`);
      }
      this.resolvers.set(key, resolver);
    }
    const resolver = this.resolvers.get(key) ?? undefined;
    try {
      return this.readers.get(topic)!.fromBuffer(buffer.subarray(5), resolver) as TopicValues[T];
    } catch (err) {
      throw new SerdeError(`not a valid ${topic} record: ${(err as Error).message}`);
    }
  }

  /**
   * The writer's schema by id. A 404 means the record is not ours to read (SerdeError: dead letter);
   * anything else (registry down, 5xx) is a RegistryUnavailableError: retry, never skip the record.
   */
  private async writerType(schemaId: number): Promise<avro.Type> {
    let res: Response;
    try {
      res = await fetch(`${this.registryUrl}/schemas/ids/${schemaId}`);
    } catch (err) {
      throw new RegistryUnavailableError(`schema registry unreachable: ${(err as Error).message}`);
    }
    if (res.status === 404) throw new SerdeError(`schema id ${schemaId} unknown to the registry`);
    if (!res.ok) throw new RegistryUnavailableError(`schema registry answered HTTP ${res.status} for schema id ${schemaId}`);
    const { schema } = (await res.json()) as { schema: string };
    return avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
  }
}
