import { setTimeout as sleep } from 'node:timers/promises';
import type { ShopConfig } from '../../connectors/contract.js';
import { STOCK_FAILURES, type StockAck, type StockApi } from '../../connectors/stock-api.js';
import type { Logger } from '../../lib/logger.js';
import type { Failure, Result } from '../../lib/result.js';
import { backoffDelay } from '../../lib/retry.js';
import type { StockPush, StockPushResult, StockPushWrite } from '../../topics/schemas/stock-push.js';
import type { RateBudget } from './budget.js';
import { mayResend, planWrite, reassertWrite, type Write } from './plan.js';
import type { StockPushState, StoredWant } from './state.js';

export interface ShopPusherDeps {
  shop: ShopConfig;
  api: StockApi;
  state: StockPushState;
  budget: RateBudget;
  /** Publishes a push record (stock-pushes topic). */
  record(push: StockPush): Promise<void>;
  log: Logger;
  now?: () => number;
  /** Listings of this shop pushed at the same time (never two calls for one listing). Default 4. */
  concurrency?: number;
  /** Backoff of failed calls. Default 100 ms doubling to 10 s. */
  retry?: { baseMs: number; maxMs: number };
  /** Read-backs after a push that re-assert a value that did not stick, up to this many rounds. Default 3. */
  reassertRounds?: number;
}

/** A call's outcome with the platform's wait for a rate-limit answer. */
type Answer<T> = Result<T> & { retryAfterMs?: number };

/**
 * Pushes one shop's pending listings through its platform's stock API: sell-outs first, within the
 * shop's rate budget, each listing's newest target only (targets that arrive meanwhile replace the
 * one waiting), retried with backoff and jitter, and read back where the platform allows so a value
 * that did not stick is set again. Every call and its result is recorded.
 */
export class ShopPusher {
  private readonly shopKey: string;
  private readonly inFlight = new Set<string>();
  private readonly notBefore = new Map<string, number>();
  private readonly attempts = new Map<string, number>();
  private wakeUp: (() => void) | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: ShopPusherDeps) {
    this.shopKey = `${deps.shop.channel}:${deps.shop.shopId}`;
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** New targets are pending: look now. */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    while (this.inFlight.size > 0) await sleep(10);
  }

  /** Whether nothing is pending or in flight (tests, the bench). */
  async idle(): Promise<boolean> {
    return this.inFlight.size === 0 && (await this.deps.state.pendingCount(this.shopKey)) === 0;
  }

  private async run(): Promise<void> {
    const concurrency = this.deps.concurrency ?? 4;
    while (!this.stopped) {
      let started = 0;
      try {
        for (const listingKey of await this.deps.state.pending(this.shopKey, concurrency * 8)) {
          if (this.inFlight.size >= concurrency) break;
          if (this.inFlight.has(listingKey) || (this.notBefore.get(listingKey) ?? 0) > this.now()) continue;
          this.inFlight.add(listingKey);
          started++;
          this.pushOne(listingKey)
            .catch((err) => this.deps.log.error({ err, listingKey }, 'stock push failed unexpectedly; retried'))
            .finally(() => {
              this.inFlight.delete(listingKey);
              this.wake();
            });
        }
      } catch (err) {
        this.deps.log.error({ err, shop: this.shopKey }, 'reading pending stock pushes failed; retrying');
      }
      if (this.stopped) break;
      // Woken by new targets or a finished push; otherwise look again soon (backoffs expire).
      await Promise.race([new Promise<void>((resolve) => (this.wakeUp = resolve)), sleep(started === 0 ? 25 : 5)]);
      this.wakeUp = null;
    }
  }

  private async budgeted<T>(listingKey: string, call: () => Promise<Answer<T>>): Promise<Answer<T>> {
    for (let wait = this.deps.budget.wait(listingKey); wait > 0; wait = this.deps.budget.wait(listingKey)) await sleep(wait);
    this.deps.budget.take(listingKey);
    try {
      return await call();
    } catch (err) {
      return { ok: false, reason: `stock call threw: ${(err as Error).message}`, retryable: true };
    }
  }

  private async emit(
    want: StoredWant,
    write: StockPushWrite,
    quantity: number,
    result: StockPushResult,
    reason: string | null,
    attempt: number,
  ): Promise<void> {
    const at = this.now();
    await this.deps.record({
      pushId: `${want.listingKey}:${want.seq}:${write}:${attempt}:${result}:${at}`,
      listingKey: want.listingKey,
      channel: want.channel,
      shopId: want.shopId,
      seq: want.seq,
      target: want.target,
      write,
      quantity,
      result,
      reason,
      attempt,
      latencyMs: Math.max(0, at - want.computedAt),
      at,
    });
  }

  private async pushOne(listingKey: string): Promise<void> {
    const { state, api } = this.deps;
    const { want, pushed } = await state.read(listingKey);
    if (!want) return;
    if (pushed && pushed.seq >= want.seq) {
      await state.done(want, { target: pushed.target, hubSold: pushed.hubSold });
      return;
    }
    let write: Write = planWrite(api, want, pushed);
    const attempt = (this.attempts.get(listingKey) ?? 0) + 1;
    const ref = { itemId: want.itemId, skuId: want.skuId };
    const key = `${listingKey}:${want.seq}`;
    if (write.write === 'READ_THEN_INCREMENT') {
      const read = await this.budgeted(listingKey, () => api.read!(this.deps.shop, ref));
      if (!read.ok) return this.failed(want, 'READ', 0, read, attempt, { write: 'NONE' });
      write = { write: 'INCREMENT', delta: want.target - read.value };
      if (write.delta === 0) write = { write: 'NONE' };
    }
    if (write.write === 'NONE') {
      await state.done(want, { target: want.target, hubSold: want.hubSold });
      this.attempts.delete(listingKey);
      return;
    }
    const planned = write;
    const quantity = planned.write === 'SET' ? planned.quantity : planned.delta;
    const answer: Answer<StockAck> = await this.budgeted(listingKey, () =>
      planned.write === 'SET'
        ? api.set!(this.deps.shop, ref, planned.quantity, { idempotencyKey: key })
        : api.increment!(this.deps.shop, ref, quantity, { idempotencyKey: key }),
    );
    const writeName = planned.write;
    if (!answer.ok) return this.failed(want, writeName, quantity, answer, attempt, planned);
    this.attempts.delete(listingKey);
    this.notBefore.delete(listingKey);
    await this.emit(want, writeName, quantity, 'APPLIED', null, attempt);
    await state.done(want, { target: want.target, hubSold: want.hubSold });
    const reduces = planned.write === 'SET' ? true : planned.delta < 0;
    if (api.read && (want.sellOut || reduces)) await this.readBack(want, 0);
  }

  /** Reads the listing back; a value above the target did not stick (sales only lower it): set it again. */
  private async readBack(want: StoredWant, round: number): Promise<void> {
    const { api, shop, state } = this.deps;
    const ref = { itemId: want.itemId, skuId: want.skuId };
    const read = await this.budgeted(want.listingKey, () => api.read!(shop, ref));
    if (!read.ok) {
      this.deps.log.warn({ listingKey: want.listingKey, reason: read.reason }, 'stock read-back failed');
      return;
    }
    if (read.value <= want.target) {
      await this.emit(want, 'READ', read.value, 'CONFIRMED', null, round + 1);
      return;
    }
    await this.emit(want, 'READ', read.value, 'NOT_APPLIED', `listing shows ${read.value}, target ${want.target}`, round + 1);
    if (round >= (this.deps.reassertRounds ?? 3)) {
      await this.emit(want, 'READ', read.value, 'FAILED', `still ${read.value} after ${round} re-asserts`, round + 1);
      return;
    }
    const again = reassertWrite(api, want.target, read.value);
    const key = `${want.listingKey}:${want.seq}:r${round + 1}`;
    const answer = await this.budgeted(want.listingKey, () =>
      again.write === 'CAS'
        ? api.compareAndSet!(shop, ref, again.expected, again.quantity, { idempotencyKey: key })
        : again.write === 'SET'
          ? api.set!(shop, ref, again.quantity, { idempotencyKey: key })
          : api.increment!(shop, ref, again.delta, { idempotencyKey: key }),
    );
    const name: StockPushWrite = again.write;
    const quantity = again.write === 'INCREMENT' ? again.delta : again.quantity;
    if (!answer.ok) {
      // A CAS that lost to a sale is re-read next round; other failures are left to the next target.
      await this.emit(want, name, quantity, answer.retryable ? 'RETRYING' : 'FAILED', answer.reason, round + 1);
      if (answer.code !== STOCK_FAILURES.casMismatch && !answer.retryable) return;
    } else {
      await this.emit(want, name, quantity, 'APPLIED', 're-asserted after read-back', round + 1);
      // The platform now holds the target: increments continue from it.
      await state.done(want, { target: want.target, hubSold: want.hubSold });
    }
    await this.readBack(want, round + 1);
  }

  private async failed(
    want: StoredWant,
    write: StockPushWrite,
    quantity: number,
    failure: Failure & { retryAfterMs?: number },
    attempt: number,
    planned: Write,
  ): Promise<void> {
    const { state, budget } = this.deps;
    const listingKey = want.listingKey;
    const retry = this.deps.retry ?? { baseMs: 100, maxMs: 10_000 };
    if (failure.code === STOCK_FAILURES.rateLimited) {
      const wait = failure.retryAfterMs ?? backoffDelay(attempt, retry);
      budget.pause(wait);
      this.attempts.set(listingKey, attempt);
      await this.emit(want, write, quantity, 'RATE_LIMITED', failure.reason, attempt);
      return;
    }
    if (failure.retryable) {
      if (!mayResend(this.deps.api, planned)) {
        // An increase whose answer was lost: sending it again could show too much; taken as applied.
        await this.emit(want, write, quantity, 'APPLIED', `answer lost (${failure.reason}); an increase is taken as applied`, attempt);
        await state.done(want, { target: want.target, hubSold: want.hubSold });
        this.attempts.delete(listingKey);
        return;
      }
      this.attempts.set(listingKey, attempt);
      this.notBefore.set(listingKey, this.now() + backoffDelay(attempt, retry));
      await this.emit(want, write, quantity, 'RETRYING', failure.reason, attempt);
      return;
    }
    this.attempts.delete(listingKey);
    await this.emit(want, write, quantity, 'FAILED', failure.reason, attempt);
    if (write === 'INCREMENT' && this.deps.api.read && failure.code !== STOCK_FAILURES.promotionLocked) {
      // An increment refused (e.g. a reduction below 0: the channel sold units the hub rejected): the
      // listing still shows something; read it and bring it to the target from what it shows.
      await this.readBack(want, 0);
      const { pushed } = await state.read(listingKey);
      if (pushed && pushed.seq >= want.seq) return;
    }
    await state.giveUp(want);
  }
}
