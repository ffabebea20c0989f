import type { Redis } from 'ioredis';
import type { WaybillOutcome } from './core.js';

/** Outcomes outlive any redelivery or replay window of warehouse-orders worth caring about. */
const TTL_SECONDS = 90 * 24 * 3600;

/** `{namespace}:waybill:<shipmentId>` → the outcome (JSON). */
export class WaybillStore {
  readonly prefix: string;
  /** remember() calls waiting for the next pipeline. */
  private queued: { key: string; outcome: WaybillOutcome; resolve: (o: WaybillOutcome) => void; reject: (err: unknown) => void }[] = [];

  constructor(
    private readonly redis: Redis,
    namespace: string,
  ) {
    this.prefix = `{${namespace || 'omnistream'}}:waybill:`;
  }

  async getMany(shipmentIds: string[]): Promise<Map<string, WaybillOutcome>> {
    const out = new Map<string, WaybillOutcome>();
    if (shipmentIds.length === 0) return out;
    const raw = await this.redis.mget(...shipmentIds.map((id) => this.prefix + id));
    raw.forEach((v, i) => {
      if (v) out.set(shipmentIds[i]!, JSON.parse(v) as WaybillOutcome);
    });
    return out;
  }

  /**
   * Remembers an outcome unless one is already there (another instance after a rebalance), and
   * returns the one that counts: the first remembered. One atomic SET NX GET per shipment; the
   * calls of one event-loop turn share a pipeline (answers arrive in bursts: one write, not one each).
   */
  remember(shipmentId: string, outcome: WaybillOutcome): Promise<WaybillOutcome> {
    return new Promise((resolve, reject) => {
      this.queued.push({ key: this.prefix + shipmentId, outcome, resolve, reject });
      if (this.queued.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queued;
    this.queued = [];
    const pipeline = this.redis.pipeline();
    for (const q of batch) pipeline.call('SET', q.key, JSON.stringify(q.outcome), 'EX', TTL_SECONDS, 'NX', 'GET');
    try {
      const replies = (await pipeline.exec()) ?? [];
      batch.forEach((q, i) => {
        const [err, existing] = replies[i] ?? [new Error('no reply from Redis'), null];
        if (err) q.reject(err);
        else q.resolve(typeof existing === 'string' ? (JSON.parse(existing) as WaybillOutcome) : q.outcome);
      });
    } catch (err) {
      for (const q of batch) q.reject(err);
    }
  }

  /** Operations: forget a shipment's outcome so that re-publishing it asks the carrier again. */
  async forget(shipmentId: string): Promise<void> {
    await this.redis.del(this.prefix + shipmentId);
  }
}
