import type { InboundPush, PushSink, SourceLogger } from '../contract.js';

/**
 * The message-channel rule: hand the message to the sink, and acknowledge it to the platform only
 * when the sink answered below 500 (stored, or refused for good). Otherwise leave it unacknowledged,
 * so the platform redelivers it. `what` names the message in the logs ("TMC message").
 */
export async function deliverThenAck(sink: PushSink, push: InboundPush, ack: () => void, log: SourceLogger, logged: object, what: string): Promise<void> {
  let result: Awaited<ReturnType<PushSink['ingest']>>;
  try {
    result = await sink.ingest(push);
  } catch (err) {
    log.warn({ ...logged, err: (err as Error).message }, `sink failed; ${what} left unacknowledged for redelivery`);
    return;
  }
  if (result.status < 500) {
    ack();
    log.info({ ...logged, outcome: result.outcome }, `${what} stored; acknowledged`);
  } else {
    log.warn({ ...logged, outcome: result.outcome, reason: result.reason }, `${what} not stored; left unacknowledged for redelivery`);
  }
}
