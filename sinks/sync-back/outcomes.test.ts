import { describe, expect, it } from 'vitest';
import { ok } from '../../lib/result.js';
import type { ChannelCommand } from '../../topics/schemas/channel-command.js';
import { outcomeOf, refusedOutcome, stateAfter } from './outcomes.js';

const command: ChannelCommand = {
  commandId: 'cmd-1',
  kind: 'SHIP',
  orderKey: 'jd:j1:9',
  channel: 'jd',
  shopId: 'j1',
  channelOrderId: '9',
  carrier: 'JD',
  waybillNo: 'JD1',
  divergenceId: 'div-7',
  reason: 'warehouse shipped',
  since: null,
  issuedAt: 1,
};

describe('stateAfter', () => {
  it('ends on success, retries a retryable failure while attempts remain, fails otherwise', () => {
    expect(stateAfter(ok(), 1, 5)).toBe('SUCCEEDED');
    expect(stateAfter({ ok: false, reason: 'x', retryable: true }, 4, 5)).toBe('RETRYING');
    expect(stateAfter({ ok: false, reason: 'x', retryable: true }, 5, 5)).toBe('FAILED');
    expect(stateAfter({ ok: false, reason: 'x', retryable: false }, 1, 5)).toBe('FAILED');
  });
});

describe('outcomeOf', () => {
  it('identifies the attempt deterministically and targets the channel', () => {
    expect(outcomeOf(command, { ok: false, reason: 'HTTP 503', retryable: true }, 2, 5, 1000)).toEqual({
      outcomeId: 'cmd-1#2',
      commandId: 'cmd-1',
      commandKind: 'SHIP',
      target: 'channel:jd',
      orderKey: 'jd:j1:9',
      channel: 'jd',
      divergenceId: 'div-7',
      state: 'RETRYING',
      attempt: 2,
      reason: 'HTTP 503',
      occurredAt: 1000,
    });
  });
  it('says when it gave up on a retryable failure, and keeps a success note', () => {
    expect(outcomeOf(command, { ok: false, reason: 'HTTP 503', retryable: true }, 5, 5, 0).reason).toBe('gave up after 5 attempts: HTTP 503');
    expect(outcomeOf(command, ok('shipped'), 1, 5, 0)).toMatchObject({ state: 'SUCCEEDED', reason: 'shipped' });
    expect(refusedOutcome(command, 'shop jd/j1 is not in the shop directory', 0)).toMatchObject({ state: 'FAILED', attempt: 1, outcomeId: 'cmd-1#1' });
  });
});
