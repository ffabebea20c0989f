import type { CarrierAccount, CarrierAdapter, Waybill } from '../../connectors/carriers/contract.js';
import { permanent, type Result } from '../../lib/result.js';
import { type RetryPolicy, withRetry } from '../../lib/retry.js';
import type { Shipment } from '../../topics/schemas/shipment.js';

/**
 * Asks the carrier, retrying retryable failures with backoff inside the policy's budget. Safe to
 * repeat: the carrier's order id is the shipmentId, answered with the same waybill every time.
 */
export async function obtainWaybill(
  adapter: CarrierAdapter,
  shipment: Shipment,
  account: CarrierAccount,
  policy: RetryPolicy,
): Promise<{ result: Result<Waybill>; attempts: number }> {
  const started = Date.now();
  const { value: result, attempts } = await withRetry(
    policy,
    async () => {
      const remaining = (policy.budgetMs ?? Infinity) - (Date.now() - started);
      try {
        return await adapter.requestWaybill(shipment, { ...account, timeoutMs: Math.max(100, Math.min(account.timeoutMs, remaining)) });
      } catch (err) {
        // An adapter bug must not stop the batch: it becomes a final failure with the reason.
        return permanent(`adapter error: ${(err as Error).message}`);
      }
    },
    { retryOn: (r) => !r.ok && r.retryable === true },
  );
  if (result.ok || !result.retryable) return { result, attempts };
  return { result: { ...result, reason: `${result.reason} (gave up after ${attempts} attempt${attempts > 1 ? 's' : ''})` }, attempts };
}
