import type { Result } from '../../lib/result.js';

/*
 * Shopify sends money as decimal strings ("199.00") in the shop currency. Floats cannot hold
 * most cents exactly (0.1 + 0.2 !== 0.3), so amounts are converted to integer minor units
 * with string arithmetic only.
 */

/**
 * ISO 4217 minor-unit exponents that differ from the usual 2. "Minor units" means the
 * currency's smallest unit: cents for USD, yen for JPY, fils (1/1000) for KWD.
 */
const EXPONENT_BY_CURRENCY: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export function minorUnitExponent(currency: string): number {
  return EXPONENT_BY_CURRENCY[currency] ?? 2;
}

/** Plain non-negative decimal: digits, optionally "." and digits. No sign, comma, exponent or spaces. */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * "19.99" → 1999, "0.10" → 10, "100" → 10000 (exponent 2). Extra fraction digits are
 * accepted only when they are zeros ("1.000" USD is exactly 100 cents); "1.005" USD is not a
 * whole number of cents and is refused rather than rounded.
 */
export function decimalToMinor(amount: string, exponent = 2): Result<number> {
  const match = DECIMAL.exec(amount);
  if (!match) return { ok: false, reason: `malformed money amount "${amount}"` };
  const whole = match[1]!;
  const fraction = match[2] ?? '';
  const kept = fraction.slice(0, exponent).padEnd(exponent, '0');
  if (/[^0]/.test(fraction.slice(exponent))) {
    return { ok: false, reason: `money amount "${amount}" has more than ${exponent} decimal places` };
  }
  const minor = BigInt(whole + kept);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, reason: `money amount "${amount}" is too large` };
  }
  return { ok: true, value: Number(minor) };
}

/** Inverse of decimalToMinor, formatted as Shopify does (fixed decimals). Used by the simulator. */
export function minorToDecimal(minor: number, exponent = 2): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError(`not a minor amount: ${minor}`);
  if (exponent === 0) return String(minor);
  const digits = String(minor).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
