import type { Outcome } from '../contract.js';

/*
 * JD POP amounts are yuan decimal strings ("199.00", "0.01"). Converted to fen with string
 * arithmetic only, never floats.
 */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** "199.00" → 19900, "0.1" → 10. Signs, exponents, spaces and sub-fen digits are refused. */
export function yuanToFen(amount: string): Outcome<number> {
  const match = DECIMAL.exec(amount);
  if (!match) return { ok: false, reason: `malformed yuan amount "${amount}"` };
  const fraction = match[2] ?? '';
  if (/[^0]/.test(fraction.slice(2))) return { ok: false, reason: `yuan amount "${amount}" has more than 2 decimal places` };
  const fen = BigInt(match[1]! + fraction.slice(0, 2).padEnd(2, '0'));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: `yuan amount "${amount}" is too large` };
  return { ok: true, value: Number(fen) };
}

/** Inverse, formatted as JD prints prices ("199.00"). Simulator only. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not a fen amount: ${fen}`);
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}
