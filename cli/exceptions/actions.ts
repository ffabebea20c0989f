import { permanent, type Result } from '../../lib/result.js';
import type { HubExceptionRow } from '../../sinks/postgres/query-api/stock-sync-queries.js';
import { type ChannelCommand, cancelUnfillableCommand } from '../../topics/schemas/channel-command.js';
import type { HubException } from '../../topics/schemas/hub-exception.js';

/** What a person's decision on an exception publishes: its new state, and for a cancellation the command sync-back executes. */
export interface PersonDecision {
  exception: HubException;
  command: ChannelCommand | null;
}

const WAITING = new Set(['OPEN', 'CANCEL_FAILED']);

/**
 * A person cancels a held (or failed) paid order at the channel, or closes an exception after
 * handling it elsewhere. Refused, with why, when the exception is not waiting for a person.
 */
export function decide(row: HubExceptionRow, action: 'cancel' | 'resolve', by: string, note: string | undefined, now: number): Result<PersonDecision> {
  if (!WAITING.has(row.state)) return permanent(`${row.exception_id} is ${row.state}, not waiting for a person`);
  if (action === 'cancel' && row.kind !== 'PAID_UNFILLABLE')
    return permanent(`${row.exception_id} is ${row.kind}: only a paid order the hub cannot fill can be cancelled`);
  const said = note ? `: ${note}` : '';
  const base = {
    exceptionId: row.exception_id,
    kind: row.kind as HubException['kind'],
    subject: row.subject,
    channel: row.channel,
    shopId: row.shop_id,
    at: now,
  };
  if (action === 'resolve') return { ok: true, value: { exception: { ...base, state: 'RESOLVED', reason: `resolved by ${by}${said}` }, command: null } };
  return {
    ok: true,
    value: {
      exception: { ...base, state: 'CANCEL_REQUESTED', reason: `${by} asked to cancel it at the channel${said}; the channel is being told` },
      command: cancelUnfillableCommand(row.subject, 'paid, but the hub cannot fill it (a person decided to cancel it)', now, `${by}@${now}`),
    },
  };
}
