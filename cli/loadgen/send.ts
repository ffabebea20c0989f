import http from 'node:http';
import https from 'node:https';

/** One answer from the gateway, as the sender saw it. */
export interface Answer {
  status: number;
  /** The gateway's outcome when its body names one; "acked" for a channel ack body (outcome not shown); "error" for no answer. */
  outcome: string;
  reason?: string;
  ms: number;
}

/**
 * A keep-alive HTTP client for one base URL (node:http agents; no extra dependency). Requests
 * never throw: a refused connection or timeout is an answer with status 0.
 */
export class GatewayClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly mod: typeof http | typeof https;

  constructor(
    baseUrl: string,
    maxSockets: number,
    private readonly timeoutMs = 30_000,
  ) {
    this.base = new URL(baseUrl);
    this.mod = this.base.protocol === 'https:' ? https : http;
    this.agent = new this.mod.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string> = {},
    body?: string | Buffer,
  ): Promise<{ status: number; text: string; ms: number }> {
    const started = performance.now();
    const url = new URL(path, this.base);
    return new Promise((resolve) => {
      const done = (status: number, text: string) => resolve({ status, text, ms: performance.now() - started });
      const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
      const req = this.mod.request(
        url,
        {
          method,
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
          res.on('error', (err) => done(0, `response error: ${err.message}`));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (err) => done(0, err.message));
      req.end(payload);
    });
  }

  async post(path: string, headers: Record<string, string>, body: string | Buffer): Promise<Answer> {
    const res = await this.request('POST', path, headers, body);
    return { ...classify(res.status, res.text), ms: res.ms };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The gateway's JSON answers carry {outcome, error}; channel ack bodies ({"result":1}, "success"…) do not. */
export function classify(status: number, text: string): { status: number; outcome: string; reason?: string } {
  if (status === 0) return { status, outcome: 'error', reason: text };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const obj = json !== null && typeof json === 'object' ? (json as { outcome?: unknown; error?: unknown }) : {};
  const outcome = typeof obj.outcome === 'string' ? obj.outcome : status < 300 ? 'acked' : 'rejected';
  const reason = typeof obj.error === 'string' ? obj.error : status >= 300 ? text.slice(0, 200) : undefined;
  return { status, outcome, reason };
}

/**
 * Token-bucket pacing: `rate` tokens a second, at most `burst` banked. take() resolves when a token
 * is available. rate ≤ 0 or Infinity: no pacing.
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly rate: number,
    private readonly burst = Math.max(1, Math.min(rate / 20, 100)),
  ) {
    this.tokens = Math.min(1, this.burst);
  }

  take(): Promise<void> {
    if (!(this.rate > 0) || !Number.isFinite(this.rate)) return Promise.resolve();
    // Serialized, so waiters are served in order and each sees the bucket after the previous took.
    const turn = this.queue.then(async () => {
      for (;;) {
        const now = performance.now();
        this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
        this.last = now;
        if (this.tokens >= 1) {
          this.tokens -= 1;
          return;
        }
        await new Promise((r) => setTimeout(r, Math.max(1, ((1 - this.tokens) / this.rate) * 1000)));
      }
    });
    this.queue = turn;
    return turn;
  }
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** The gateway's push counters (omnistream_webhook_pushes_total) by "channel outcome". */
export async function scrapePushCounters(client: GatewayClient): Promise<Map<string, number> | undefined> {
  const res = await client.request('GET', '/metrics');
  if (res.status !== 200) return undefined;
  const out = new Map<string, number>();
  for (const line of res.text.split('\n')) {
    const m = /^omnistream_webhook_pushes_total\{([^}]*)\}\s+([0-9.e+-]+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    const key = `${labels.channel} ${labels.outcome}${labels.reason ? `/${labels.reason}` : ''}`;
    out.set(key, (out.get(key) ?? 0) + Number(m[2]));
  }
  return out;
}
