/*
 * WeChat writes order ids as bare JSON integers in push events, e.g.
 *   {"order_info":{"order_id":3737552192816962560,…}}
 * 3737552192816962560 > 2^53: JSON.parse would silently turn it into 3737552192816962600, another
 * order's key. Before the text is parsed, every integer literal with 16 or more digits (outside
 * strings) is therefore turned into a JSON string, which keeps all its digits.
 */
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function quoteLongIntegers(json: string): string {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < json.length) {
    const ch = json[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += json[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (ch === '"') inString = false;
      i++;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      i++;
      continue;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(json);
      const token = match?.[0] ?? ch;
      const isLongInteger = /^-?\d{16,}$/.test(token);
      out += isLongInteger ? `"${token}"` : token;
      i += token.length;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}
