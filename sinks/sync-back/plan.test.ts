import { describe, expect, it } from 'vitest';
import type { ChannelCommand } from '../../topics/schemas/channel-command.js';
import { distinctCommands, PULL_MARGIN_MS, planLanes, pullFromMs, shipmentNoticeOf } from './plan.js';

const T = Date.parse('2026-01-01T10:00:00Z');
const cmd = (over: Partial<ChannelCommand>): ChannelCommand => ({
  commandId: 'c1',
  kind: 'SHIP',
  orderKey: 'taobao:tb1:1',
  channel: 'taobao',
  shopId: 'tb1',
  channelOrderId: '1',
  carrier: 'SF',
  waybillNo: 'SF1',
  divergenceId: null,
  reason: 'shipped',
  since: null,
  issuedAt: T,
  ...over,
});

describe('planLanes', () => {
  it("keeps one order's SHIPs in one lane, in order, and other orders in lanes of their own", () => {
    const a1 = cmd({ commandId: 'a1', orderKey: 'taobao:tb1:A' });
    const b1 = cmd({ commandId: 'b1', orderKey: 'taobao:tb1:B' });
    const a2 = cmd({ commandId: 'a2', orderKey: 'taobao:tb1:A' });
    const lanes = planLanes([a1, b1, a2]);
    expect(lanes.map((l) => l.map((j) => (j.kind === 'SHIP' ? j.command.commandId : 'R')))).toEqual([['a1', 'a2'], ['b1']]);
  });

  it("coalesces a shop's RECONCILE_ORDERs into one pull from the earliest start", () => {
    const r1 = cmd({ commandId: 'r1', kind: 'RECONCILE_ORDER', orderKey: 'jd:j1:1', channel: 'jd', shopId: 'j1', since: T - 60_000 });
    const r2 = cmd({ commandId: 'r2', kind: 'RECONCILE_ORDER', orderKey: 'jd:j1:2', channel: 'jd', shopId: 'j1', since: T - 600_000 });
    const other = cmd({ commandId: 'r3', kind: 'RECONCILE_ORDER', orderKey: 'jd:j2:3', channel: 'jd', shopId: 'j2', since: null });
    const lanes = planLanes([r1, r2, other]);
    expect(lanes).toHaveLength(2);
    expect(lanes[0]).toEqual([{ kind: 'RECONCILE', channel: 'jd', shopId: 'j1', commands: [r1, r2], fromMs: T - 600_000 - PULL_MARGIN_MS }]);
    expect(lanes[1]![0]).toMatchObject({ shopId: 'j2', fromMs: T - PULL_MARGIN_MS });
  });

  it("starts a pull two minutes before the order's last change, or before the command when unknown", () => {
    expect(pullFromMs(cmd({ since: T - 5_000 }))).toBe(T - 5_000 - 120_000);
    expect(pullFromMs(cmd({ since: null }))).toBe(T - 120_000);
  });
});

describe('distinctCommands', () => {
  it('drops repeated deliveries of a command within a batch', () => {
    expect(distinctCommands([cmd({ commandId: 'x' }), cmd({ commandId: 'y' }), cmd({ commandId: 'x', reason: 'again' })]).map((c) => c.commandId)).toEqual([
      'x',
      'y',
    ]);
  });
});

describe('shipmentNoticeOf', () => {
  it('builds the notice from a complete SHIP command', () => {
    expect(shipmentNoticeOf(cmd({ carrier: 'ZTO', waybillNo: ' 753 ' }))).toEqual({
      ok: true,
      value: { channelOrderId: '1', carrier: 'ZTO', waybillNo: '753', shippedAt: T },
    });
  });
  it('refuses an unknown carrier or a missing waybill', () => {
    expect(shipmentNoticeOf(cmd({ carrier: 'DHL' }))).toMatchObject({ ok: false, reason: expect.stringContaining('DHL') });
    expect(shipmentNoticeOf(cmd({ carrier: null }))).toMatchObject({ ok: false });
    expect(shipmentNoticeOf(cmd({ waybillNo: '  ' }))).toMatchObject({ ok: false, reason: expect.stringContaining('waybill') });
  });
});
