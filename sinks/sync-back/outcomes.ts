import { permanent, type Result } from '../../lib/result.js';
import type { ChannelCommand } from '../../topics/schemas/channel-command.js';
import type { CommandOutcome, CommandOutcomeState } from '../../topics/schemas/command-outcome.js';
import { type HubException, paidUnfillableId } from '../../topics/schemas/hub-exception.js';

/** Deterministic: the same attempt of the same command always has the same id (downstream dedupes on it). */
export function outcomeIdOf(commandId: string, attempt: number): string {
  return `${commandId}#${attempt}`;
}

/**
 * The state an attempt leaves the command in: a success ends it, a retryable failure with
 * attempts left asks for another, anything else ends it FAILED (never dropped). A success's value,
 * if any, is a note on how it was done (e.g. what the confirming pull found).
 */
export function stateAfter(result: Result<unknown>, attempt: number, attempts: number): CommandOutcomeState {
  if (result.ok) return 'SUCCEEDED';
  return result.retryable && attempt < attempts ? 'RETRYING' : 'FAILED';
}

function reasonOf(result: Result<string>, state: CommandOutcomeState, attempt: number): string | null {
  if (result.ok) return result.value || null;
  // A retryable failure that ends the command says so: the platform may recover later.
  if (state === 'FAILED' && result.retryable) return `gave up after ${attempt} attempts: ${result.reason}`;
  return result.reason;
}

export function outcomeOf(command: ChannelCommand, result: Result<string>, attempt: number, attempts: number, occurredAt: number): CommandOutcome {
  const state = stateAfter(result, attempt, attempts);
  return {
    outcomeId: outcomeIdOf(command.commandId, attempt),
    commandId: command.commandId,
    commandKind: command.kind,
    target: `channel:${command.channel}`,
    orderKey: command.orderKey,
    channel: command.channel,
    divergenceId: command.divergenceId,
    state,
    attempt,
    reason: reasonOf(result, state, attempt),
    occurredAt,
  };
}

/** A command that cannot be attempted at all (unknown shop, no ship API, bad fields): FAILED at once. */
export function refusedOutcome(command: ChannelCommand, reason: string, occurredAt: number): CommandOutcome {
  return outcomeOf(command, permanent(reason), 1, 1, occurredAt);
}

/**
 * The exception queue's view of a CANCEL_UNFILLABLE that ended: CANCELLED when the channel took
 * it, CANCEL_FAILED (back to a person, with why) when it could not be told. Null for anything else.
 */
export function exceptionAfter(outcome: CommandOutcome): HubException | null {
  if (outcome.commandKind !== 'CANCEL_UNFILLABLE' || outcome.state === 'RETRYING') return null;
  const [channel, shopId] = outcome.orderKey.split(':') as [string, string];
  const cancelled = outcome.state === 'SUCCEEDED';
  return {
    exceptionId: paidUnfillableId(outcome.orderKey),
    kind: 'PAID_UNFILLABLE',
    state: cancelled ? 'CANCELLED' : 'CANCEL_FAILED',
    subject: outcome.orderKey,
    channel,
    shopId,
    reason: cancelled
      ? `told the channel the hub cannot fill it: ${outcome.reason ?? 'done'}`
      : `the channel could not be told, a person must act: ${outcome.reason ?? 'failed'}`,
    at: outcome.occurredAt,
  };
}
