import { describe, expect, it } from 'vitest';
import { policyFromJson } from '../../processors/stock-sync/policy.js';
import { shopKeyOf, stockPolicyRecordOf } from './record.js';

const NOW = Date.parse('2026-11-24T08:00:00Z');

describe('stock policy record', () => {
  it('publishes the policy in its canonical JSON, which reads back to the same policy', () => {
    const text = JSON.stringify({
      share: { percent: 60 },
      floor: 2,
      allocations: [{ sku: 'A1', quantity: 5, start: '2026-11-24T20:00:00+08:00', end: '2026-11-24T22:00:00+08:00' }],
    });
    const result = stockPolicyRecordOf('taobao', 'tb-1', text, NOW);
    if (!result.ok) throw new Error(result.reason);
    expect(result.record).toMatchObject({ channel: 'taobao', shopId: 'tb-1', deleted: false, updatedAt: NOW });
    const back = policyFromJson(result.record.policyJson);
    expect(back.ok && back.policy).toEqual({
      share: { percent: 60 },
      floor: 2,
      allocations: [{ sku: 'A1', quantity: 5, start: Date.parse('2026-11-24T12:00:00Z'), end: Date.parse('2026-11-24T14:00:00Z') }],
      onUnfillable: 'HOLD',
    });
    expect(shopKeyOf('taobao', 'tb-1')).toBe('taobao:tb-1');
  });

  it('refuses a wrong rule, naming the field, and text that is not JSON', () => {
    expect(stockPolicyRecordOf('taobao', 'tb-1', '{"floor": -1}', NOW)).toEqual({ ok: false, reason: expect.stringMatching(/^floor: /) });
    expect(stockPolicyRecordOf('taobao', 'tb-1', '{"shares": "ALL"}', NOW)).toMatchObject({ ok: false });
    expect(stockPolicyRecordOf('taobao', 'tb-1', 'share: ALL', NOW)).toEqual({ ok: false, reason: expect.stringMatching(/^not JSON/) });
  });
});
