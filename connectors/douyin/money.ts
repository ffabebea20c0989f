import type { Result } from '../../lib/result.js';

/*
 * Douyin amounts are integer fen (分) already (order_amount, pay_amount, origin_amount …, "单位：分"
 * in the SDK). The canonical event also uses fen for CNY, so no conversion happens: only a check
 * that the value is a non-negative safe integer (the schema checks it too; this keeps normalize
 * honest for payloads built in code).
 */
export function fenAmount(field: string, value: number | undefined | null): Result<number> {
  if (value === undefined || value === null) return { ok: false, reason: `${field} is missing` };
  if (!Number.isSafeInteger(value) || value < 0) return { ok: false, reason: `${field} is not an amount in fen: ${value}` };
  return { ok: true, value };
}

/** Fen → "12.34" yuan text, for simulator display fields only. */
export function fenToYuan(fen: number): string {
  const digits = String(fen).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
