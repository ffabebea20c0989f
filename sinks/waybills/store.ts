import type { Redis } from 'ioredis';
import type { WaybillOutcome } from './core.js';

/** Outcomes outlive any redelivery or replay window of warehouse-orders worth caring about. */
const TTL_SECONDS = 90 * 24 * 3600;

/** `{namespace}:waybill:<shipmentId>` → the outcome (JSON). */
export class WaybillStore {
  readonly prefix: string;

  constructor(private readonly redis: Redis, namespace: string) {
    this.prefix = `{${namespace || 'omnistream'}}:waybill:`;
  }

  async getMany(shipmentIds: string[]): Promise<Map<string, WaybillOutcome>> {
    const out = new Map<string, WaybillOutcome>();
    if (shipmentIds.length === 0) return out;
    const raw = await this.redis.mget(...shipmentIds.map((id) => this.prefix + id));
    raw.forEach((v, i) => { if (v) out.set(shipmentIds[i]!, JSON.parse(v) as WaybillOutcome); });
    return out;
  }

  /**
   * Remembers an outcome unless one is already there (another instance after a rebalance), and
   * returns the one that counts: the first remembered.
   */
  async remember(shipmentId: string, outcome: WaybillOutcome): Promise<WaybillOutcome> {
    const key = this.prefix + shipmentId;
    const set = await this.redis.set(key, JSON.stringify(outcome), 'EX', TTL_SECONDS, 'NX');
    if (set === 'OK') return outcome;
    const existing = await this.redis.get(key);
    return existing ? (JSON.parse(existing) as WaybillOutcome) : outcome;
  }

  /** Operations: forget a shipment's outcome so that re-publishing it asks the carrier again. */
  async forget(shipmentId: string): Promise<void> {
    await this.redis.del(this.prefix + shipmentId);
  }
}
