import { describe, expect, it } from 'vitest';
import type { HubExceptionRow } from '../../sinks/postgres/query-api/stock-sync-queries.js';
import { decide } from './actions.js';

const NOW = Date.parse('2026-12-05T10:00:00Z');
const row = (over: Partial<HubExceptionRow> = {}): HubExceptionRow => ({
  exception_id: 'paid-unfillable:taobao:tb-1:4001',
  kind: 'PAID_UNFILLABLE',
  state: 'OPEN',
  subject: 'taobao:tb-1:4001',
  channel: 'taobao',
  shop_id: 'tb-1',
  reason: 'paid, but the hub cannot fill it (insufficient stock): held for a person (shop policy HOLD)',
  at: new Date(NOW - 60_000),
  first_at: new Date(NOW - 60_000),
  ...over,
});

describe("a person's decision on an exception", () => {
  it('cancels a held paid order: CANCEL_REQUESTED and a CANCEL_UNFILLABLE of its own (not the policy’s, so it runs again)', () => {
    const d = decide(row(), 'cancel', 'lin', 'buyer agreed', NOW);
    if (!d.ok) throw new Error(d.reason);
    expect(d.value.exception).toEqual({
      exceptionId: 'paid-unfillable:taobao:tb-1:4001',
      kind: 'PAID_UNFILLABLE',
      state: 'CANCEL_REQUESTED',
      subject: 'taobao:tb-1:4001',
      channel: 'taobao',
      shopId: 'tb-1',
      reason: 'lin asked to cancel it at the channel: buyer agreed; the channel is being told',
      at: NOW,
    });
    expect(d.value.command).toMatchObject({
      kind: 'CANCEL_UNFILLABLE',
      commandId: `cancel-unfillable:taobao:tb-1:4001:lin@${NOW}`,
      orderKey: 'taobao:tb-1:4001',
      channel: 'taobao',
      shopId: 'tb-1',
      channelOrderId: '4001',
      issuedAt: NOW,
    });
  });

  it('retries after a failed cancellation, and resolves without a command', () => {
    expect(decide(row({ state: 'CANCEL_FAILED' }), 'cancel', 'lin', undefined, NOW)).toMatchObject({ ok: true });
    const resolved = decide(row({ kind: 'UNMAPPED_LINE', exception_id: 'unmapped-line:x' }), 'resolve', 'lin', 'mapped by hand', NOW);
    expect(resolved).toMatchObject({ ok: true, value: { exception: { state: 'RESOLVED', reason: 'resolved by lin: mapped by hand' }, command: null } });
  });

  it('refuses what is not waiting for a person, and cancelling anything but a paid unfillable order', () => {
    expect(decide(row({ state: 'CANCELLED' }), 'cancel', 'lin', undefined, NOW)).toEqual({
      ok: false,
      retryable: false,
      reason: 'paid-unfillable:taobao:tb-1:4001 is CANCELLED, not waiting for a person',
    });
    expect(decide(row({ state: 'CANCEL_REQUESTED' }), 'resolve', 'lin', undefined, NOW)).toMatchObject({ ok: false });
    expect(decide(row({ kind: 'UNMAPPED_LINE' }), 'cancel', 'lin', undefined, NOW)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('only a paid order the hub cannot fill can be cancelled'),
    });
  });
});
