import { randomBytes } from 'node:crypto';
import type { Consumer, Producer } from '../../lib/kafka.js';
import type { InputRecord } from '../../processors/divergence/histories.js';
import { type TopicId, topicName } from '../../topics/catalog.js';
import type { TopicValues } from '../../topics/serde.js';
import type { TestContext } from './context.js';

/** Writes input records with their own broker timestamps (CreateTime), each topic in the given order. */
export async function publishRecords(ctx: TestContext, producer: Producer, records: InputRecord[]): Promise<void> {
  const byTopic = new Map<TopicId, InputRecord[]>();
  for (const r of records) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
  for (const [topic, rs] of byTopic) {
    for (let i = 0; i < rs.length; i += 2000) {
      const messages = rs
        .slice(i, i + 2000)
        .map((r) => ({ key: r.key, value: ctx.serde.encodeSync(topic, r.value as TopicValues[typeof topic]), timestamp: String(r.timestamp) }));
      await producer.send({ topic: topicName(ctx.namespace, topic), acks: -1, messages });
    }
  }
}

/** Everything written to one topic since the start, decoded, kept in arrival order. */
export class TopicCollector<T extends TopicId> {
  readonly records: TopicValues[T][] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async start<T extends TopicId>(ctx: TestContext, id: T, name = topicName(ctx.namespace, id)): Promise<TopicCollector<T>> {
    const consumer = ctx.kafka.consumer({ groupId: `collect-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: name, fromBeginning: true });
    const c = new TopicCollector<T>(consumer);
    await consumer.run({
      eachMessage: async ({ message }) => {
        c.records.push(await ctx.serde.decode(id, message.value!));
      },
    });
    return c;
  }

  /** Waits until `pick` finds at least `count` records, and returns them. */
  async waitFor(pick: (v: TopicValues[T]) => boolean, count = 1, timeoutMs = 20_000): Promise<TopicValues[T][]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.records.filter(pick);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`only ${found.length} of ${count} matching records after ${timeoutMs} ms (of ${this.records.length} read)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
