import type { z } from 'zod';
import type { Result } from '../lib/result.js';
import { eventIdOf, orderKeyOf } from '../topics/ids.js';
import type { OrderEvent, OrderStatus } from '../topics/schemas/order-event.js';
import type { StockApi } from './stock-api.js';
import type { UnfillableApi } from './unfillable-api.js';

export { eventIdOf, orderKeyOf };

/** One seller shop on one channel. Secrets come from configuration, never from the repo or logs. */
export interface ShopConfig {
  channel: string;
  shopId: string;
  brand: string;
  /** The platform's signing secret for this shop (Shopify: the app's client secret). */
  secret: string;
  /** Platform-specific extra credentials (app key, AES key, token…), by name. */
  credentials?: Readonly<Record<string, string>>;
  /** Base URL of the platform's API / message channel (the simulator, here). */
  endpoint?: string;
}

/** What a transport hands a connector: the exact bytes the platform sent, and its metadata. */
export interface InboundPush {
  headers: Record<string, string | string[] | undefined>;
  /** URL query parameters (WeChat and Meituan sign with them). */
  query?: Record<string, string | undefined>;
  rawBody: Buffer;
  receivedAt: number;
}

/** How the platform delivers order changes. */
export type Transport = 'webhook' | 'websocket' | 'poll';

/**
 * A channel connector, Kafka Connect style: it only knows its platform. Durability, dedupe,
 * dead letters and metrics are shared (connectors/gateway), so adding a channel is one folder plus
 * one line in connectors/registry.ts.
 *
 * Every transport ends in the same path: verify → decode → payloadSchema → normalize → Kafka.
 * Webhook channels are served by the HTTP gateway; WebSocket and polling channels bring a
 * `createSource` that feeds the same path and acknowledges the platform only after it returned.
 */
export interface ChannelConnector<Payload = unknown> {
  channel: string;
  transport: Transport;
  /** Platform payload validation (zod), applied to the decoded JSON; a failure is answered 400. */
  payloadSchema: z.ZodType<Payload>;
  /** The platform's status words → canonical state, kept as data so it can be reviewed and tested. */
  statusMap: Readonly<Record<string, OrderStatus>>;
  /** Authenticity check on the raw bytes / headers / query; a failure is answered 401. */
  verify(push: InboundPush, shop: ShopConfig): Result<void>;
  /** Raw bytes → JSON text: decrypts (Kuaishou, WeChat) or unwraps (form fields). Default: UTF-8. */
  decode?(push: InboundPush, shop: ShopConfig): Result<string>;
  /**
   * Platform payload → canonical events. One push may carry several orders (Douyin batches);
   * each normalizes or fails on its own. A failure (an unknown status, say) is dead-lettered.
   */
  normalize(payload: Payload, shop: ShopConfig, push: InboundPush): Result<OrderEvent>[];
  /** Body the platform expects on success, e.g. {"result":1} (Kuaishou), "success" (WeChat). */
  ackBody?(): unknown;
  /** For websocket and poll transports: a running source feeding `sink`. */
  createSource?(shop: ShopConfig, sink: PushSink, log: SourceLogger): ChannelSource;
  /**
   * Reconciliation: the platform's order query API, for orders modified in [from, to). Yields
   * payloads of the same shape the push path parses (they are trusted: the request was signed).
   */
  pull?(shop: ShopConfig, window: { from: Date; to: Date }): AsyncIterable<unknown>;
  /**
   * Sync-back: the platform's "ship" API (发货 / fulfillment), marking the order shipped with the
   * carrier (in the platform's own carrier code, mapped from ours as data) and the waybill number.
   * Executed by sinks/sync-back with retries; a failure not `retryable` ends the command as FAILED.
   */
  ship?(shop: ShopConfig, notice: ShipmentNotice): Promise<Result>;
  /** Stock sync: the platform's listing stock API (connectors/stock-api.ts), used by sinks/stock-push. */
  stock?: StockApi;
  /**
   * A paid order the hub cannot fill: the platform's seller cancellation, refund or out-of-stock
   * mark (connectors/unfillable-api.ts), used by sinks/channel-cancel. Absent where the platform
   * has none: such orders wait on the exception queue for a person.
   */
  unfillable?: UnfillableApi;
}

/**
 * A connector of any channel, whatever its payload type: what the registry holds and what code
 * serving every channel takes. Each connector's schema and normalize agree on its own payload, and
 * callers only pass one's schema output to the same one's normalize.
 */
// biome-ignore lint/suspicious/noExplicitAny: Payload is both produced (payloadSchema) and consumed (normalize), so no single type (unknown included) admits every channel's connector
export type AnyChannelConnector = ChannelConnector<any>;

import type { CarrierCode } from '../topics/carrier-codes.js';

export { CARRIERS, type CarrierCode } from '../topics/carrier-codes.js';

/** What a channel needs to mark an order shipped. */
export interface ShipmentNotice {
  channelOrderId: string;
  carrier: CarrierCode;
  waybillNo: string;
  shippedAt: number;
}

/** Where sources put what they receive: the gateway's ingest path. Resolves once durable (or refused). */
export interface PushSink {
  ingest(push: InboundPush): Promise<{ status: number; outcome: string; reason?: string }>;
}

export interface ChannelSource {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SourceLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/**
 * An event without lines carries a status only. It gets an id of its own, so the full order for
 * the same status and time (from the query API) is not taken for its duplicate.
 */
export function withDetailMarked(event: OrderEvent): OrderEvent {
  if (event.lines.length > 0 || event.detail === 'STATUS_ONLY') return event;
  return { ...event, detail: 'STATUS_ONLY', eventId: `${event.eventId}-s` };
}

/** What a connector knows of one order change; the rest of the canonical event is filled in one way. */
export type OrderFact = Omit<OrderEvent, 'eventId' | 'orderKey' | 'channel' | 'shopId' | 'brand' | 'receivedAt' | 'detail'>;

/** The canonical event for a channel fact: key, deterministic id, shop and brand, receipt time. */
export function orderEventOf(channel: string, shop: ShopConfig, push: InboundPush, fact: OrderFact): OrderEvent {
  const orderKey = orderKeyOf(channel, shop.shopId, fact.channelOrderId);
  return {
    eventId: eventIdOf(orderKey, fact.status, fact.occurredAt),
    orderKey,
    channel,
    shopId: shop.shopId,
    brand: shop.brand,
    receivedAt: push.receivedAt,
    ...fact,
  };
}
