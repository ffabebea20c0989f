import { randomBytes } from 'node:crypto';
import type { TopicId } from '../../topics/catalog.js';
import type { TopicValues } from '../../topics/serde.js';
import type { TestContext } from './context.js';

export interface TopicCollector<T> {
  records: T[];
  /** Resolves with the records once `done(records)` holds; rejects after the timeout, saying what was missing. */
  waitFor(done: (records: T[]) => boolean, what: string, timeoutMs?: number): Promise<T[]>;
  stop(): Promise<void>;
}

/** Reads a topic from the beginning for the whole test file, decoded, into `records`. */
export async function collectTopic<T extends TopicId>(ctx: TestContext, topic: T): Promise<TopicCollector<TopicValues[T]>> {
  const consumer = ctx.kafka.consumer({ groupId: `sync-back-collector-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: ctx.topic(topic), fromBeginning: true });
  const records: TopicValues[T][] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      records.push(await ctx.serde.decode(topic, message.value!));
    },
  });
  return {
    records,
    async waitFor(done, what, timeoutMs = 45_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(records)) {
        if (Date.now() > deadline) throw new Error(`${topic}: timed out waiting for ${what} (${records.length} records read)`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return records;
    },
    stop: () => consumer.disconnect(),
  };
}
