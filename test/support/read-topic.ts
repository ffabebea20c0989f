import { randomBytes } from 'node:crypto';
import type { TopicId } from '../../topics/catalog.js';
import type { TopicValues } from '../../topics/serde.js';
import type { TestContext } from './context.js';
import { scanTopic } from './topic-scan.js';

/** Reads a topic from the beginning until `count` records arrived (or the timeout), decoded. */
export async function readTopic<T extends TopicId>(
  ctx: TestContext,
  topic: T,
  count: number,
  timeoutMs = 15_000,
): Promise<{ value: TopicValues[T]; headers: Record<string, string> }[]> {
  const consumer = ctx.kafka.consumer({ groupId: `reader-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: ctx.topic(topic), fromBeginning: true });
  const out: { value: TopicValues[T]; headers: Record<string, string> }[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${out.length} of ${count} records on ${topic} after ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          out.push({ value: await ctx.serde.decode(topic, message.value!), headers });
          if (out.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** Every record a topic holds now (up to its current end offsets), decoded. */
export async function readAll<T extends TopicId>(ctx: TestContext, topic: T, name = ctx.topic(topic)): Promise<TopicValues[T][]> {
  const raw: Buffer[] = [];
  await scanTopic(ctx.kafka, ctx.admin, name, (r) => {
    if (r.value) raw.push(r.value);
  });
  return Promise.all(raw.map((b) => ctx.serde.decode(topic, b)));
}
