import { AssignerProtocol, Kafka, type LogEntry, logLevel, Partitioners, type Producer } from 'kafkajs';

// The rest of the hub names Kafka's types through here: only lib/ imports the client library.
export type { Admin, Consumer, Kafka, Message, Producer } from 'kafkajs';

import type { Logger } from './logger.js';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose own logs go through pino (JSON), at warn and above by default. */
export function createKafka(brokers: string[], clientId: string, log: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, ...extra } = entry;
        // Accepted on purpose (see createDurableProducer): callers time out and answer 503 instead.
        if (message.startsWith('Limiting retries for the idempotent producer')) return;
        log[LEVELS[level] ?? 'info']({ kafkajs: namespace, ...extra }, message);
      },
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5000 },
  });
}

/**
 * The producer every component uses: idempotent, acks from all in-sync replicas, so a send that
 * resolved is durable and a retried send is not written twice.
 */
export function createDurableProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    // Bounded: callers (the webhook gateway) must be able to answer 503 while Kafka is away.
    retry: { retries: 6, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

/** A plain producer for load generators (benchmarks): no idempotence, so sends are not serialised. */
export function createLoadProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: false, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
}

/** The partitions a consumer group member holds, by topic, from its describeGroups memberAssignment. */
export function memberAssignmentOf(memberAssignment: Buffer): Record<string, number[]> {
  if (memberAssignment.length === 0) return {};
  return AssignerProtocol.MemberAssignment.decode(memberAssignment)?.assignment ?? {};
}
