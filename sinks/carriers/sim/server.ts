/*
 * Shared plumbing of the carrier simulators (each carrier's simulator.ts speaks its carrier's
 * documented request, response and signature; this file only serves HTTP and injects faults).
 * These are simulators: the carriers' servers cannot be reached from here.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface SimResponse {
  status: number;
  contentType?: string;
  body: string;
}

/** Orders the simulator has issued a waybill for: a repeated order id gets the same waybill. */
export class WaybillBook {
  private readonly byOrder = new Map<string, { waybillNo: string; sortCode: string }>();
  private readonly requests = new Map<string, number>();
  private seq = 0;

  constructor(private readonly format: (seq: number) => string, private readonly sortCodeOf: (province: string | null) => string) {}

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
  private failures: { remaining: number; status: number } = { remaining: 0, status: 503 };
  latencyMs = 0;
  readonly unservedProvinces = new Set<string>();

  failNext(n: number, status = 503): void {
    this.failures = { remaining: n, status };
  }

  /** The status of an injected failure for this request, if one is due. */
  takeFailure(): number | null {
    if (this.failures.remaining <= 0) return null;
    this.failures.remaining -= 1;
    return this.failures.status;
  }
}

/** An HTTP server on an ephemeral port around a carrier's request handler. */
export abstract class CarrierSimServer {
  readonly faults = new SimFaults();
  private server: Server | null = null;
  private base = '';

  protected abstract handle(req: SimRequest): Promise<SimResponse> | SimResponse;

  get url(): string {
    if (!this.base) throw new Error('simulator not started');
    return this.base;
  }

  /** Listens on 127.0.0.1:`port` (0: an ephemeral port) and returns the base URL. */
  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://sim');
        void (async () => {
          if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
          const out = await this.handle({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks) });
          res.writeHead(out.status, { 'content-type': out.contentType ?? 'application/json;charset=UTF-8' });
          res.end(out.body);
        })().catch((err: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`simulator error: ${err.message}`);
        });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
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
  account(timeoutMs?: number): import('../contract.js').CarrierAccount;
  /** Tracking records as the carrier's signed push. */
  trackingPush(routes: SimRoute[]): SimPush;
}
