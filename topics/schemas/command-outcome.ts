import type { Schema } from 'avsc';

/**
 * What became of a channel or warehouse command, attempt by attempt. FAILED is final and stays
 * visible (projection, divergence escalation): a command is never dropped silently.
 */
export const COMMAND_OUTCOME_STATES = ['SUCCEEDED', 'RETRYING', 'FAILED'] as const;
export type CommandOutcomeState = (typeof COMMAND_OUTCOME_STATES)[number];

export interface CommandOutcome {
  /** commandId + attempt */
  outcomeId: string;
  commandId: string;
  /** SHIP, RECONCILE_ORDER, INTERCEPT… */
  commandKind: string;
  /** "channel:<name>" or "warehouse:<code>". */
  target: string;
  orderKey: string;
  channel: string;
  divergenceId: string | null;
  state: CommandOutcomeState;
  attempt: number;
  reason: string | null;
  occurredAt: number;
}

export const commandOutcomeSchema: Schema = {
  type: 'record',
  name: 'CommandOutcome',
  namespace: 'dev.omnistream.sync',
  fields: [
    { name: 'outcomeId', type: 'string' },
    { name: 'commandId', type: 'string' },
    { name: 'commandKind', type: 'string' },
    { name: 'target', type: 'string' },
    { name: 'orderKey', type: 'string' },
    { name: 'channel', type: 'string' },
    { name: 'divergenceId', type: ['null', 'string'], default: null },
    { name: 'state', type: { type: 'enum', name: 'CommandOutcomeState', symbols: [...COMMAND_OUTCOME_STATES] } },
    { name: 'attempt', type: 'int' },
    { name: 'reason', type: ['null', 'string'], default: null },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
  ],
};
