/*
 * Shared plumbing of the carrier simulators (each carrier's index.ts speaks its carrier's
 * documented request, response and signature; this file only serves HTTP and injects faults).
 * These are simulators: the carriers' servers cannot be reached from here.
 */
import type { CarrierAccount } from '../../connectors/carriers/contract.js';
import { FaultQueue, type SimRequest, type SimResponse, type SimServer, startSimServer } from '../kit/index.js';

export type { SimRequest, SimResponse } from '../kit/index.js';

/** Orders the simulator has issued a waybill for: a repeated order id gets the same waybill. */
export class WaybillBook {
  private readonly byOrder = new Map<string, { waybillNo: string; sortCode: string }>();
  private readonly requests = new Map<string, number>();
  private seq = 0;

  constructor(
    private readonly format: (seq: number) => string,
    private readonly sortCodeOf: (province: string | null) => string,
  ) {}

  /** Counts a request for the order (every authentic request, injected failures included). */
  noteRequest(orderId: string): void {
    this.requests.set(orderId, (this.requests.get(orderId) ?? 0) + 1);
  }

  issue(orderId: string, province: string | null): { waybillNo: string; sortCode: string } {
    const known = this.byOrder.get(orderId);
    if (known) return known;
    const issued = { waybillNo: this.format(++this.seq), sortCode: this.sortCodeOf(province) };
    this.byOrder.set(orderId, issued);
    return issued;
  }

  requestsFor(orderId: string): number {
    return this.requests.get(orderId) ?? 0;
  }

  issuedFor(orderId: string): string | null {
    return this.byOrder.get(orderId)?.waybillNo ?? null;
  }

  get issuedCount(): number {
    return this.byOrder.size;
  }
}

/** Faults a test can inject: the next n requests fail with a 5xx, latency, unserved provinces. */
export class SimFaults {
  private readonly failures = new FaultQueue<number>();
  latencyMs = 0;
  readonly unservedProvinces = new Set<string>();

  failNext(n: number, status = 503): void {
    this.failures.set(status, n);
  }

  /** The status of an injected failure for this request, if one is due. */
  takeFailure(): number | null {
    return this.failures.take() ?? null;
  }
}

/** A carrier's HTTP server on 127.0.0.1 around its request handler. */
export abstract class CarrierSimServer {
  readonly faults = new SimFaults();
  private server: SimServer | null = null;

  protected abstract handle(req: SimRequest): Promise<SimResponse> | SimResponse;

  get url(): string {
    if (!this.server) throw new Error('simulator not started');
    return this.server.url;
  }

  /** Listens on 127.0.0.1:`port` (0: an ephemeral port) and returns the base URL. */
  async start(port = 0): Promise<string> {
    this.server = await startSimServer({
      port,
      contentType: 'application/json;charset=UTF-8',
      routes: [{ method: 'ANY', path: '/*', handler: (req) => this.handle(req) }],
      latencyMs: () => this.faults.latencyMs,
      // A stopped carrier drops connections, requests in flight included.
      forceClose: true,
    });
    return this.server.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close();
  }
}

/** Sort codes the simulators print: a stable made-up code per destination province. */
export function simSortCode(prefix: string, province: string | null): string {
  let h = 0;
  for (const ch of province ?? '-') h = (h * 31 + ch.codePointAt(0)!) % 900;
  return `${prefix}${100 + h}`;
}

/** `n` as a zero-padded decimal of `width` digits (waybill serials). */
export function digits(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** One tracking record a simulator should push, in neutral words. */
export interface SimRoute {
  waybillNo: string;
  /** The merchant order id (our shipmentId). */
  orderId: string;
  /** The carrier's own code for the scan. */
  code: string;
  at: number;
  description?: string;
  eventId?: string;
}

/** A signed push, as the carrier would POST it to /carriers/:carrier/tracking. */
export interface SimPush {
  headers: Record<string, string>;
  /** Query string (with "?"), or "". */
  query: string;
  body: string;
}

/** What every carrier simulator offers tests and the bench. */
export interface CarrierSimulator {
  readonly carrier: string;
  readonly faults: SimFaults;
  readonly book: WaybillBook;
  readonly url: string;
  start(port?: number): Promise<string>;
  stop(): Promise<void>;
  /** Credentials this simulator accepts (endpoint = its url: start it first). */
  account(timeoutMs?: number): CarrierAccount;
  /** Tracking records as the carrier's signed push. */
  trackingPush(routes: SimRoute[]): SimPush;
}
