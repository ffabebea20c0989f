import type { StockLevels } from '../../topics/schemas/inventory-event.js';
import type { InventoryCommand, MovementCommand, OrderCommand } from './commands.js';
import { availableOf, type CommandResult, type Decision, type HoldState, type Reason } from './decision.js';

/**
 * The stock rules as a pure function: (state, command) → (state', decisions). This is the
 * specification; `reserve.lua` applies the very same rules atomically inside Redis, and a
 * differential test (lua-equivalence.spec.ts) runs random command streams through both and
 * demands identical decisions, holds, stock and timers after every batch. Reasons are codes
 * (decision.ts), so the two share no wording.
 */

export const DEFAULT_LOW_STOCK_THRESHOLD = 10;

export interface StockRecord extends StockLevels {
  /** Low-stock alert level for this SKU × warehouse. */
  threshold: number;
  /** An alert was sent for the current dip; re-armed when available rises above the threshold. */
  alerted: boolean;
  version: number;
}

/** A line as held: which warehouse serves it. */
export type HeldLine = [sku: string, quantity: number, warehouse: string];

export interface Hold {
  state: HoldState;
  presale: boolean;
  lines: HeldLine[];
  meta: string;
  /** PENDING only: the furthest stock target a status-only event asked for. */
  pending?: 'LOCKED' | 'RESERVED' | 'SHIPPED';
  /** Every command applied to this order and what it decided: a repeat re-emits the same decisions. */
  applied: ReadonlyMap<string, Decision[]>;
}

export interface InventoryState {
  stock: ReadonlyMap<string, StockRecord>;
  holds: ReadonlyMap<string, Hold>;
  movements: ReadonlyMap<string, Decision[]>;
  /** Unpaid locks and when they expire (epoch ms). */
  timers: ReadonlyMap<string, number>;
}

export const emptyState = (): InventoryState => ({ stock: new Map(), holds: new Map(), movements: new Map(), timers: new Map() });

export const stockKey = (sku: string, warehouse: string): string => `${sku}@${warehouse}`;

const ZERO: StockRecord = {
  physical: 0,
  locked: 0,
  reserved: 0,
  safety: 0,
  presaleQuota: 0,
  threshold: DEFAULT_LOW_STOCK_THRESHOLD,
  alerted: false,
  version: 0,
};

/** Orders due to expire at `now`, soonest first (what the timer loop asks Redis). */
export function dueTimers(state: InventoryState, now: number, limit = 500): string[] {
  return [...state.timers]
    .filter(([, at]) => at <= now)
    .sort(([ka, a], [kb, b]) => a - b || (ka < kb ? -1 : 1))
    .slice(0, limit)
    .map(([k]) => k);
}

/** The shell's acknowledgement that an expiry was published: the timer goes. */
export function clearTimer(state: InventoryState, orderKey: string): InventoryState {
  const timers = new Map(state.timers);
  timers.delete(orderKey);
  return { ...state, timers };
}

type StockChange = (s: StockRecord, q: number) => void;
const lock =
  (presale: boolean): StockChange =>
  (s, q) => {
    if (presale) s.presaleQuota -= q;
    s.locked += q;
  };
const reserve: StockChange = (s, q) => {
  s.locked -= q;
  s.reserved += q;
};
const ship: StockChange = (s, q) => {
  s.reserved -= q;
  s.physical = Math.max(0, s.physical - q);
};
const releaseLocked =
  (presale: boolean): StockChange =>
  (s, q) => {
    s.locked -= q;
    if (presale) s.presaleQuota += q;
  };
const releaseReserved =
  (presale: boolean): StockChange =>
  (s, q) => {
    s.reserved -= q;
    if (presale) s.presaleQuota += q;
  };

/** Mutable scratch over an immutable state: the caller builds a new state object from it. */
class Draft {
  readonly stock: Map<string, StockRecord>;
  readonly timers: Map<string, number>;
  readonly holds: Map<string, Hold>;
  readonly decisions: Decision[] = [];
  /** Stock keys changed by this command, in first-change order (low-stock checks run over them). */
  private readonly touched: string[] = [];

  constructor(readonly base: InventoryState) {
    this.stock = new Map(base.stock);
    this.timers = new Map(base.timers);
    this.holds = new Map(base.holds);
  }

  levels(sku: string, warehouse: string): StockRecord {
    return this.stock.get(stockKey(sku, warehouse)) ?? ZERO;
  }

  change(kind: Decision['kind'], sku: string, warehouse: string, quantity: number, fn: StockChange, reason: Reason | null = null): void {
    const key = stockKey(sku, warehouse);
    const next = { ...this.levels(sku, warehouse) };
    fn(next, quantity);
    next.version += 1;
    this.stock.set(key, next);
    if (!this.touched.includes(key)) this.touched.push(key);
    this.decisions.push(decision(kind, sku, warehouse, quantity, reason, next));
  }

  reject(sku: string, warehouse: string, quantity: number, reason: Reason): void {
    this.decisions.push(decision('REJECTED', sku, warehouse, quantity, reason, this.levels(sku, warehouse)));
  }

  /** One alert per dip to or below the threshold; re-armed silently when stock rises above it. */
  checkLowStock(): void {
    for (const key of this.touched) {
      const s = this.stock.get(key)!;
      const available = availableOf(s);
      const [sku, warehouse] = splitKey(key);
      if (available <= s.threshold && !s.alerted) {
        this.stock.set(key, { ...s, alerted: true });
        this.decisions.push(decision('LOW_STOCK', sku, warehouse, available, ['low-stock', available, s.threshold], s));
      } else if (available > s.threshold && s.alerted) {
        this.stock.set(key, { ...s, alerted: false });
      }
    }
  }
}

function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf('@');
  return [key.slice(0, at), key.slice(at + 1)];
}

function decision(kind: Decision['kind'], sku: string, warehouse: string, quantity: number, reason: Reason | null, s: StockRecord): Decision {
  return {
    kind,
    sku,
    warehouse,
    quantity,
    reason,
    physical: s.physical,
    locked: s.locked,
    reserved: s.reserved,
    safety: s.safety,
    presaleQuota: s.presaleQuota,
    version: s.version,
  };
}

export function applyCommand(state: InventoryState, cmd: InventoryCommand): { state: InventoryState; result: CommandResult } {
  return cmd.t === 'order' ? applyOrder(state, cmd) : applyMovement(state, cmd);
}

export function applyAll(state: InventoryState, cmds: InventoryCommand[]): { state: InventoryState; results: CommandResult[] } {
  const results: CommandResult[] = [];
  for (const cmd of cmds) {
    const step = applyCommand(state, cmd);
    state = step.state;
    results.push(step.result);
  }
  return { state, results };
}

function commit(draft: Draft, movements = draft.base.movements): InventoryState {
  return { stock: draft.stock, holds: draft.holds, movements, timers: draft.timers };
}

function applyOrder(state: InventoryState, cmd: OrderCommand): { state: InventoryState; result: CommandResult } {
  const hold = state.holds.get(cmd.orderKey);
  const prior = hold?.applied.get(cmd.id);
  if (prior) return { state, result: { id: cmd.id, replayed: true, decisions: prior } };

  const draft = new Draft(state);
  let next: Hold | undefined = hold;
  if (cmd.target === 'NONE') {
    // nothing to do for stock
  } else if (!hold || hold.state === 'PENDING') {
    const target = cmd.target;
    if (target === 'RELEASED') {
      // Cancelled before we saw it created: remember, so a late "created" cannot lock stock.
      next = { state: 'RELEASED', presale: cmd.presale, lines: [], meta: cmd.meta, applied: hold?.applied ?? new Map() };
    } else if (target !== 'EXPIRED') {
      // A status without contents (STATUS_ONLY) cannot be allocated: remember how far the order
      // got, and allocate that far once its contents arrive.
      const want = further(hold?.pending, target);
      next =
        cmd.lines.length > 0
          ? { ...allocate(draft, cmd, want), applied: hold?.applied ?? new Map() }
          : { state: 'PENDING', pending: want, presale: cmd.presale, lines: [], meta: cmd.meta, applied: hold?.applied ?? new Map() };
    }
  } else if (cmd.target === 'EXPIRED' && !state.timers.has(cmd.orderKey)) {
    // Only a lock with a timer can expire (an expiry is the timer's own command, never a channel's).
  } else if (hold.state === 'LOCKED' || hold.state === 'RESERVED') {
    next = { ...hold, state: moveHold(draft, hold, cmd.target) };
    // An expiry's own timer stays until the shell has published the release (clearTimer), so a
    // crash in between repeats the expiry instead of losing its announcement.
    if (next.state !== 'LOCKED' && cmd.target !== 'EXPIRED') draft.timers.delete(cmd.orderKey);
  }
  // SHIPPED, RELEASED and REJECTED are final for stock: returns arrive as stock movements.

  draft.checkLowStock();
  const result: CommandResult = { id: cmd.id, replayed: false, decisions: draft.decisions };
  // An expiry or REFUNDING for an order we never held leaves nothing behind: nothing to repeat.
  if (!next) return { state, result };
  const applied = new Map(next.applied);
  applied.set(cmd.id, draft.decisions);
  draft.holds.set(cmd.orderKey, { ...next, applied });
  return { state: commit(draft), result };
}

const TARGET_RANK = { LOCKED: 1, RESERVED: 2, SHIPPED: 3 } as const;
type StockTarget = keyof typeof TARGET_RANK;

function further(a: StockTarget | undefined, b: StockTarget): StockTarget {
  return a !== undefined && TARGET_RANK[a] > TARGET_RANK[b] ? a : b;
}

/** A first-seen order: lock it whole (or line by line), step it up to the target, or reject it. */
function allocate(draft: Draft, cmd: OrderCommand, target: StockTarget): Hold {
  const fits = (sku: string, q: number, wh: string) => {
    const s = draft.levels(sku, wh);
    return (cmd.presale ? s.presaleQuota : availableOf(s)) >= q;
  };
  const invalid = invalidLinesReason(cmd.lines);
  let held: HeldLine[] | undefined;
  if (!invalid) {
    const whole = cmd.warehouses.find((wh) => cmd.lines.every(([sku, q]) => fits(sku, q, wh)));
    if (whole !== undefined) {
      held = cmd.lines.map(([sku, q]) => [sku, q, whole]);
    } else if (cmd.split === 'by-line') {
      const perLine = cmd.lines.map(([sku, q]) => [sku, q, cmd.warehouses.find((wh) => fits(sku, q, wh))] as const);
      if (perLine.every(([, , wh]) => wh !== undefined)) held = perLine as HeldLine[];
    }
  }
  if (!held) {
    const reason = invalid ?? shortageReason(draft, cmd);
    const wh = cmd.warehouses[0] ?? '';
    for (const [sku, q] of cmd.lines) draft.reject(sku, wh, q, reason);
    return { state: 'REJECTED', presale: cmd.presale, lines: [], meta: cmd.meta, applied: new Map() };
  }
  for (const [sku, q, wh] of held) draft.change('LOCKED', sku, wh, q, lock(cmd.presale));
  let state: HoldState = 'LOCKED';
  const hold: Hold = { state, presale: cmd.presale, lines: held, meta: cmd.meta, applied: new Map() };
  if (target !== 'LOCKED') state = moveHold(draft, hold, target);
  if (state === 'LOCKED' && cmd.expiresAt > 0) draft.timers.set(cmd.orderKey, cmd.expiresAt);
  return { ...hold, state };
}

/** An open hold (LOCKED or RESERVED) moved towards a target; returns the state reached. */
function moveHold(draft: Draft, hold: Hold, target: OrderCommand['target']): HoldState {
  let state = hold.state;
  const each = (kind: Decision['kind'], fn: StockChange, reason: Reason | null = null) => {
    for (const [sku, q, wh] of hold.lines) draft.change(kind, sku, wh, q, fn, reason);
  };
  if (target === 'RELEASED' || (target === 'EXPIRED' && state === 'LOCKED')) {
    const reason: Reason | null = target === 'EXPIRED' ? ['unpaid-timeout'] : null;
    each('RELEASED', state === 'LOCKED' ? releaseLocked(hold.presale) : releaseReserved(hold.presale), reason);
    return 'RELEASED';
  }
  if (state === 'LOCKED' && (target === 'RESERVED' || target === 'SHIPPED')) {
    each('RESERVED', reserve);
    state = 'RESERVED';
  }
  if (target === 'SHIPPED') {
    each('SHIPPED', ship);
    state = 'SHIPPED';
  }
  return state;
}

function invalidLinesReason(lines: [string, number][]): Reason | undefined {
  const bad = lines.find(([, q]) => !Number.isInteger(q) || q <= 0);
  return bad ? ['invalid-quantity', bad[0], bad[1]] : undefined;
}

/** What the first warehouse lacks, line by line. */
function shortageReason(draft: Draft, cmd: OrderCommand): Reason {
  const first = cmd.warehouses[0];
  if (first === undefined) return ['no-warehouse'];
  const short = cmd.lines
    .map(([sku, q]): [string, number, number] => {
      const s = draft.levels(sku, first);
      return [sku, q, Math.max(0, cmd.presale ? s.presaleQuota : availableOf(s))];
    })
    .filter(([, q, a]) => a < q);
  return ['short', first, cmd.presale, cmd.warehouses.length, short];
}

function applyMovement(state: InventoryState, cmd: MovementCommand): { state: InventoryState; result: CommandResult } {
  const prior = state.movements.get(cmd.id);
  if (prior) return { state, result: { id: cmd.id, replayed: true, decisions: prior } };
  const draft = new Draft(state);
  const q = cmd.quantity;
  const { sku, warehouse: wh } = cmd;
  if (!Number.isInteger(q) || (q < 0 && cmd.kind !== 'ADJUSTMENT')) {
    draft.reject(sku, wh, q, ['invalid-movement', cmd.kind, q]);
  } else if (cmd.kind === 'RECEIPT' || cmd.kind === 'RETURN') {
    draft.change('RECEIVED', sku, wh, q, (s) => {
      s.physical += q;
    });
  } else if (cmd.kind === 'COUNT') {
    const before = draft.levels(sku, wh).physical;
    draft.change('COUNTED', sku, wh, q - before, (s) => {
      s.physical = q;
    });
  } else if (cmd.kind === 'ADJUSTMENT') {
    if (draft.levels(sku, wh).physical + q < 0) draft.reject(sku, wh, q, ['negative-adjustment', q]);
    else
      draft.change('ADJUSTED', sku, wh, q, (s) => {
        s.physical += q;
      });
  } else if (cmd.kind === 'SAFETY_STOCK') {
    draft.change('SAFETY_STOCK_SET', sku, wh, q, (s) => {
      s.safety = q;
    });
  } else if (cmd.kind === 'PRESALE_QUOTA') {
    const s = draft.levels(sku, wh);
    if (q - s.presaleQuota > availableOf(s)) draft.reject(sku, wh, q, ['quota-exceeds', q, availableOf(s) + s.presaleQuota]);
    else
      draft.change('PRESALE_QUOTA_SET', sku, wh, q, (r) => {
        r.presaleQuota = q;
      });
  } else if (cmd.kind === 'LOW_STOCK_THRESHOLD') {
    draft.change('THRESHOLD_SET', sku, wh, q, (s) => {
      s.threshold = q;
      s.alerted = false;
    });
  } else {
    scanOut(draft, cmd);
  }
  draft.checkLowStock();
  const movements = new Map(state.movements);
  movements.set(cmd.id, draft.decisions);
  return { state: commit(draft, movements), result: { id: cmd.id, replayed: false, decisions: draft.decisions } };
}

/** The warehouse's PDA scan-out: the order's parcel left, so its hold ships. */
function scanOut(draft: Draft, cmd: MovementCommand): void {
  const hold = cmd.orderKey === null ? undefined : draft.holds.get(cmd.orderKey);
  if (!hold || (hold.state !== 'LOCKED' && hold.state !== 'RESERVED')) {
    draft.reject(cmd.sku, cmd.warehouse, cmd.quantity, ['no-open-hold', cmd.orderKey, hold?.state ?? null]);
    return;
  }
  draft.holds.set(cmd.orderKey!, { ...hold, state: moveHold(draft, hold, 'SHIPPED') });
  draft.timers.delete(cmd.orderKey!);
}
