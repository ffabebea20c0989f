/*
 * Meituan writes order ids as JSON numbers that exceed 2^53 (order_id is a bigint(20)), and
 * money as JSON numbers in yuan (25.5). JSON.parse would round the first and turn the second
 * into a binary float. So before parsing, every number literal outside a string is rewritten as
 * a JSON string holding its exact source text: 27061900338318741 → "27061900338318741",
 * 25.5 → "25.5". Everything after that is string arithmetic.
 */
export { parseJsonExact, quoteJsonNumbers } from '../common/json-numbers.js';
