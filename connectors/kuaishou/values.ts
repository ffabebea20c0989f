import type { Result } from '../../lib/result.js';

/*
 * Kuaishou sends money as integer fen and times as epoch milliseconds, both JSON numbers. JSON
 * numbers can still be fractional, negative or absurd, so each is checked before use.
 */

/** Fen: a whole, non-negative, exactly representable number. 1999 = ¥19.99. */
export function fen(field: string, value: number | undefined | null): Result<number> {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return { ok: false, reason: `${field} is not a whole non-negative number of fen: ${String(value)}` };
  }
  return { ok: true, value };
}

/** 2001-09-09 (1e12 ms) … 2286 (1e13 ms): rejects seconds passed as ms and garbage. */
const MIN_MS = 1e12;
const MAX_MS = 1e13;

export function epochMs(field: string, value: number | undefined | null): Result<number> {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < MIN_MS || value >= MAX_MS) {
    return { ok: false, reason: `${field} is not an epoch-millisecond time: ${String(value)}` };
  }
  return { ok: true, value };
}

export function quantity(field: string, value: number): Result<number> {
  if (!Number.isSafeInteger(value) || value <= 0) return { ok: false, reason: `${field} is not a positive whole quantity: ${value}` };
  return { ok: true, value };
}
