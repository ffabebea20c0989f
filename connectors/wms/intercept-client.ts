import type { WmsWarehouse } from './directory.js';
import { signedHeaders } from './signature.js';

/** How one intercept call ended: done, refused for good (no retry helps), or worth another try. */
export type InterceptAnswer = { kind: 'intercepted' } | { kind: 'refused'; reason: string } | { kind: 'transient'; reason: string };

/** POST `${endpoint}/intercept`, signed like the scans. 5xx, 429 and network errors are transient. */
export async function callIntercept(
  wms: WmsWarehouse,
  request: { shipmentId: string | null; orderKey: string; reason: string },
  timeoutMs = 5000,
): Promise<InterceptAnswer> {
  const body = JSON.stringify(request);
  let res: Response;
  try {
    res = await fetch(`${wms.endpoint}/intercept`, { method: 'POST', headers: signedHeaders(wms.secret, body), body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    return { kind: 'transient', reason: `WMS unreachable: ${(err as Error).message}` };
  }
  const json = (await res.json().catch(() => ({}))) as { result?: string; reason?: string };
  if (res.ok && json.result === 'intercepted') return { kind: 'intercepted' };
  const reason = json.reason ?? `HTTP ${res.status}`;
  if (res.status >= 500 || res.status === 429) return { kind: 'transient', reason: `WMS answered ${res.status}: ${reason}` };
  return { kind: 'refused', reason: res.ok ? `unexpected answer ${JSON.stringify(json.result ?? null)}` : reason };
}
