import { type Failure, fail, type Result } from '../../lib/result.js';
import type { FulfilmentEvent, FulfilmentEventKind } from '../../topics/schemas/fulfilment-event.js';
import type { Shipment } from '../../topics/schemas/shipment.js';

/**
 * One carrier account of the hub (a monthly-settlement customer at SF, a ZTO partner…). Secrets
 * come from configuration (OMNISTREAM_CARRIERS), never from the repo or logs.
 */
export interface CarrierAccount {
  /** Registry code: "sf", "zto", "yto", "jd". */
  carrier: string;
  /** Base URL of the carrier's API (the simulator's `url`, here). */
  endpoint: string;
  /** The signing secret (SF checkWord, ZTO appSecret, YTO secret, JD appSecret). */
  secret: string;
  /** Carrier-specific credentials by name (partnerID, companyId, appKey, monthlyCard…). */
  credentials: Readonly<Record<string, string>>;
  /** Per-attempt HTTP timeout, ms. */
  timeoutMs: number;
}

/** What a carrier issued: the waybill number and, where it prints one, its sorting code. */
export interface Waybill {
  waybillNo: string;
  sortCode?: string;
}

/** What the HTTP route hands a carrier: the exact bytes the carrier sent, and its metadata. */
export interface TrackingPush {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | undefined>;
  rawBody: Buffer;
  receivedAt: number;
}

/** A tracking push whose signature does not hold: answered 401 (any other failure: 400). */
export const unsigned = (reason: string): Failure => fail(reason, { code: 'signature' });

/** A carrier's tracking code → canonical kind (null: noted but not a milestone we publish). */
export type TrackingStatusMap = Readonly<Record<string, FulfilmentEventKind>>;

/**
 * A carrier adapter, one folder per carrier registered in registry.ts. It knows only its carrier's
 * API: retries, idempotence bookkeeping and Kafka are the waybill service's.
 */
export interface CarrierAdapter {
  code: string;
  /** For labels and logs: "SF Express", "ZTO Express"… */
  displayName: string;
  /**
   * Asks for an e-waybill. The carrier's order id is the shipmentId: a repeat of it is answered
   * with the same waybill, so a retry never creates a second parcel.
   */
  requestWaybill(shipment: Shipment, account: CarrierAccount): Promise<Result<Waybill>>;
  /** The carrier's tracking codes → canonical kinds, as data (reviewed and unit-tested). */
  trackingStatusMap: TrackingStatusMap;
  /** Verifies the push's signature, then turns its route records into FulfilmentEvents. */
  parseTrackingPush(push: TrackingPush, account: CarrierAccount): Result<FulfilmentEvent[]>;
  /** The body (and content type) the carrier documents as "received", answered after Kafka has it. */
  trackingAck(): { contentType: string; body: string };
}
