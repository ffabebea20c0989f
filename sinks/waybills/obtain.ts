import type { CarrierAccount, CarrierAdapter, WaybillResult } from '../carriers/contract.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import { backoffMs, shouldRetry, type RetryPolicy } from './core.js';

export interface Obtained {
  result: WaybillResult;
  attempts: number;
}

/**
 * Asks the carrier, retrying retryable failures with backoff inside the policy's budget. Safe to
 * repeat: the carrier's order id is the shipmentId, answered with the same waybill every time.
 */
export async function obtainWaybill(adapter: CarrierAdapter, shipment: Shipment, account: CarrierAccount, policy: RetryPolicy): Promise<Obtained> {
  const started = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    const remaining = policy.budgetMs - (Date.now() - started);
    let result: WaybillResult;
    try {
      result = await adapter.requestWaybill(shipment, { ...account, timeoutMs: Math.max(100, Math.min(account.timeoutMs, remaining)) });
    } catch (err) {
      // An adapter bug must not stop the batch: it becomes a final failure with the reason.
      result = { ok: false, reason: `adapter error: ${(err as Error).message}`, retryable: false };
    }
    if (result.ok) return { result, attempts: attempt };
    const delay = backoffMs(policy, attempt + 1);
    if (!shouldRetry(policy, attempt, result.retryable, Date.now() - started, delay)) {
      const suffix = result.retryable ? ` (gave up after ${attempt} attempt${attempt > 1 ? 's' : ''})` : '';
      return { result: { ...result, reason: result.reason + suffix }, attempts: attempt };
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}
