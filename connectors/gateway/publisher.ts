import type { Message, Producer } from 'kafkajs';
import { GroupCommitSender } from '../../lib/group-commit.js';
import { topicName } from '../../topics/catalog.js';
import type { DeadLetter } from '../../topics/schemas/dead-letter.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import type { RawChannelEvent } from '../../topics/schemas/raw-channel-event.js';
import type { TopicSerde } from '../../topics/serde.js';

export class KafkaUnavailableError extends Error {
  override name = 'KafkaUnavailableError';
}

/**
 * Writes one push durably: the raw bytes for audit, its canonical events and its dead letters. Resolves only once Kafka has them (acks=all), within `timeoutMs`.
 */
export class PushPublisher {
  private readonly sender: GroupCommitSender;

  constructor(
    producer: Producer,
    private readonly serde: TopicSerde,
    private readonly namespace: string,
    private readonly timeoutMs = 4000,
  ) {
    this.sender = new GroupCommitSender(producer);
  }

  async publish(raw: RawChannelEvent, rawKey: string, events: OrderEvent[], deadLetters: DeadLetter[]): Promise<void> {
    const encode = this.serde.encode.bind(this.serde);
    const topicMessages: { topic: string; messages: Message[] }[] = [
      { topic: topicName(this.namespace, 'channelRaw'), messages: [{ key: rawKey, value: await encode('channelRaw', raw) }] },
    ];
    if (events.length > 0) {
      topicMessages.push({ topic: topicName(this.namespace, 'orderEvents'), messages: await Promise.all(events.map(async (e) => ({ key: e.orderKey, value: await encode('orderEvents', e) }))) });
    }
    if (deadLetters.length > 0) {
      topicMessages.push({
        topic: topicName(this.namespace, 'deadLetter'),
        messages: await Promise.all(deadLetters.map(async (d) => ({ key: d.key, value: await encode('deadLetter', d), headers: { 'x-omnistream-reason': d.reason } }))),
      });
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.sender.send(topicMessages),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new KafkaUnavailableError(`Kafka did not confirm within ${this.timeoutMs} ms`)), this.timeoutMs); }),
      ]);
    } catch (err) {
      throw err instanceof KafkaUnavailableError ? err : new KafkaUnavailableError((err as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }
}
