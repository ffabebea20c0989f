import type { Redis } from 'ioredis';
import { OmnistreamError } from '../../lib/errors.js';
import { acquireLease, type Lease } from '../../lib/lease.js';
import type { DeadLetter } from '../../topics/schemas/dead-letter.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import type { RawChannelEvent } from '../../topics/schemas/raw-channel-event.js';
import { type ChannelConnector, type InboundPush, type ShopConfig, withDetailMarked } from '../contract.js';
import type { PushPublisher } from './publisher.js';

/** The answer given to the platform (or to a WebSocket/poll source); `status` is the HTTP status. */
export interface IngestResult {
  status: 200 | 202 | 400 | 401 | 503;
  outcome: 'accepted' | 'duplicate' | 'dead_lettered' | 'rejected' | 'unavailable';
  reason?: string;
  /** Why it was not stored as is, set where that was decided: a metric label, so a fixed set, never free text. */
  code?: 'signature' | 'decode' | 'json' | 'schema' | 'no_order' | 'in_flight' | 'kafka' | 'store' | 'unmapped';
  /** The events this push carried (new or repeated). */
  eventIds?: string[];
  orderKeys?: string[];
}

const SEEN_TTL_SECONDS = 3 * 24 * 3600; // longer than any platform's retry schedule
const CLAIM_TTL_SECONDS = 30;

/** Options for payloads the hub fetched itself (reconciliation pull): trusted and already decoded. */
export interface IngestOptions {
  trusted?: boolean;
}

/**
 * One push, start to finish: authenticity, decoding, payload shape, normalization, durable write,
 * dedupe. Never throws: every input ends in an answer with a reason.
 */
export class PushIngestor {
  constructor(
    private readonly publisher: PushPublisher,
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  async ingest(connector: ChannelConnector, shop: ShopConfig, push: InboundPush, opts: IngestOptions = {}): Promise<IngestResult> {
    if (!opts.trusted) {
      const verified = connector.verify(push, shop);
      if (!verified.ok) return { status: 401, outcome: 'rejected', code: 'signature', reason: verified.reason };
    }
    // What the hub fetched itself (a pull) is already plain JSON: no decryption, no form fields.
    const text = connector.decode && !opts.trusted ? connector.decode(push, shop) : { ok: true as const, value: push.rawBody.toString('utf8') };
    if (!text.ok) return { status: 400, outcome: 'rejected', code: 'decode', reason: text.reason };

    let json: unknown;
    try {
      json = JSON.parse(text.value);
    } catch {
      // JSON.parse quotes the input in its message: never echo it (it may hold buyer data).
      return { status: 400, outcome: 'rejected', code: 'json', reason: 'invalid JSON: the body does not parse' };
    }
    const parsed = connector.payloadSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      return { status: 400, outcome: 'rejected', code: 'schema', reason: `payload does not match the ${connector.channel} schema: ${issues.join('; ')}` };
    }
    const normalized = connector.normalize(parsed.data, shop, push).map((n) => (n.ok ? { ok: true as const, value: withDetailMarked(n.value) } : n));
    if (normalized.length === 0) return { status: 400, outcome: 'rejected', code: 'no_order', reason: `the ${connector.channel} push carries no order` };
    try {
      return await this.store(connector, shop, push, normalized);
    } catch (err) {
      const message = (err as Error).message;
      const kafka = err instanceof OmnistreamError && err.code === 'kafka';
      return {
        status: 503,
        outcome: 'unavailable',
        code: kafka ? 'kafka' : 'store',
        reason: kafka ? `event store unavailable: ${message}` : `temporary failure: ${message}`,
      };
    }
  }

  private async store(
    connector: ChannelConnector,
    shop: ShopConfig,
    push: InboundPush,
    normalized: ReturnType<ChannelConnector['normalize']>,
  ): Promise<IngestResult> {
    const events: OrderEvent[] = [];
    const deadLetters: DeadLetter[] = [];
    const repeated: OrderEvent[] = [];
    const claims: Lease[] = [];
    const release = () => Promise.all(claims.map((c) => c.release().catch(() => false)));
    for (const n of normalized) {
      if (!n.ok) {
        deadLetters.push({
          source: `gateway:${connector.channel}`,
          reason: n.reason,
          channel: connector.channel,
          shopId: shop.shopId,
          key: `${connector.channel}:${shop.shopId}`,
          payload: push.rawBody,
          occurredAt: push.receivedAt,
        });
        continue;
      }
      // Claim each event for a short while, so concurrent deliveries of it are stored once; it is
      // marked done only after Kafka confirmed. A crash in between lets the claim expire and the
      // platform's retry through: a redelivery at worst, never a loss. The claim is a lease (a
      // token), so a delivery whose claim expired cannot release the claim of the next one.
      const seenKey = this.seenKey(n.value.eventId);
      const claim = await acquireLease(this.redis, seenKey, CLAIM_TTL_SECONDS * 1000);
      if (claim) {
        claims.push(claim);
        events.push(n.value);
      } else if ((await this.redis.get(seenKey)) === 'done') {
        repeated.push(n.value);
      } else {
        await release();
        return { status: 503, outcome: 'unavailable', code: 'in_flight', reason: 'the same event is being stored by another delivery; retry' };
      }
    }
    const all = [...events, ...repeated];
    const ids = { eventIds: all.map((e) => e.eventId), orderKeys: all.map((e) => e.orderKey) };
    if (events.length === 0 && deadLetters.length === 0) return { status: 200, outcome: 'duplicate', ...ids };

    const raw: RawChannelEvent = {
      channel: connector.channel,
      shopId: shop.shopId,
      deliveryId: deliveryIdOf(push),
      receivedAt: push.receivedAt,
      headers: signatureFreeHeaders(push.headers),
      body: push.rawBody,
    };
    try {
      await this.publisher.publish(raw, events[0]?.orderKey ?? `${connector.channel}:${shop.shopId}`, events, deadLetters);
    } catch (err) {
      await release();
      throw err;
    }
    if (claims.length) {
      const marks = this.redis.multi();
      for (const c of claims) marks.set(c.key, 'done', 'EX', SEEN_TTL_SECONDS);
      await marks.exec();
    }
    if (events.length > 0)
      return {
        status: 200,
        outcome: 'accepted',
        ...ids,
        reason: deadLetters.length ? `${deadLetters.length} dead-lettered: ${deadLetters[0]!.reason}` : undefined,
      };
    if (repeated.length > 0) return { status: 200, outcome: 'duplicate', ...ids, reason: `${deadLetters.length} dead-lettered: ${deadLetters[0]!.reason}` };
    // Acknowledged: the platform resending the same payload would not help; the DLQ holds it.
    return { status: 202, outcome: 'dead_lettered', code: 'unmapped', reason: deadLetters.map((d) => d.reason).join('; ') };
  }

  private seenKey(eventId: string): string {
    return `{${this.namespace || 'omnistream'}}:gw:seen:${eventId}`;
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
