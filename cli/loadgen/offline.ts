import { type InboundPush, type ShopConfig, withDetailMarked } from '../../connectors/contract.js';
import { CONNECTORS } from '../../connectors/registry.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';

/** What a connector makes of one HTTP request, without Kafka or Redis. */
export type OfflineVerdict =
  | { stage: 'verify' | 'decode' | 'json' | 'schema' | 'empty'; reason: string }
  | { stage: 'normalized'; events: OrderEvent[]; deadLetters: string[] };

export interface RawRequest {
  channel: string;
  shopId: string;
  /** Path with query, e.g. /webhooks/wechat/wx-1?timestamp=… */
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

/**
 * The connector half of the gateway's ingest (verify → decode → JSON → payload schema → normalize)
 * run in-process: used as the test oracle for what a request deserves, and to check that the load
 * generator's pushes are valid. Headers are lower-cased and the query decoded as Node's HTTP layer does.
 */
export function ingestOffline(req: RawRequest, shops: readonly ShopConfig[], receivedAt = Date.now()): OfflineVerdict {
  const connector = CONNECTORS[req.channel];
  const shop = shops.find((s) => s.channel === req.channel && s.shopId === req.shopId);
  if (!connector || !shop) throw new Error(`no connector or shop for ${req.channel}/${req.shopId}`);
  const url = new URL(req.path, 'http://gateway');
  const headers: InboundPush['headers'] = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
  const push: InboundPush = { headers, query: Object.fromEntries(url.searchParams), rawBody, receivedAt };
  const verified = connector.verify(push, shop);
  if (!verified.ok) return { stage: 'verify', reason: verified.reason };
  const text = connector.decode ? connector.decode(push, shop) : { ok: true as const, value: rawBody.toString('utf8') };
  if (!text.ok) return { stage: 'decode', reason: text.reason };
  let json: unknown;
  try {
    json = JSON.parse(text.value);
  } catch (err) {
    return { stage: 'json', reason: (err as Error).message };
  }
  const parsed = connector.payloadSchema.safeParse(json);
  if (!parsed.success) return { stage: 'schema', reason: parsed.error.message };
  const results = connector.normalize(parsed.data, shop, push);
  if (results.length === 0) return { stage: 'empty', reason: 'no order in the push' };
  return {
    stage: 'normalized',
    events: results.flatMap((r) => (r.ok ? [withDetailMarked(r.value)] : [])),
    deadLetters: results.flatMap((r) => (r.ok ? [] : [r.reason])),
  };
}
