import type { InterceptAnswer } from '../../connectors/wms/intercept-client.js';
import type { CommandOutcome } from '../../topics/schemas/command-outcome.js';
import type { FulfilmentEvent } from '../../topics/schemas/fulfilment-event.js';
import type { WarehouseCommand } from '../../topics/schemas/warehouse-command.js';

export interface Attempt {
  answer: InterceptAnswer;
  at: number;
}

/** Whether another attempt is due after these (a refusal or success ends it; so does the last allowed attempt). */
export function isFinal(attempts: readonly Attempt[], maxAttempts: number): boolean {
  const last = attempts.at(-1);
  return last !== undefined && (last.answer.kind !== 'transient' || attempts.length >= maxAttempts);
}

const reasonOf = (a: InterceptAnswer) => (a.kind === 'intercepted' ? null : a.reason);

/** Attempt n's outcome record (n from 1). */
export function attemptOutcome(cmd: WarehouseCommand, attempt: number, at: number, state: CommandOutcome['state'], reason: string | null): CommandOutcome {
  return {
    outcomeId: `${cmd.commandId}#${attempt}`,
    commandId: cmd.commandId,
    commandKind: cmd.kind,
    target: `warehouse:${cmd.warehouse}`,
    orderKey: cmd.orderKey,
    channel: cmd.channel,
    divergenceId: cmd.divergenceId,
    state,
    attempt,
    reason,
    occurredAt: at,
  };
}

/** The RETRYING record of a failed attempt that is not the last. */
export const retryingOutcome = (cmd: WarehouseCommand, attempt: number, a: Attempt) => attemptOutcome(cmd, attempt, a.at, 'RETRYING', reasonOf(a.answer));

export const shipmentIdOf = (cmd: WarehouseCommand) => cmd.shipmentId ?? `${cmd.orderKey}#${cmd.warehouse}`;

/**
 * The records a finished intercept command produces: one RETRYING outcome per failed attempt but
 * the last, then SUCCEEDED or FAILED (with the reason), and the warehouse's INTERCEPTED or
 * INTERCEPT_FAILED fulfilment event. Ids come from the command and the attempt number only.
 */
export function interceptRecords(cmd: WarehouseCommand, attempts: readonly Attempt[]): { outcomes: CommandOutcome[]; event: FulfilmentEvent } {
  if (attempts.length === 0) throw new Error('an intercept command ends after at least one attempt');
  const outcome = (i: number, state: CommandOutcome['state'], reason: string | null) => attemptOutcome(cmd, i + 1, attempts[i]!.at, state, reason);
  const last = attempts.length - 1;
  const final = attempts[last]!.answer;
  const succeeded = final.kind === 'intercepted';
  const finalReason = succeeded ? null : final.kind === 'transient' ? `gave up after ${attempts.length} attempts: ${final.reason}` : final.reason;
  const outcomes = [...attempts.slice(0, last).map((a, i) => retryingOutcome(cmd, i + 1, a)), outcome(last, succeeded ? 'SUCCEEDED' : 'FAILED', finalReason)];
  const event: FulfilmentEvent = {
    eventId: `${cmd.commandId}:${succeeded ? 'INTERCEPTED' : 'INTERCEPT_FAILED'}`,
    kind: succeeded ? 'INTERCEPTED' : 'INTERCEPT_FAILED',
    orderKey: cmd.orderKey,
    channel: cmd.channel,
    shipmentId: shipmentIdOf(cmd),
    warehouse: cmd.warehouse,
    carrier: null,
    waybillNo: cmd.waybillNo,
    waveId: null,
    flagged: false,
    reason: succeeded ? cmd.reason : finalReason,
    lines: [],
    source: `wms:${cmd.warehouse}`,
    occurredAt: attempts[last]!.at,
  };
  return { outcomes, event };
}
