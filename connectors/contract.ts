import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { OrderEvent, OrderStatus } from '../topics/schemas/order-event.js';

/** One seller shop on one channel. Secrets come from configuration, never from the repo or logs. */
export interface ShopConfig {
  channel: string;
  shopId: string;
  brand: string;
  /** The platform's signing secret for this shop (Shopify: the app's client secret). */
  secret: string;
}

/** What the gateway hands a connector: the exact bytes the platform sent, and its headers. */
export interface InboundPush {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  receivedAt: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * A channel connector, Kafka Connect style: it only knows its platform. The gateway (HTTP,
 * durability, DLQ, metrics) is shared, so adding a channel is one folder plus one registry line.
 */
export interface ChannelConnector<Payload = unknown> {
  channel: string;
  /** Platform payload validation (zod); a failure is answered 400 with the reason. */
  payloadSchema: z.ZodType<Payload>;
  /** The platform's status words → canonical state, kept as data so it can be reviewed and tested. */
  statusMap: Readonly<Record<string, OrderStatus>>;
  /** Authenticity check on the raw bytes; a failure is answered 401. */
  verify(push: InboundPush, shop: ShopConfig): Outcome<void>;
  /**
   * Platform payload → canonical event. A well-formed payload the hub cannot map (an unknown
   * status, say) is an Outcome failure: the gateway acknowledges it and dead-letters it.
   */
  normalize(payload: Payload, shop: ShopConfig, push: InboundPush): Outcome<OrderEvent>;
}

export function orderKeyOf(channel: string, shopId: string, channelOrderId: string): string {
  return `${channel}:${shopId}:${channelOrderId}`;
}

/** Same channel fact → same id, however often or by whichever path (push, pull) it arrives. */
export function eventIdOf(orderKey: string, status: OrderStatus, occurredAt: number): string {
  return createHash('sha256').update(`${orderKey}|${status}|${occurredAt}`).digest('hex').slice(0, 32);
}
