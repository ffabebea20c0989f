import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { TOPICS, topicName, type TopicId } from './catalog.js';
import type { DeadLetter } from './schemas/dead-letter.js';
import type { InventoryEvent } from './schemas/inventory-event.js';
import type { OrderEvent } from './schemas/order-event.js';
import type { RawChannelEvent } from './schemas/raw-channel-event.js';
import type { StockMovement } from './schemas/stock-movement.js';

export interface TopicValues {
  channelRaw: RawChannelEvent;
  orderEvents: OrderEvent;
  stockMovements: StockMovement;
  inventoryEvents: InventoryEvent;
  deadLetter: DeadLetter;
}

/**
 * Avro values in the Confluent wire format (magic byte, schema id, Avro body), with every schema
 * registered under the usual `<topic>-value` subject and the subject held to BACKWARD compatibility.
 */
export class TopicSerde {
  private readonly ids = new Map<TopicId, number>();

  constructor(readonly registry: SchemaRegistry, readonly registryUrl: string, readonly namespace: string) {}

  static connect(registryUrl: string, namespace: string): TopicSerde {
    return new TopicSerde(new SchemaRegistry({ host: registryUrl }), registryUrl, namespace);
  }

  /** Registers every catalog schema (idempotent: the registry returns the existing id). */
  async registerAll(): Promise<void> {
    for (const id of Object.keys(TOPICS) as TopicId[]) {
      const subject = `${topicName(this.namespace, id)}-value`;
      await this.setCompatibility(subject, 'BACKWARD');
      const { id: schemaId } = await this.registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(TOPICS[id].valueSchema) },
        { subject },
      );
      this.ids.set(id, schemaId);
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

  async encode<T extends TopicId>(topic: T, value: TopicValues[T]): Promise<Buffer> {
    const schemaId = this.ids.get(topic);
    if (schemaId === undefined) throw new Error(`schema for ${topic} not registered: call registerAll() first`);
    return this.registry.encode(schemaId, value);
  }

  async decode<T extends TopicId>(_topic: T, buffer: Buffer): Promise<TopicValues[T]> {
    return (await this.registry.decode(buffer)) as TopicValues[T];
  }
}
