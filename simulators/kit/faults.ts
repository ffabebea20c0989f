/** The faults the ship endpoints inject: a 5xx, or the platform's rate-limit answer. */
export type ShipFault = 'server-error' | 'rate-limit';

/** Faults a simulator answers the next calls with, one per call, instead of doing the work. */
export class FaultQueue<F> {
  private queue: F[] = [];

  /** The next `times` calls (after those already due) answer `fault`. */
  add(fault: F, times = 1): void {
    for (let i = 0; i < times; i++) this.queue.push(fault);
  }

  /** Replaces what is due: the next `times` calls answer `fault`. */
  set(fault: F, times: number): void {
    this.queue = Array.from({ length: times }, () => fault);
  }

  /** The fault due for this call, if any; it is used up. */
  take(): F | undefined {
    return this.queue.shift();
  }

  /** Uses up the fault due only if it is `fault`: for faults checked at different points of a call. */
  takeIf(fault: F): boolean {
    if (this.queue[0] !== fault) return false;
    this.queue.shift();
    return true;
  }
}
