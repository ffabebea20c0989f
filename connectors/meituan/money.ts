import type { Outcome } from '../contract.js';

/*
 * Meituan amounts are yuan: form fields like total=38.5, and numbers inside the detail JSON
 * (kept as their source text by json-numbers.ts). Converted to fen with string arithmetic only.
 */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** "38.5" → 3850, "0.01" → 1, "12" → 1200. Signs, exponents, spaces and sub-fen digits are refused. */
export function yuanToFen(amount: string): Outcome<number> {
  const match = DECIMAL.exec(amount);
  if (!match) return { ok: false, reason: `malformed yuan amount "${amount}"` };
  const fraction = match[2] ?? '';
  if (/[^0]/.test(fraction.slice(2))) return { ok: false, reason: `yuan amount "${amount}" has more than 2 decimal places` };
  const fen = BigInt(match[1]! + fraction.slice(0, 2).padEnd(2, '0'));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: `yuan amount "${amount}" is too large` };
  return { ok: true, value: Number(fen) };
}

/** Inverse, formatted the way Meituan prints yuan (no trailing zeros: 3850 → "38.5"). Simulator only. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not a fen amount: ${fen}`);
  const yuan = Math.floor(fen / 100);
  const cents = fen % 100;
  if (cents === 0) return String(yuan);
  return `${yuan}.${String(cents).padStart(2, '0').replace(/0$/, '')}`;
}
