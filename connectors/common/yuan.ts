import type { Result } from '../../lib/result.js';

/*
 * Chinese platforms give money as yuan decimal strings ("199.00", "0.10", "38.5"). Floats cannot
 * hold most fen exactly, so amounts become integer fen with string arithmetic only: "19.99" → 1999.
 * More than two decimals are accepted only when the extra digits are zeros; anything else
 * (sign, exponent, comma, blank) is refused with a reason rather than rounded.
 */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

export function yuanToFen(amount: string): Result<number> {
  const match = DECIMAL.exec(amount);
  if (!match) return { ok: false, reason: `malformed money amount "${amount}"` };
  const fraction = match[2] ?? '';
  if (/[^0]/.test(fraction.slice(2))) {
    return { ok: false, reason: `money amount "${amount}" has more than 2 decimal places` };
  }
  const fen = BigInt(match[1]! + fraction.slice(0, 2).padEnd(2, '0'));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: `money amount "${amount}" is too large` };
  return { ok: true, value: Number(fen) };
}

/** Inverse, with two decimals ("12.50"), as TOP and JOS print prices. Simulators use it. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not a fen amount: ${fen}`);
  const digits = String(fen).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
