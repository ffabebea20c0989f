/** A plain-text table: columns padded to their widest cell, two spaces apart, the last one unpadded. */
export function formatTextTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((x, i) => (i === cells.length - 1 ? x : x.padEnd(width[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

/** A time as ISO 8601 to the second, or "-". */
export const isoSeconds = (d: Date | null): string => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');
