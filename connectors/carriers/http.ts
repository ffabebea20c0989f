import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isRetryableStatus } from '../../lib/errors.js';
import { type Failure, ok, permanent, type Result, transient } from '../../lib/result.js';

/**
 * Keep-alive connections per carrier host: a waybill per parcel at hundreds per second must not
 * pay a TCP (and TLS) handshake each. node:http rather than fetch: fetch's web streams, Request
 * objects and abort signals cost more CPU per call than the call itself (profiled at hundreds of
 * waybills per second).
 */
// No socket cap here: the waybill service bounds calls in flight per carrier.
const AGENT_OPTIONS = { keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' as const };
const httpAgent = new HttpAgent(AGENT_OPTIONS);
const httpsAgent = new HttpsAgent(AGENT_OPTIONS);

class CarrierTimeout extends Error {}

/**
 * One POST to a carrier with a timeout. Network errors, timeouts, 429 and 5xx are retryable
 * (the carrier is idempotent on the order id); any other non-2xx is final.
 */
export async function postToCarrier(
  url: string,
  init: { headers: Record<string, string>; body: string },
  timeoutMs: number,
): Promise<Result<{ status: number; text: string }>> {
  let res: { status: number; text: string };
  try {
    res = await post(new URL(url), init, timeoutMs);
  } catch (err) {
    const why = err instanceof CarrierTimeout ? `timed out after ${timeoutMs} ms` : (err as Error).message;
    return transient(`carrier unreachable: ${why}`);
  }
  const { status, text } = res;
  if (isRetryableStatus(status)) return transient(`carrier answered HTTP ${status}`);
  if (status >= 300) return permanent(`carrier answered HTTP ${status}: ${text.slice(0, 200)}`);
  return ok({ status, text });
}

/** The whole exchange (connect, send, read the body) within `timeoutMs`. */
function post(url: URL, init: { headers: Record<string, string>; body: string }, timeoutMs: number): Promise<{ status: number; text: string }> {
  const https = url.protocol === 'https:';
  const body = Buffer.from(init.body, 'utf8');
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      agent: https ? httpsAgent : httpAgent,
      headers: { ...init.headers, 'content-length': String(body.length) },
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new CarrierTimeout());
    }, timeoutMs);
    // Destroying mid-body errors the response ("aborted") too: report the timeout, not that.
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(timedOut ? new CarrierTimeout() : err);
    };
    req.once('error', fail);
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('error', fail);
      res.once('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(body);
  });
}

/** A carrier answer we cannot read: final (asking again would get the same answer). */
export function unreadable(carrier: string, text: string): Failure {
  return permanent(`unreadable ${carrier} answer: ${text.slice(0, 200)}`);
}
