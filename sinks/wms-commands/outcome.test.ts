import { describe, expect, it } from 'vitest';
import type { WarehouseCommand } from '../../topics/schemas/warehouse-command.js';
import { type Attempt, interceptRecords, isFinal } from './outcome.js';

const cmd: WarehouseCommand = {
  commandId: 'div-1:INTERCEPT',
  kind: 'INTERCEPT',
  orderKey: 'jd:shop:9',
  channel: 'jd',
  warehouse: 'WH-EAST',
  shipmentId: null,
  waybillNo: null,
  divergenceId: 'div-1',
  reason: 'cancelled on the channel',
  issuedAt: 1,
};
const transient = (at: number): Attempt => ({ answer: { kind: 'transient', reason: 'WMS answered 503' }, at });

describe('intercept outcomes', () => {
  it('stops on success or refusal, and after the last allowed attempt', () => {
    expect(isFinal([], 3)).toBe(false);
    expect(isFinal([transient(1)], 3)).toBe(false);
    expect(isFinal([transient(1), transient(2), transient(3)], 3)).toBe(true);
    expect(isFinal([{ answer: { kind: 'refused', reason: 'already scanned out' }, at: 1 }], 3)).toBe(true);
    expect(isFinal([{ answer: { kind: 'intercepted' }, at: 1 }], 3)).toBe(true);
  });

  it('success after retries: RETRYING per failed attempt, then SUCCEEDED and INTERCEPTED', () => {
    const r = interceptRecords(cmd, [transient(10), transient(20), { answer: { kind: 'intercepted' }, at: 30 }]);
    expect(r.outcomes.map((o) => [o.outcomeId, o.state, o.attempt, o.occurredAt])).toEqual([
      ['div-1:INTERCEPT#1', 'RETRYING', 1, 10],
      ['div-1:INTERCEPT#2', 'RETRYING', 2, 20],
      ['div-1:INTERCEPT#3', 'SUCCEEDED', 3, 30],
    ]);
    expect(r.outcomes.every((o) => o.target === 'warehouse:WH-EAST' && o.divergenceId === 'div-1')).toBe(true);
    expect(r.event).toMatchObject({
      eventId: 'div-1:INTERCEPT:INTERCEPTED',
      kind: 'INTERCEPTED',
      shipmentId: 'jd:shop:9#WH-EAST',
      source: 'wms:WH-EAST',
      occurredAt: 30,
    });
  });

  it('a refusal fails with the WMS reason; exhausted retries fail saying so', () => {
    const refused = interceptRecords(cmd, [{ answer: { kind: 'refused', reason: 'already scanned out' }, at: 5 }]);
    expect(refused.outcomes).toEqual([expect.objectContaining({ state: 'FAILED', reason: 'already scanned out' })]);
    expect(refused.event).toMatchObject({ kind: 'INTERCEPT_FAILED', reason: 'already scanned out' });
    const exhausted = interceptRecords(cmd, [transient(1), transient(2)]);
    expect(exhausted.outcomes.at(-1)).toMatchObject({ state: 'FAILED', reason: 'gave up after 2 attempts: WMS answered 503' });
  });
});
