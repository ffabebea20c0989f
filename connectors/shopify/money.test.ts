import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToMinor, minorToDecimal, minorUnitExponent } from './money.js';

describe('decimalToMinor', () => {
  it.each([
    ['19.99', 1999],
    ['0.10', 10],
    ['100', 10000],
    ['199.00', 19900],
    ['0', 0],
    ['0.00', 0],
    ['0.01', 1],
    ['1.5', 150],
    ['1.000', 100], // more places than cents, but only zeros: still exact
    ['90071992547409.91', 9007199254740991], // the largest safe amount
  ])('%s → %i cents', (amount, minor) => {
    expect(decimalToMinor(amount)).toEqual({ ok: true, value: minor });
  });

  it('is exact where float arithmetic is not', () => {
    expect(Math.round(parseFloat('1.005') * 100)).toBe(100); // the float trap: 1.005 * 100 = 100.49999…
    expect(decimalToMinor('4.35')).toEqual({ ok: true, value: 435 }); // 4.35 * 100 = 434.99999… as a float
    expect(decimalToMinor('1.13')).toEqual({ ok: true, value: 113 });
  });

  it.each(['1,99', 'abc', '', ' 1.00', '1.00 ', '-1.00', '+1.00', '1.', '.5', '1e3', '1.2.3', '0x10', 'NaN', 'Infinity', '١٢'])(
    'rejects malformed %j with a reason',
    (amount) => {
      expect(decimalToMinor(amount)).toEqual({ ok: false, reason: `malformed money amount "${amount}"` });
    },
  );

  it('refuses sub-minor precision instead of rounding it away', () => {
    expect(decimalToMinor('1.005')).toEqual({ ok: false, reason: 'money amount "1.005" has more than 2 decimal places' });
  });

  it('refuses amounts beyond what a JS number holds exactly', () => {
    expect(decimalToMinor('90071992547409.92').ok).toBe(false);
    expect(decimalToMinor('99999999999999999999.00').ok).toBe(false);
  });

  it('uses the currency exponent: yen have no minor unit, dinars have three', () => {
    expect(decimalToMinor('1500', minorUnitExponent('JPY'))).toEqual({ ok: true, value: 1500 });
    expect(decimalToMinor('1500.00', minorUnitExponent('JPY'))).toEqual({ ok: true, value: 1500 });
    expect(decimalToMinor('1500.50', minorUnitExponent('JPY')).ok).toBe(false);
    expect(decimalToMinor('1.234', minorUnitExponent('KWD'))).toEqual({ ok: true, value: 1234 });
    expect(minorUnitExponent('USD')).toBe(2);
    expect(minorUnitExponent('CNY')).toBe(2);
  });

  it('round-trips every safe minor amount through Shopify formatting', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.constantFrom(0, 2, 3), (minor, exponent) => {
        expect(decimalToMinor(minorToDecimal(minor, exponent), exponent)).toEqual({ ok: true, value: minor });
      }),
    );
  });
});

describe('minorToDecimal', () => {
  it('formats like Shopify', () => {
    expect(minorToDecimal(1999)).toBe('19.99');
    expect(minorToDecimal(10)).toBe('0.10');
    expect(minorToDecimal(0)).toBe('0.00');
    expect(minorToDecimal(1500, 0)).toBe('1500');
    expect(minorToDecimal(5, 3)).toBe('0.005');
  });
});
