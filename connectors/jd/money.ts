/*
 * JD POP amounts are yuan decimal strings ("199.00", "0.01"). Converted to fen with string
 * arithmetic only, never floats.
 */
export { fenToYuan, yuanToFen } from '../common/yuan.js';
