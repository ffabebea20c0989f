import { OmnistreamError } from '../../lib/errors.js';
import type { OutputBatch } from '../../lib/publish.js';
import type { DeadLetter } from '../../topics/schemas/dead-letter.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import type { RawChannelEvent } from '../../topics/schemas/raw-channel-event.js';

const kafkaUnavailable = (message: string) => new OmnistreamError('kafka', message, { retryable: true });

/** The topics one push is written to. */
export type PushTopics = 'channelRaw' | 'orderEvents' | 'deadLetter';

/** Writes a batch of push records durably (a part's publishBatch, or lib/publish's batchWriter). */
export type PushWriter = (batch: OutputBatch<PushTopics>) => Promise<void>;

/**
 * Writes one push durably: the raw bytes for audit, its canonical events and its dead letters, in
 * one produce request shared with concurrent pushes. Resolves only once Kafka has them (acks=all),
 * within `timeoutMs`; else throws an OmnistreamError coded "kafka" (retryable: the platform resends).
 */
export class PushPublisher {
  constructor(
    private readonly write: PushWriter,
    private readonly timeoutMs = 4000,
  ) {}

  async publish(raw: RawChannelEvent, rawKey: string, events: OrderEvent[], deadLetters: DeadLetter[]): Promise<void> {
    const batch: OutputBatch<PushTopics> = {
      channelRaw: [{ key: rawKey, value: raw }],
      orderEvents: events.map((e) => ({ key: e.orderKey, value: e })),
      deadLetter: deadLetters.map((d) => ({ key: d.key, value: d, headers: { 'x-omnistream-reason': d.reason } })),
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.write(batch),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(kafkaUnavailable(`Kafka did not confirm within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
    } catch (err) {
      throw err instanceof OmnistreamError && err.code === 'kafka' ? err : kafkaUnavailable((err as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }
}
