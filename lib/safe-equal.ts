import { timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of two ASCII tokens (a length mismatch is a mismatch; lengths are public). */
export function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
