import { describe, expect, it } from 'vitest';
import { copyField, copyText } from './history-copy.js';

describe('COPY text format', () => {
  it('escapes backslash, tab, newline and carriage return, and writes null as \\N', () => {
    expect(copyField('plain × text @ WH-EAST')).toBe('plain × text @ WH-EAST');
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField('\\N')).toBe('\\\\N'); // the two characters, not a null
    expect(copyField('')).toBe('');
    expect(copyField(null)).toBe('\\N');
  });

  it('writes one line per row, tab-separated, in row order, across chunks', () => {
    const rows = Array.from({ length: 4500 }, (_, i) => ({ id: `e${i}`, note: i % 2 ? null : 'x\ty' }));
    const text = [...copyText(rows, (r) => [r.id, r.note])].join('');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(4500);
    expect(lines[0]).toBe('e0\tx\\ty');
    expect(lines[1]).toBe('e1\t\\N');
    expect(lines[4499]).toBe('e4499\t\\N');
  });
});
