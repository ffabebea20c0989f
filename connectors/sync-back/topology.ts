/**
 * Sync-back at a glance:
 *
 *   channel-commands.<channel> ─► executor ─► connector.ship() / connector.pull()   (the platform)
 *   (one topic per channel,         │            └─► ingest (trusted) ─► order-events (the channel's new status)
 *    key orderKey)                  ├─► command-outcomes (key orderKey): RETRYING per failed attempt,
 *                                   │                                    then SUCCEEDED or FAILED
 *                                   └─► Redis {ns}:sync:done:<commandId>: the finished command's outcomes
 *
 * Rules: plan.ts, backoff.ts, outcomes.ts (pure). Shell: processor.ts. Group: <ns>.sync-back.
 */
export const SYNC_BACK_INPUT = 'channelCommands' as const;
export const SYNC_BACK_OUTPUT = 'commandOutcomes' as const;
export const SYNC_BACK_GROUP = 'sync-back';

/** How long a finished command is remembered (redelivery after that executes it again: harmless). */
export const DONE_TTL_SECONDS = 30 * 24 * 3600;
/** A targeted pull starts this long before the order's last known change (clock skew, API lag). */
export const PULL_MARGIN_MS = 2 * 60_000;
