import type { InboundPush } from '../../connectors/contract.js';

/** A push as the platform sends it: headers, query parameters where it signs them, and the body. */
export interface SimulatedPush {
  headers: Record<string, string>;
  query?: Record<string, string>;
  body: string;
}

/** What the gateway would hand the connector for this push (Node lowercases header names). */
export function toInboundPush(push: SimulatedPush, receivedAt: number): InboundPush {
  const headers: InboundPush['headers'] = {};
  for (const [name, value] of Object.entries(push.headers)) headers[name.toLowerCase()] = value;
  return { headers, ...(push.query ? { query: { ...push.query } } : {}), rawBody: Buffer.from(push.body, 'utf8'), receivedAt };
}

/**
 * Sends like a platform that retries until acknowledged: one attempt, then one more after each
 * delay, until `attempt` reports the acknowledgement (a throw counts as none).
 */
export async function deliverWithRetries(attempt: () => Promise<boolean>, delaysMs: number[]): Promise<{ acked: boolean; attempts: number }> {
  for (let i = 0; i <= delaysMs.length; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, delaysMs[i - 1]));
    if (await attempt().catch(() => false)) return { acked: true, attempts: i + 1 };
  }
  return { acked: false, attempts: delaysMs.length + 1 };
}
