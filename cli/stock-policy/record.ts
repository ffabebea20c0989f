import { policyFromJson, policyToJson } from '../../processors/stock-sync/policy.js';
import type { StockPolicyRecord } from '../../topics/schemas/stock-policy.js';

/**
 * A policy file's text → the record to publish (the policy in its canonical JSON, defaults filled
 * in), or the reason the policy is refused. Checked here so a wrong rule never reaches the topic.
 */
export function stockPolicyRecordOf(
  channel: string,
  shopId: string,
  text: string,
  now: number,
): { ok: true; record: StockPolicyRecord } | { ok: false; reason: string } {
  const parsed = policyFromJson(text);
  if (!parsed.ok) return parsed;
  return { ok: true, record: { channel, shopId, policyJson: policyToJson(parsed.policy), deleted: false, updatedAt: now } };
}

/** The key of a shop's policy on the stock-policies topic. */
export const shopKeyOf = (channel: string, shopId: string) => `${channel}:${shopId}`;
