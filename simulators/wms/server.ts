import type { ScanType } from '../../connectors/wms/scans.js';
import { signedHeaders } from '../../connectors/wms/signature.js';
import { FaultQueue, json, startSimServer } from '../kit/index.js';
import { controlApi } from './control-api.js';
import { type SimScan, type SimShipment, type SimShipmentState, WarehouseFloor } from './floor.js';
import { interceptApi } from './intercept-api.js';

/*
 * A simulator of a generic WMS contract (see connectors/wms/README.md): the warehouse floor
 * (floor.ts), each scan pushed to the hub, signed, the hub's intercept call (intercept-api.ts),
 * and control routes to drive it by hand (control-api.ts).
 * Faults: the next n intercept calls can be made to fail with a 5xx.
 */
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

export async function startWmsSimulator(opts: WmsSimulatorOptions): Promise<WmsSimulator> {
  const now = opts.now ?? Date.now;
  const floor = new WarehouseFloor(Object.keys(opts.warehouses), now);
  const faults = new FaultQueue<number>();
  let calls = 0;

  const push: WmsSimulator['push'] = async (warehouse, scans, o = {}) => {
    const secret = o.secret ?? opts.warehouses[warehouse];
    if (!secret) throw new Error(`no secret for ${warehouse}`);
    const body = JSON.stringify(scans);
    const res = await fetch(`${typeof opts.hubUrl === 'string' ? opts.hubUrl : opts.hubUrl()}/wms/${warehouse}/scans`, {
      method: 'POST',
      headers: signedHeaders(secret, body, o.timestamp ?? now()),
      body,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed };
  };
  const scan: WmsSimulator['scan'] = async (warehouse, shipmentId, type) => {
    const sent = floor.scan(warehouse, shipmentId, type);
    return { ...(await push(warehouse, sent)), sent };
  };

  const server = await startSimServer({
    port: opts.port,
    host: opts.host,
    contentType: 'application/json; charset=utf-8',
    routes: [
      interceptApi(floor, opts.warehouses, faults, now, () => {
        calls++;
      }),
      ...controlApi(floor, scan),
    ],
    notFound: (req) => json({ message: `Route ${req.method}:${req.path} not found`, error: 'Not Found', statusCode: 404 }, 404),
  });
  return {
    url: server.url,
    endpoint: (warehouse) => `${server.url}/wms/${warehouse}`,
    allocate: (warehouse, s) => floor.allocate(warehouse, s),
    scan,
    push,
    state: (warehouse, shipmentId) => floor.of(warehouse)?.get(shipmentId)?.state,
    failNextIntercepts: (count, status = 503) => faults.set(status, count),
    interceptCalls: () => calls,
    close: () => server.close(),
  };
}
