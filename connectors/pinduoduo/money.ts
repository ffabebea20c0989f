import type { Result } from '../../lib/result.js';

/*
 * PDD money fields (pay_amount, goods_amount, discount_amount, postage, goods_price) are yuan.
 * Sources disagree on their JSON type: the .NET SDK generated from PDD's docs types them double
 * (JSON numbers, e.g. 19.9), the Node SDK types them string. Both are accepted:
 * - a string must be a plain decimal ("19.90");
 * - a number is read through its shortest round-trip text (String(19.9) === "19.9", the same
 *   digits as the JSON text for any amount with ≤ 15 significant digits), never multiplied as a
 *   float. Exponent forms (1e21) are refused.
 * Then integer fen by string arithmetic; more than 2 decimals (unless zeros) is refused.
 */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

export function yuanToFen(amount: string | number): Result<number> {
  let text: string;
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount) || amount < 0) return { ok: false, reason: `malformed money amount ${amount}` };
    text = String(amount);
  } else {
    text = amount;
  }
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, reason: `malformed money amount "${text}"` };
  const fraction = match[2] ?? '';
  if (/[^0]/.test(fraction.slice(2))) return { ok: false, reason: `money amount "${text}" has more than 2 decimal places` };
  const fen = BigInt(match[1]! + fraction.slice(0, 2).padEnd(2, '0'));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: `money amount "${text}" is too large` };
  return { ok: true, value: Number(fen) };
}

/** Fen → yuan as a JSON number (the simulator's default) or a "12.50" string. */
export function fenToYuanNumber(fen: number): number {
  return Number(fenToYuanString(fen));
}

export function fenToYuanString(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not a fen amount: ${fen}`);
  const digits = String(fen).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
