/*
 * Meituan amounts are yuan: form fields like total=38.5, and numbers inside the detail JSON
 * (kept as their source text by json-numbers.ts). Converted to fen with string arithmetic only.
 */

export { yuanToFen } from '../common/yuan.js';

/** Inverse, formatted the way Meituan prints yuan (no trailing zeros: 3850 → "38.5"). Simulator only. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not a fen amount: ${fen}`);
  const yuan = Math.floor(fen / 100);
  const cents = fen % 100;
  if (cents === 0) return String(yuan);
  return `${yuan}.${String(cents).padStart(2, '0').replace(/0$/, '')}`;
}
