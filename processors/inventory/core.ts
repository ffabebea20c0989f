import type { StockLevels } from '../../topics/schemas/inventory-event.js';
import type { InventoryCommand, MovementCommand, OrderCommand } from './commands.js';
import { availableOf, type CommandResult, type Decision, type HoldState } from './decision.js';

/**
 * The stock rules as a pure function: (state, command) → (state', decisions). This is the
 * specification; `reserve.lua` applies the very same rules atomically inside Redis, and a
 * differential test runs random command streams through both and demands identical results.
 */

export interface StockRecord extends StockLevels {
  version: number;
}

export interface Hold {
  state: HoldState;
  warehouse: string | null;
  lines: [string, number][];
  /** Every command applied to this order and what it decided: a repeat re-emits the same decisions. */
  applied: ReadonlyMap<string, Decision[]>;
}

export interface InventoryState {
  stock: ReadonlyMap<string, StockRecord>;
  holds: ReadonlyMap<string, Hold>;
  movements: ReadonlyMap<string, Decision[]>;
}

export const emptyState = (): InventoryState => ({ stock: new Map(), holds: new Map(), movements: new Map() });

export const stockKey = (sku: string, warehouse: string): string => `${sku}@${warehouse}`;

const ZERO: StockRecord = { physical: 0, locked: 0, reserved: 0, safety: 0, version: 0 };

type StockChange = (s: StockRecord, quantity: number) => StockRecord;
const lock: StockChange = (s, q) => ({ ...s, locked: s.locked + q });
const reserve: StockChange = (s, q) => ({ ...s, locked: s.locked - q, reserved: s.reserved + q });
const ship: StockChange = (s, q) => ({ ...s, reserved: s.reserved - q, physical: Math.max(0, s.physical - q) });
const releaseLocked: StockChange = (s, q) => ({ ...s, locked: s.locked - q });
const releaseReserved: StockChange = (s, q) => ({ ...s, reserved: s.reserved - q });

/** Mutable scratch over an immutable state: commits a new state object at the end. */
class Draft {
  readonly stock: Map<string, StockRecord>;
  readonly decisions: Decision[] = [];
  constructor(readonly base: InventoryState) {
    this.stock = new Map(base.stock);
  }
  levels(sku: string, warehouse: string): StockRecord {
    return this.stock.get(stockKey(sku, warehouse)) ?? ZERO;
  }
  change(kind: Decision['kind'], sku: string, warehouse: string, quantity: number, fn: (s: StockRecord) => StockRecord): void {
    const next = { ...fn(this.levels(sku, warehouse)) };
    next.version += 1;
    this.stock.set(stockKey(sku, warehouse), next);
    this.decisions.push({ kind, sku, warehouse, quantity, reason: null, ...levelsOf(next), version: next.version });
  }
  reject(sku: string, warehouse: string, quantity: number, reason: string): void {
    const s = this.levels(sku, warehouse);
    this.decisions.push({ kind: 'REJECTED', sku, warehouse, quantity, reason, ...levelsOf(s), version: s.version });
  }
}

function levelsOf(s: StockRecord): StockLevels {
  return { physical: s.physical, locked: s.locked, reserved: s.reserved, safety: s.safety };
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

function applyOrder(state: InventoryState, cmd: OrderCommand): { state: InventoryState; result: CommandResult } {
  const hold = state.holds.get(cmd.orderKey);
  const prior = hold?.applied.get(cmd.id);
  if (prior) return { state, result: { id: cmd.id, replayed: true, decisions: prior } };

  const draft = new Draft(state);
  let next: Hold | undefined = hold;
  const step = (kind: Decision['kind'], wh: string, lines: [string, number][], fn: StockChange) => {
    for (const [sku, q] of lines) draft.change(kind, sku, wh, q, (s) => fn(s, q));
  };

  if (cmd.target === 'NONE') {
    // nothing to do for stock
  } else if (!hold) {
    if (cmd.target === 'RELEASED') {
      // Cancelled before we saw it created: remember, so a late "created" cannot lock stock.
      next = { state: 'RELEASED', warehouse: null, lines: cmd.lines, applied: new Map() };
    } else {
      const invalid = invalidLinesReason(cmd.lines);
      const warehouse = invalid ? undefined : cmd.warehouses.find((wh) => cmd.lines.every(([sku, q]) => availableOf(draft.levels(sku, wh)) >= q));
      if (warehouse === undefined) {
        const reason = invalid ?? shortageReason(draft, cmd);
        const wh = cmd.warehouses[0] ?? '';
        if (cmd.lines.length === 0) draft.reject('', wh, 0, reason);
        for (const [sku, q] of cmd.lines) draft.reject(sku, wh, q, reason);
        next = { state: 'REJECTED', warehouse: null, lines: cmd.lines, applied: new Map() };
      } else {
        step('LOCKED', warehouse, cmd.lines, lock);
        if (cmd.target !== 'LOCKED') step('RESERVED', warehouse, cmd.lines, reserve);
        if (cmd.target === 'SHIPPED') step('SHIPPED', warehouse, cmd.lines, ship);
        const reached: HoldState = cmd.target === 'LOCKED' ? 'LOCKED' : cmd.target === 'RESERVED' ? 'RESERVED' : 'SHIPPED';
        next = { state: reached, warehouse, lines: cmd.lines, applied: new Map() };
      }
    }
  } else if (hold.state === 'LOCKED' || hold.state === 'RESERVED') {
    const wh = hold.warehouse ?? '';
    let reached: HoldState = hold.state;
    if (cmd.target === 'RELEASED') {
      step('RELEASED', wh, hold.lines, reached === 'LOCKED' ? releaseLocked : releaseReserved);
      reached = 'RELEASED';
    } else {
      if (reached === 'LOCKED' && (cmd.target === 'RESERVED' || cmd.target === 'SHIPPED')) {
        step('RESERVED', wh, hold.lines, reserve);
        reached = 'RESERVED';
      }
      if (cmd.target === 'SHIPPED') {
        step('SHIPPED', wh, hold.lines, ship);
        reached = 'SHIPPED';
      }
    }
    next = { ...hold, state: reached };
  }
  // SHIPPED, RELEASED and REJECTED are final for stock: returns arrive as stock movements.

  const result: CommandResult = { id: cmd.id, replayed: false, decisions: draft.decisions };
  // REFUNDING on an order we never held leaves nothing behind: there is nothing to repeat.
  if (!next) return { state, result };
  const applied = new Map(next.applied);
  applied.set(cmd.id, draft.decisions);
  const holds = new Map(state.holds);
  holds.set(cmd.orderKey, { ...next, applied });
  return { state: { ...state, stock: draft.stock, holds }, result };
}

function invalidLinesReason(lines: [string, number][]): string | undefined {
  if (lines.length === 0) return 'order has no lines';
  const bad = lines.find(([, q]) => !Number.isInteger(q) || q <= 0);
  return bad ? `invalid quantity ${bad[1]} for ${bad[0]}` : undefined;
}

function shortageReason(draft: Draft, cmd: OrderCommand): string {
  const first = cmd.warehouses[0];
  if (first === undefined) return 'no warehouse configured';
  const short = cmd.lines
    .map(([sku, q]) => ({ sku, q, a: Math.max(0, availableOf(draft.levels(sku, first))) }))
    .filter(({ q, a }) => a < q)
    .map(({ sku, q, a }) => `${sku} wants ${q}, ${a} available`);
  const others = cmd.warehouses.length > 1 ? `; no other of ${cmd.warehouses.length} warehouses can fill it` : '';
  return `insufficient stock at ${first}: ${short.join(', ')}${others}`;
}

function applyMovement(state: InventoryState, cmd: MovementCommand): { state: InventoryState; result: CommandResult } {
  const prior = state.movements.get(cmd.id);
  if (prior) return { state, result: { id: cmd.id, replayed: true, decisions: prior } };
  const draft = new Draft(state);
  const q = cmd.quantity;
  if (!Number.isInteger(q) || q < 0) {
    draft.reject(cmd.sku, cmd.warehouse, q, `invalid ${cmd.kind} quantity ${q}`);
  } else if (cmd.kind === 'RECEIPT' || cmd.kind === 'RETURN') {
    draft.change('RECEIVED', cmd.sku, cmd.warehouse, q, (s) => ({ ...s, physical: s.physical + q }));
  } else if (cmd.kind === 'COUNT') {
    const before = draft.levels(cmd.sku, cmd.warehouse).physical;
    draft.change('COUNTED', cmd.sku, cmd.warehouse, q - before, (s) => ({ ...s, physical: q }));
  } else {
    draft.change('SAFETY_STOCK_SET', cmd.sku, cmd.warehouse, q, (s) => ({ ...s, safety: q }));
  }
  const movements = new Map(state.movements);
  movements.set(cmd.id, draft.decisions);
  return { state: { ...state, stock: draft.stock, movements }, result: { id: cmd.id, replayed: false, decisions: draft.decisions } };
}
