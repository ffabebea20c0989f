import type { ChannelSource, InboundPush, PushSink, ShopConfig, SourceLogger } from '../contract.js';
import { pullJdOrders } from './pull.js';
import { SOURCE_SEAL_HEADER, sealPolledRecord } from './signature.js';

/*
 * JD's transport is polling. Every pollIntervalMs the source asks enSearch for orders modified in
 * [now − lookbackMs, now) and hands each record to the sink (the gateway's ingest path), sealed
 * (signature.ts). Windows overlap on purpose: a record seen twice yields the same eventId and is
 * dropped downstream, so no durable cursor is kept.
 *
 * "Ack" for polling means: a record is done when the sink answered < 500 (stored, duplicate or
 * permanently refused). On a 5xx, or when JD itself fails, the cycle stops and the next cycle starts
 * from the failed window's start (kept in memory), so a sink outage longer than the lookback loses
 * nothing while the process lives. After a restart, a gap longer than lookbackMs needs a
 * reconciliation pull.
 *
 * credentials: pollIntervalMs (default 60000), lookbackMs (default 900000).
 */

function numberCredential(shop: ShopConfig, name: string, fallback: number): number {
  const raw = shop.credentials?.[name];
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0) throw new Error(`jd source: credentials.${name} is not a positive whole number`);
  return Number(raw);
}

export function createJdSource(shop: ShopConfig, sink: PushSink, log: SourceLogger): ChannelSource {
  const intervalMs = numberCredential(shop, 'pollIntervalMs', 60_000);
  const lookbackMs = numberCredential(shop, 'lookbackMs', 900_000);
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let inFlight: Promise<void> | undefined;
  /** Start of the oldest window not fully ingested yet (in memory only). */
  let pendingFrom: number | undefined;

  async function cycle(): Promise<void> {
    const to = Date.now();
    const from = Math.min(pendingFrom ?? Infinity, to - lookbackMs);
    let ingested = 0;
    try {
      for await (const record of pullJdOrders(shop, { from: new Date(from), to: new Date(to) })) {
        if (!running) return;
        const rawBody = Buffer.from(JSON.stringify(record), 'utf8');
        const push: InboundPush = {
          headers: { 'content-type': 'application/json', 'x-omnistream-source': 'jd-poll', [SOURCE_SEAL_HEADER]: sealPolledRecord(rawBody, shop.secret) },
          rawBody,
          receivedAt: Date.now(),
        };
        const result = await sink.ingest(push);
        if (result.status >= 500) {
          pendingFrom = from;
          log.warn({ channel: 'jd', shopId: shop.shopId, outcome: result.outcome, reason: result.reason }, 'jd record not stored; retrying next cycle');
          return;
        }
        ingested += 1;
      }
      pendingFrom = undefined;
      log.info({ channel: 'jd', shopId: shop.shopId, ingested, from, to }, 'jd poll cycle done');
    } catch (err) {
      pendingFrom = from;
      log.warn({ channel: 'jd', shopId: shop.shopId, error: (err as Error).message }, 'jd poll failed; retrying next cycle');
    }
  }

  function schedule(delay: number) {
    if (!running) return;
    timer = setTimeout(() => {
      inFlight = cycle().finally(() => schedule(intervalMs));
    }, delay);
  }

  return {
    async start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}
