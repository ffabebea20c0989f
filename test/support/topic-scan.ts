import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from '../../lib/kafka.js';
import type { TopicSerde } from '../../topics/serde.js';

/** One record as stored: raw bytes plus the broker-side timestamp (ms). */
export interface ScannedRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
}

/**
 * Reads a topic from the beginning up to the end offsets it has *now* (call it once the writers
 * are idle), handing every record to `each`. Fast enough for millions of records: no decoding here,
 * large fetches, and the temporary consumer group is deleted afterwards.
 */
export async function scanTopic(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  each: (r: ScannedRecord) => void | Promise<void>,
  timeoutMs = 300_000,
): Promise<number> {
  const ends = await admin.fetchTopicOffsets(topic);
  const remaining = new Map<number, bigint>();
  for (const e of ends) if (BigInt(e.high) > BigInt(e.low)) remaining.set(e.partition, BigInt(e.high) - 1n);
  if (remaining.size === 0) return 0;
  const groupId = `scan-${randomBytes(5).toString('hex')}`;
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 100,
    maxBytes: 64 * 1024 * 1024,
    maxBytesPerPartition: 16 * 1024 * 1024,
    sessionTimeout: 30_000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`scan of ${topic}: ${count} records read, partitions ${[...remaining.keys()].join(',')} unfinished after ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: async ({ batch }) => {
            const last = remaining.get(batch.partition);
            if (last === undefined) return;
            for (const m of batch.messages) {
              if (BigInt(m.offset) > last) break;
              count++;
              const r = each({ partition: batch.partition, offset: m.offset, key: m.key ?? null, value: m.value ?? null, timestamp: Number(m.timestamp) });
              if (r) await r;
            }
            if (batch.messages.length > 0 && BigInt(batch.lastOffset()) >= last) remaining.delete(batch.partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((err: unknown) => {
          clearTimeout(timer);
          reject(err as Error);
        });
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => {});
  }
  return count;
}

/**
 * Synchronous Avro decoding of Confluent wire-format values with the writer schema the id names
 * (fetched from the registry once per id). Equivalent to serde.decode, without a promise per record.
 */
export class WireDecoder {
  private readonly types = new Map<number, { fromBuffer(b: Buffer): unknown }>();
  constructor(private readonly serde: TopicSerde) {}

  async prepare(buf: Buffer): Promise<void> {
    const id = schemaIdOf(buf);
    if (!this.types.has(id)) this.types.set(id, (await this.serde.registry.getSchema(id)) as unknown as { fromBuffer(b: Buffer): unknown });
  }

  /** Decodes; the schema id must have been prepared (await prepare(buf) first when unsure). */
  decode<T>(buf: Buffer): T {
    const id = schemaIdOf(buf);
    const type = this.types.get(id);
    if (!type) throw new Error(`schema id ${id} not prepared`);
    return type.fromBuffer(buf.subarray(5)) as T;
  }

  async decodeAsync<T>(buf: Buffer): Promise<T> {
    await this.prepare(buf);
    return this.decode<T>(buf);
  }
}

export function schemaIdOf(buf: Buffer): number {
  if (buf.length < 5 || buf[0] !== 0) throw new Error('not a Confluent wire-format value (magic byte 0 + 4-byte schema id)');
  return buf.readInt32BE(1);
}

/** FNV-1a 32-bit over the bytes: enough to tell whether two copies of an event differ. */
export function fnv1a(buf: Buffer): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < buf.length; i++) {
    h ^= buf[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
