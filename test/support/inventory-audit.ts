import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';

/** What an order asked for: merged lines, and how far it wants stock held. */
export interface AuditOrder {
  lines: readonly (readonly [string, number])[];
  /** CREATED → LOCKED, PAID → RESERVED (locked then reserved in one step). */
  target: 'LOCKED' | 'RESERVED';
}

export interface AuditReport {
  orders: number;
  /** Orders whose every line was LOCKED (and RESERVED when paid). */
  accepted: number;
  /** Orders whose every line was REJECTED with a non-empty reason. */
  rejected: number;
  /** Orders with no decision at all on inventory-events. */
  noOutcome: number;
  /** Orders both held and rejected. */
  conflicting: number;
  /** Orders with some but not all of the decisions their outcome implies (e.g. a paid order locked but not reserved). */
  incomplete: number;
  /** REJECTED records with a null or empty reason. */
  emptyReasons: number;
  /** Order decisions on inventory-events for an order key the stream never contained. */
  unknownOrders: number;
  /** Units held per SKU: LOCKED minus RELEASED quantities of order decisions, each distinct event once. */
  heldBySku: Map<string, number>;
  /** Accepted orders that were later released (cancelled, expired): not expected in a flash sale. */
  releasedOrders: number;
  outputRecords: number;
  distinctEventIds: number;
  /** Records whose event id was seen before (re-emission after a crash or redelivery). */
  duplicateRecords: number;
  /** Duplicates whose bytes differ from the first copy: must be 0 (re-emission is byte-identical). */
  duplicatesDiffering: number;
  /** Records carrying a negative physical/locked/reserved/safety/available level. */
  negativeLevels: number;
  /** Broker timestamp of the first output record per order (NaN when none). */
  firstDecisionAt: Float64Array;
  firstDecisionTs: number;
  lastDecisionTs: number;
}

const LOCKED = 1,
  RESERVED = 2,
  REJECTED = 4;

/**
 * Checks the inventory processor's output against the order stream it was fed: one outcome per
 * order, no oversell, byte-identical re-emissions. Sized for millions of orders (typed arrays,
 * orders addressed by index).
 */
export class InventoryAudit {
  private readonly lockedLines: Uint8Array;
  private readonly reservedLines: Uint8Array;
  private readonly rejectedLines: Uint8Array;
  private readonly releasedLines: Uint8Array;
  private readonly first: Float64Array;
  private readonly seen = new Map<string, number>();
  private readonly held = new Map<string, number>();
  private records = 0;
  private duplicates = 0;
  private differing = 0;
  private negative = 0;
  private emptyReasons = 0;
  private unknown = 0;
  private firstTs = Infinity;
  private lastTs = -Infinity;

  constructor(
    private readonly orderCount: number,
    private readonly indexOf: (orderKey: string) => number | undefined,
    private readonly orderAt: (i: number) => AuditOrder,
  ) {
    this.lockedLines = new Uint8Array(orderCount);
    this.reservedLines = new Uint8Array(orderCount);
    this.rejectedLines = new Uint8Array(orderCount);
    this.releasedLines = new Uint8Array(orderCount);
    this.first = new Float64Array(orderCount).fill(NaN);
  }

  /** One inventory-events record: decoded value, broker timestamp, hash of its bytes. */
  add(e: InventoryEvent, brokerTs: number, bytesHash: number): void {
    this.records++;
    if (e.physical < 0 || e.locked < 0 || e.reserved < 0 || e.safety < 0 || (e.presaleQuota ?? 0) < 0 || e.available < 0) this.negative++;
    const prior = this.seen.get(e.eventId);
    if (prior !== undefined) {
      this.duplicates++;
      if (prior !== bytesHash) this.differing++;
      return;
    }
    this.seen.set(e.eventId, bytesHash);
    if (e.orderKey === null) return;
    const i = this.indexOf(e.orderKey);
    if (i === undefined || i < 0 || i >= this.orderCount) {
      this.unknown++;
      return;
    }
    if (Number.isNaN(this.first[i]!) || brokerTs < this.first[i]!) this.first[i] = brokerTs;
    if (brokerTs < this.firstTs) this.firstTs = brokerTs;
    if (brokerTs > this.lastTs) this.lastTs = brokerTs;
    if (e.kind === 'LOCKED') {
      this.lockedLines[i]!++;
      this.held.set(e.sku, (this.held.get(e.sku) ?? 0) + e.quantity);
    } else if (e.kind === 'RESERVED') {
      this.reservedLines[i]!++;
    } else if (e.kind === 'RELEASED') {
      this.releasedLines[i]!++;
      this.held.set(e.sku, (this.held.get(e.sku) ?? 0) - e.quantity);
    } else if (e.kind === 'REJECTED') {
      this.rejectedLines[i]!++;
      if (!e.reason) this.emptyReasons++;
    }
  }

  report(): AuditReport {
    let accepted = 0,
      rejected = 0,
      noOutcome = 0,
      conflicting = 0,
      incomplete = 0,
      releasedOrders = 0;
    for (let i = 0; i < this.orderCount; i++) {
      const l = this.lockedLines[i]!,
        r = this.reservedLines[i]!,
        j = this.rejectedLines[i]!;
      const flags = (l > 0 ? LOCKED : 0) | (r > 0 ? RESERVED : 0) | (j > 0 ? REJECTED : 0);
      if (flags === 0) {
        noOutcome++;
        continue;
      }
      if (flags & REJECTED && flags & (LOCKED | RESERVED)) {
        conflicting++;
        continue;
      }
      const order = this.orderAt(i);
      const n = order.lines.length;
      if (flags & REJECTED) {
        rejected++;
        if (j !== n) incomplete++;
      } else {
        accepted++;
        if (this.releasedLines[i]! > 0) releasedOrders++;
        if (l !== n || r !== (order.target === 'RESERVED' ? n : 0)) incomplete++;
      }
    }
    return {
      orders: this.orderCount,
      accepted,
      rejected,
      noOutcome,
      conflicting,
      incomplete,
      emptyReasons: this.emptyReasons,
      unknownOrders: this.unknown,
      heldBySku: new Map(this.held),
      releasedOrders,
      outputRecords: this.records,
      distinctEventIds: this.seen.size,
      duplicateRecords: this.duplicates,
      duplicatesDiffering: this.differing,
      negativeLevels: this.negative,
      firstDecisionAt: this.first,
      firstDecisionTs: this.firstTs,
      lastDecisionTs: this.lastTs,
    };
  }
}

/** Percentile of an ascending-sorted sample (nearest rank). */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
