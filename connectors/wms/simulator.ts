import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ScanType } from './scans.js';
import { signedHeaders, verifyWmsSignature } from './signature.js';

/**
 * A simulator of a generic WMS contract (see README.md): per warehouse, shipments move
 * allocated → picked → packed → shipped (or intercepted); each scan is pushed to the hub, signed;
 * the hub's intercept call is answered "intercepted" until the parcel is scanned out, then refused.
 * Faults: the next n intercept calls can be made to fail with a 5xx.
 * HTTP: POST /wms/:warehouse/intercept (signed, the contract), and for driving it by hand
 * POST /wms/:warehouse/shipments {shipmentId, orderKey, lines, waybillNo?} and
 * POST /wms/:warehouse/shipments/:shipmentId/scans {type} (performs the scan and pushes it to the hub).
 */
export type SimShipmentState = 'allocated' | 'picked' | 'packed' | 'shipped' | 'intercepted';

export interface SimShipment {
  shipmentId: string;
  orderKey: string;
  lines: { sku: string; quantity: number }[];
  waybillNo: string | null;
  state: SimShipmentState;
}

export interface SimScan {
  scanId: string;
  type: ScanType;
  shipmentId: string;
  orderKey: string;
  waybillNo?: string | null;
  lines: { sku: string; quantity: number }[];
  scannedAt: number | string;
  operator?: string;
}

export interface WmsSimulatorOptions {
  /** Warehouse code → secret shared with the hub. */
  warehouses: Record<string, string>;
  /** The hub's base URL (or how to get it, when the hub starts after the simulator); scans go to `${hubUrl}/wms/<warehouse>/scans`. */
  hubUrl: string | (() => string);
  port?: number;
  host?: string;
  now?: () => number;
}

export interface WmsSimulator {
  /** Base URL of the simulator; a warehouse's API endpoint is `${url}/wms/<code>`. */
  url: string;
  endpoint(warehouse: string): string;
  allocate(warehouse: string, shipment: Omit<SimShipment, 'state' | 'waybillNo'> & { waybillNo?: string | null }): void;
  /** Performs the next scan on a shipment and pushes it to the hub; returns the hub's answer and what was sent. */
  scan(warehouse: string, shipmentId: string, type: ScanType): Promise<{ status: number; body: unknown; sent: SimScan }>;
  /** Pushes scans as given, signed (or signed with another secret, for tests of rejection). */
  push(warehouse: string, scans: SimScan | SimScan[], opts?: { secret?: string; timestamp?: number }): Promise<{ status: number; body: unknown }>;
  state(warehouse: string, shipmentId: string): SimShipmentState | undefined;
  /** The next `count` intercept calls answer `status` (default 503) without doing anything. */
  failNextIntercepts(count: number, status?: number): void;
  /** Intercept calls received (including failed ones). */
  interceptCalls(): number;
  close(): Promise<void>;
}

const NEXT: Readonly<Record<ScanType, { from: SimShipmentState; to: SimShipmentState }>> = {
  PICKED: { from: 'allocated', to: 'picked' },
  PACKED: { from: 'picked', to: 'packed' },
  SCAN_OUT: { from: 'packed', to: 'shipped' },
};

const interceptBody = z.object({ shipmentId: z.string().min(1).nullish(), orderKey: z.string().min(1).nullish(), reason: z.string().min(1) })
  .refine((b) => b.shipmentId || b.orderKey, 'shipmentId or orderKey is required');

export async function startWmsSimulator(opts: WmsSimulatorOptions): Promise<WmsSimulator> {
  const now = opts.now ?? Date.now;
  const shipments = new Map<string, Map<string, SimShipment>>(Object.keys(opts.warehouses).map((w) => [w, new Map()]));
  let failures = { count: 0, status: 503 };
  let calls = 0;

  // Shipment ids are orderKey#warehouse: longer than the router's default 100-character parameter at times.
  const app: FastifyInstance = Fastify({ logger: false, routerOptions: { maxParamLength: 512 } });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post<{ Params: { warehouse: string } }>('/wms/:warehouse/intercept', async (req, reply) => {
    calls++;
    const secret = opts.warehouses[req.params.warehouse];
    const own = shipments.get(req.params.warehouse);
    if (!secret || !own) return reply.code(404).send({ result: 'error', reason: `unknown warehouse ${req.params.warehouse}` });
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verified = verifyWmsSignature(secret, req.headers, raw, now());
    if (!verified.ok) return reply.code(401).send({ result: 'error', reason: verified.reason });
    if (failures.count > 0) {
      failures.count--;
      return reply.code(failures.status).send({ result: 'error', reason: 'simulated WMS outage' });
    }
    let json: unknown;
    try { json = JSON.parse(raw.toString('utf8')); } catch { return reply.code(400).send({ result: 'error', reason: 'invalid JSON' }); }
    const body = interceptBody.safeParse(json);
    if (!body.success) return reply.code(400).send({ result: 'error', reason: body.error.issues.map((i) => i.message).join('; ') });
    const found = body.data.shipmentId ? own.get(body.data.shipmentId) : [...own.values()].find((s) => s.orderKey === body.data.orderKey);
    if (!found) return reply.code(404).send({ result: 'error', reason: 'unknown shipment' });
    if (found.state === 'shipped') return reply.code(409).send({ result: 'refused', shipmentId: found.shipmentId, reason: 'already scanned out' });
    found.state = 'intercepted'; // idempotent: intercepting an intercepted parcel answers the same
    return reply.code(200).send({ result: 'intercepted', shipmentId: found.shipmentId });
  });
  // Control routes (unsigned: a test or demo driving the simulated warehouse floor).
  const allocateBody = z.object({ shipmentId: z.string().min(1), orderKey: z.string().min(1), waybillNo: z.string().nullish(), lines: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive() })).min(1) });
  app.post<{ Params: { warehouse: string } }>('/wms/:warehouse/shipments', async (req, reply) => {
    const body = allocateBody.safeParse(parseJson(req.body));
    if (!body.success || !shipments.has(req.params.warehouse)) return reply.code(400).send({ error: body.success ? 'unknown warehouse' : body.error.message });
    sim.allocate(req.params.warehouse, body.data);
    return { state: 'allocated' };
  });
  app.post<{ Params: { warehouse: string; shipmentId: string } }>('/wms/:warehouse/shipments/:shipmentId/scans', async (req, reply) => {
    const body = z.object({ type: z.enum(['PICKED', 'PACKED', 'SCAN_OUT']) }).safeParse(parseJson(req.body));
    if (!body.success) return reply.code(400).send({ error: body.error.message });
    try {
      const res = await sim.scan(req.params.warehouse, req.params.shipmentId, body.data.type);
      return { hubStatus: res.status, hubAnswer: res.body, scanId: res.sent.scanId };
    } catch (err) {
      return reply.code(409).send({ error: (err as Error).message });
    }
  });

  const address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const url = address.replace('[::1]', '127.0.0.1');

  const ownOf = (warehouse: string) => {
    const own = shipments.get(warehouse);
    if (!own) throw new Error(`the simulator does not run warehouse ${warehouse}`);
    return own;
  };

  const push: WmsSimulator['push'] = async (warehouse, scans, o = {}) => {
    const secret = o.secret ?? opts.warehouses[warehouse];
    if (!secret) throw new Error(`no secret for ${warehouse}`);
    const body = JSON.stringify(scans);
    const res = await fetch(`${typeof opts.hubUrl === 'string' ? opts.hubUrl : opts.hubUrl()}/wms/${warehouse}/scans`, { method: 'POST', headers: signedHeaders(secret, body, o.timestamp ?? now()), body });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON: keep the text */ }
    return { status: res.status, body: parsed };
  };

  const sim: WmsSimulator = {
    url,
    endpoint: (warehouse) => `${url}/wms/${warehouse}`,
    allocate(warehouse, s) {
      ownOf(warehouse).set(s.shipmentId, { ...s, waybillNo: s.waybillNo ?? null, lines: s.lines.map((l) => ({ ...l })), state: 'allocated' });
    },
    async scan(warehouse, shipmentId, type) {
      const s = ownOf(warehouse).get(shipmentId);
      if (!s) throw new Error(`unknown shipment ${shipmentId}`);
      if (s.state !== NEXT[type].from) throw new Error(`cannot scan ${type} on a ${s.state} shipment`);
      s.state = NEXT[type].to;
      const sent: SimScan = {
        scanId: `${shipmentId}:${type}`, type, shipmentId, orderKey: s.orderKey, waybillNo: s.waybillNo,
        lines: s.lines, scannedAt: new Date(now()).toISOString(), operator: 'PDA-07',
      };
      return { ...(await push(warehouse, sent)), sent };
    },
    push,
    state: (warehouse, shipmentId) => shipments.get(warehouse)?.get(shipmentId)?.state,
    failNextIntercepts(count, status = 503) { failures = { count, status }; },
    interceptCalls: () => calls,
    close: () => app.close(),
  };
  return sim;
}

function parseJson(body: unknown): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : String(body));
  } catch {
    return undefined;
  }
}
