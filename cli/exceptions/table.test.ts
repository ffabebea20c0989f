import { describe, expect, it } from 'vitest';
import { formatExceptionTable } from './table.js';

describe('exceptions table', () => {
  it('prints kind, state, subject, shop, first seen, age and reason', () => {
    const text = formatExceptionTable(
      [
        {
          exception_id: 'x1',
          kind: 'UNMAPPED_LISTING',
          state: 'OPEN',
          subject: 'pdd:p-1:3:4',
          channel: 'pdd',
          shop_id: 'p-1',
          reason: 'no mapping',
          at: new Date('2026-11-24T09:00:00Z'),
          first_at: new Date('2026-11-24T08:00:00Z'),
        },
      ],
      Date.parse('2026-11-24T10:05:00Z'),
    );
    expect(text.split('\n')[1]!.split(/\s{2,}/)).toEqual([
      'UNMAPPED_LISTING',
      'OPEN',
      'pdd:p-1:3:4',
      'pdd:p-1',
      '2026-11-24T08:00:00Z',
      '2h 05m',
      'no mapping',
    ]);
    expect(formatExceptionTable([], 0)).toBe('no exceptions');
  });
});
