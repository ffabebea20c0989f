/*
 * JD order ids and prices are usually strings, but some JOS fields are numbers (orderTotal,
 * apiResult codes) and older SDKs type orderId as uint64. JSON.parse would round big integers and
 * float decimals. So before parsing, every number literal outside a string is rewritten as
 * a JSON string holding its exact source text: 300000000000000001 → "300000000000000001",
 * 25.5 → "25.5". Everything after that is string arithmetic.
 */
export { parseJsonExact, quoteJsonNumbers } from '../common/json-numbers.js';
