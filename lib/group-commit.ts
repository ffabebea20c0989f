import type { Message, Producer } from 'kafkajs';

export interface TopicMessages {
  topic: string;
  messages: Message[];
}

/**
 * Bytes of keys and values one produce request may carry. The broker refuses a record batch above
 * message.max.bytes (1 MB by default), and a request carries one batch per partition: well under it.
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** What a message weighs against MAX_REQUEST_BYTES. */
export function bytesOf(m: Message): number {
  const key = typeof m.key === 'string' ? Buffer.byteLength(m.key) : ((m.key as Buffer | null | undefined)?.length ?? 0);
  return key + ((m.value as Buffer | null)?.length ?? 0);
}

interface Waiter {
  batch: TopicMessages[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for an idempotent producer. Such a producer sends one request at a time, so a
 * request per caller would queue every caller behind the previous acknowledgement. Instead,
 * whatever arrives while a send is in flight rides on the next send together: one request, one
 * acks=all round trip, every caller resolved (or rejected) by it. Latency stays one round trip at
 * low load; throughput grows with concurrency.
 */
export class GroupCommitSender {
  private waiting: Waiter[] = [];
  private sending = false;

  constructor(
    private readonly producer: Producer,
    private readonly maxMessages = 5000,
  ) {}

  send(batch: TopicMessages[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ batch, resolve, reject });
      if (!this.sending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.sending = true;
    while (this.waiting.length > 0) {
      const group = this.take();
      const byTopic = new Map<string, Message[]>();
      for (const w of group) for (const t of w.batch) byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), ...t.messages]);
      try {
        await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
        for (const w of group) w.resolve();
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    this.sending = false;
  }

  /** The callers that fit in one request (at least one, however large). */
  private take(): Waiter[] {
    let count = 0;
    let bytes = 0;
    let n = 0;
    while (n < this.waiting.length) {
      const batch = this.waiting[n]!.batch;
      const size = batch.reduce((s, t) => s + t.messages.length, 0);
      const weight = batch.reduce((s, t) => s + t.messages.reduce((b, m) => b + bytesOf(m), 0), 0);
      if (n > 0 && (count + size > this.maxMessages || bytes + weight > MAX_REQUEST_BYTES)) break;
      count += size;
      bytes += weight;
      n += 1;
    }
    return this.waiting.splice(0, n);
  }
}
