import { Cron } from 'croner';

export interface LeasedTickOptions {
  /** The option's name, for the error when `seconds` is out of range. */
  name: string;
  /** Every this many seconds: a whole number from 1 to 59 (a cron seconds step). */
  seconds: number;
  /** Takes a short lease for one tick (SET NX PX); true: this instance runs the tick. */
  lease(ms: number): Promise<boolean>;
  /** Checked before the lease is taken: false skips the tick. */
  when?(): boolean;
  run(): Promise<unknown>;
  /** A failed tick is retried at the next one. */
  onError(err: Error): void;
}

/**
 * A timer several instances of a processor may run at once: on each tick, the one that takes the
 * lease (90 % of the interval) does the work; a tick still running when the next is due is skipped.
 */
export function startLeasedTick(o: LeasedTickOptions): { stop(): void } {
  if (!Number.isInteger(o.seconds) || o.seconds < 1 || o.seconds > 59) throw new Error(`${o.name} must be a whole number from 1 to 59, not ${o.seconds}`);
  const job = new Cron(`*/${o.seconds} * * * * *`, { protect: true }, async () => {
    try {
      if ((o.when?.() ?? true) && (await o.lease(o.seconds * 900))) await o.run();
    } catch (err) {
      o.onError(err as Error);
    }
  });
  return { stop: () => job.stop() };
}
