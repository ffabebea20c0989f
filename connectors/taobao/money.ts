/*
 * TOP returns money as yuan decimal strings ("199.00", "0.10"). Floats cannot hold most fen
 * exactly, so amounts become integer fen with string arithmetic only: "19.99" → 1999.
 * More than two decimals are accepted only when the extra digits are zeros; anything else
 * (sign, exponent, comma, blank) is refused with a reason rather than rounded.
 */
export { fenToYuan, yuanToFen } from '../common/yuan.js';
