import type { Redis } from 'ioredis';
import type { ChannelConnector, InboundPush, ShopConfig } from '../contract.js';
import type { RawChannelEvent } from '../../topics/schemas/raw-channel-event.js';
import { KafkaUnavailableError, type PushPublisher } from './publisher.js';

/** The answer the gateway gives the platform; `status` is the HTTP status. */
export interface IngestResult {
  status: 200 | 202 | 400 | 401 | 503;
  outcome: 'accepted' | 'duplicate' | 'dead_lettered' | 'rejected' | 'unavailable';
  reason?: string;
  eventId?: string;
  orderKey?: string;
}

const SEEN_TTL_SECONDS = 3 * 24 * 3600; // longer than any platform's retry schedule
const CLAIM_TTL_SECONDS = 30;

/**
 * One push, start to finish: authenticity, payload shape, normalization, durable write, dedupe.
 * Never throws: every input ends in an answer with a reason.
 */
export class PushIngestor {
  constructor(
    private readonly publisher: PushPublisher,
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  async ingest(connector: ChannelConnector, shop: ShopConfig, push: InboundPush): Promise<IngestResult> {
    const verified = connector.verify(push, shop);
    if (!verified.ok) return { status: 401, outcome: 'rejected', reason: verified.reason };

    let json: unknown;
    try {
      json = JSON.parse(push.rawBody.toString('utf8'));
    } catch (err) {
      return { status: 400, outcome: 'rejected', reason: `invalid JSON: ${(err as Error).message}` };
    }
    const parsed = connector.payloadSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      return { status: 400, outcome: 'rejected', reason: `payload does not match the ${connector.channel} schema: ${issues.join('; ')}` };
    }

    const normalized = connector.normalize(parsed.data, shop, push);
    const raw: RawChannelEvent = {
      channel: connector.channel, shopId: shop.shopId, deliveryId: deliveryIdOf(push), receivedAt: push.receivedAt,
      headers: signatureFreeHeaders(push.headers), body: push.rawBody,
    };
    try {
      if (!normalized.ok) {
        const key = `${connector.channel}:${shop.shopId}`;
        await this.publisher.publish(raw, key, { deadLetter: {
          source: `gateway:${connector.channel}`, reason: normalized.reason, channel: connector.channel, shopId: shop.shopId,
          key, payload: push.rawBody, occurredAt: push.receivedAt,
        } });
        // Acknowledged: the platform resending the same payload would not help; the DLQ holds it.
        return { status: 202, outcome: 'dead_lettered', reason: normalized.reason };
      }
      const event = normalized.value;
      // Claim the event for a short while, so two concurrent deliveries of it are stored once; it
      // is marked done only after Kafka confirmed. A crash in between lets the claim expire and the
      // platform's retry through: a redelivery at worst, never a loss.
      const seenKey = `{${this.namespace || 'omnistream'}}:gw:seen:${event.eventId}`;
      const claimed = await this.redis.set(seenKey, 'pending', 'EX', CLAIM_TTL_SECONDS, 'NX');
      if (!claimed) {
        if ((await this.redis.get(seenKey)) !== 'pending') return { status: 200, outcome: 'duplicate', eventId: event.eventId, orderKey: event.orderKey };
        return { status: 503, outcome: 'unavailable', reason: 'the same event is being stored by another delivery; retry' };
      }
      try {
        await this.publisher.publish(raw, event.orderKey, { event });
      } catch (err) {
        await this.redis.del(seenKey).catch(() => {});
        throw err;
      }
      await this.redis.set(seenKey, 'done', 'EX', SEEN_TTL_SECONDS);
      return { status: 200, outcome: 'accepted', eventId: event.eventId, orderKey: event.orderKey };
    } catch (err) {
      if (err instanceof KafkaUnavailableError) return { status: 503, outcome: 'unavailable', reason: `event store unavailable: ${err.message}` };
      return { status: 503, outcome: 'unavailable', reason: `temporary failure: ${(err as Error).message}` };
    }
  }
}

function deliveryIdOf(push: InboundPush): string | null {
  const id = push.headers['x-shopify-webhook-id'] ?? push.headers['x-delivery-id'];
  return typeof id === 'string' ? id : null;
}

/** Signatures are useless after verification and would let a topic reader replay a push. */
function signatureFreeHeaders(headers: InboundPush['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || /hmac|sign|authorization|cookie/i.test(k)) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
