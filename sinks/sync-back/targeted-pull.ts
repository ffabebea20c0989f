import type { AnyChannelConnector, ShopConfig } from '../../connectors/contract.js';
import type { PushIngestor } from '../../connectors/gateway/ingest.js';
import { normalizedEvents, pulledPush } from '../../connectors/reconcile/reconciler.js';

export interface PullSummary {
  pulled: number;
  /** Orders the channel returned and the hub now holds (stored now, or already). */
  orderKeys: Set<string>;
  /** Payloads refused or dead-lettered by the ingest path (unreadable for the hub). */
  unreadable: number;
}

/**
 * A reconciliation narrowed to one shop and a short window: the channel's query API, each payload
 * through the normal ingest path as trusted data, so what the channel says reaches order-events
 * the usual way (normalize, dedupe, deterministic ids). Throws when the pull fails or the event
 * store is unavailable: both are worth another attempt.
 *
 * With `only`, payloads of other orders are skipped before ingest: in a flash sale the window
 * holds thousands of orders, and a confirming pull per shipped order must not re-store them all
 * (nor race the other confirming pulls over the same payloads).
 */
export async function pullAndIngest(
  connector: AnyChannelConnector,
  shop: ShopConfig,
  window: { from: Date; to: Date },
  ingestor: Pick<PushIngestor, 'ingest'>,
  now: () => number = Date.now,
  only?: ReadonlySet<string>,
): Promise<PullSummary> {
  if (!connector.pull) throw new Error(`${connector.channel} has no query API connector (pull)`);
  const summary: PullSummary = { pulled: 0, orderKeys: new Set(), unreadable: 0 };
  for await (const payload of connector.pull(shop, window)) {
    summary.pulled += 1;
    const push = pulledPush(payload, now());
    if (only && !normalizedEvents(connector, shop, push).some((e) => only.has(e.orderKey))) continue;
    const result = await ingestor.ingest(connector, shop, push, { trusted: true });
    if (result.outcome === 'unavailable') throw new Error(`pulled order not stored: ${result.reason ?? 'event store unavailable'}`);
    if (result.outcome === 'rejected' || result.outcome === 'dead_lettered') summary.unreadable += 1;
    for (const key of result.orderKeys ?? []) summary.orderKeys.add(key);
  }
  return summary;
}
