/*
 * Platforms write 64-bit ids (JD orderId, Meituan order_id) and yuan amounts as JSON numbers.
 * JSON.parse would round ids beyond 2^53 and turn yuan into binary floats. So before parsing,
 * every number literal outside a string is rewritten as a JSON string holding its exact source
 * text: 300000000000000001 → "300000000000000001", 25.5 → "25.5". After that: string arithmetic.
 */
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function quoteJsonNumbers(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      // Copy a whole string literal, honouring escapes, so digits inside strings stay put.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (match) {
        out += `"${match[0]}"`;
        i += match[0].length;
        continue;
      }
    }
    out += c;
    i += 1;
  }
  return out;
}

/** JSON.parse with every number kept as its exact source text (see above). */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(quoteJsonNumbers(text));
}
