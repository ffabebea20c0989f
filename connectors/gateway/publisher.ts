import type { Producer } from 'kafkajs';
import { topicName } from '../../topics/catalog.js';
import type { DeadLetter } from '../../topics/schemas/dead-letter.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import type { RawChannelEvent } from '../../topics/schemas/raw-channel-event.js';
import type { TopicSerde } from '../../topics/serde.js';

export class KafkaUnavailableError extends Error {
  override name = 'KafkaUnavailableError';
}

/**
 * Writes one push durably: the raw bytes for audit, plus either the canonical event or a
 * dead letter. Resolves only once Kafka has them (acks=all), within `timeoutMs`.
 */
export class PushPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly serde: TopicSerde,
    private readonly namespace: string,
    private readonly timeoutMs = 4000,
  ) {}

  async publish(raw: RawChannelEvent, key: string, outcome: { event: OrderEvent } | { deadLetter: DeadLetter }): Promise<void> {
    const topicMessages = [{ topic: topicName(this.namespace, 'channelRaw'), messages: [{ key, value: await this.serde.encode('channelRaw', raw) }] }];
    if ('event' in outcome) {
      topicMessages.push({ topic: topicName(this.namespace, 'orderEvents'), messages: [{ key, value: await this.serde.encode('orderEvents', outcome.event) }] });
    } else {
      topicMessages.push({
        topic: topicName(this.namespace, 'deadLetter'),
        messages: [{ key, value: await this.serde.encode('deadLetter', outcome.deadLetter), headers: { 'x-omnistream-reason': outcome.deadLetter.reason } } as never],
      });
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.producer.sendBatch({ topicMessages, acks: -1 }),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new KafkaUnavailableError(`Kafka did not confirm within ${this.timeoutMs} ms`)), this.timeoutMs); }),
      ]);
    } catch (err) {
      throw err instanceof KafkaUnavailableError ? err : new KafkaUnavailableError((err as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }
}
