import type { Result } from '../../lib/result.js';

/*
 * Youzan money is yuan as decimal strings ("0.01", "199.00"). Converted to integer fen with string
 * arithmetic only: floats cannot hold most fen exactly. Sub-fen precision ("1.005") is refused,
 * never rounded; signs, commas, exponents and spaces are refused.
 */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

export function yuanToFen(field: string, amount: string | undefined | null): Result<number> {
  if (amount === undefined || amount === null) return { ok: false, reason: `${field} is missing` };
  const match = DECIMAL.exec(amount);
  if (!match) return { ok: false, reason: `${field}: malformed yuan amount "${amount}"` };
  const fraction = match[2] ?? '';
  if (/[^0]/.test(fraction.slice(2))) return { ok: false, reason: `${field}: "${amount}" has more than 2 decimal places` };
  const fen = BigInt(match[1]! + fraction.slice(0, 2).padEnd(2, '0'));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: `${field}: "${amount}" is too large` };
  return { ok: true, value: Number(fen) };
}

/** 1999 → "19.99", as Youzan formats amounts. Used by the simulator. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not a fen amount: ${fen}`);
  const digits = String(fen).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
