import type pg from 'pg';
import type { CommandOutcome } from '../../../topics/schemas/command-outcome.js';
import type { DivergenceEvent } from '../../../topics/schemas/divergence-event.js';
import { column, ms, type TimelineRow } from './sql.js';

export function divergenceTimeline(events: readonly DivergenceEvent[], outcomes: readonly CommandOutcome[]): TimelineRow[] {
  return [
    ...events.map((e) => ({
      id: e.eventId,
      key: e.orderKey,
      source: 'sync:divergences',
      status: `DIVERGENCE_${e.state}`,
      at: e.occurredAt,
      detail: [e.type, e.action && `action ${e.action}`, e.resolution].filter(Boolean).join('; '),
    })),
    ...outcomes.map((o) => ({
      id: o.outcomeId,
      key: o.orderKey,
      source: `command:${o.target}`,
      status: `${o.commandKind}_${o.state}`,
      at: o.occurredAt,
      detail: `attempt ${o.attempt}${o.reason ? `: ${o.reason}` : ''}`,
    })),
  ];
}

const RANK = `case e.state when 'OPENED' then 1 when 'ESCALATED' then 2 else 3 end`;

/**
 * Divergences: each event kept (by event id), then each touched divergence's row recomputed from its
 * whole history: state = the furthest (OPENED → ESCALATED → RESOLVED, never back), views from the
 * furthest event, escalated/resolved at their first occurrence. A key's events live in one partition
 * (key orderKey), so no concurrent writer touches the same divergence.
 */
export async function writeDivergences(client: pg.ClientBase, schema: string, events: readonly DivergenceEvent[]): Promise<void> {
  if (events.length === 0) return;
  const c = <T>(f: (e: DivergenceEvent) => T) => column(events, f);
  await client.query(
    `insert into ${schema}.divergence_events (event_id, divergence_id, order_key, channel, type, state, channel_view, hub_view, warehouse_view,
       carrier_view, since, opened_at, occurred_at, resolution, action, duration_ms)
     select i, d, o, ch, t, s, cv, hv, wv, kv, ${ms('si')}, ${ms('op')}, ${ms('oc')}, r, a, dm
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                 $11::bigint[], $12::bigint[], $13::bigint[], $14::text[], $15::text[], $16::bigint[])
          as u(i, d, o, ch, t, s, cv, hv, wv, kv, si, op, oc, r, a, dm)
     on conflict (event_id) do nothing`,
    [
      c((e) => e.eventId),
      c((e) => e.divergenceId),
      c((e) => e.orderKey),
      c((e) => e.channel),
      c((e) => e.type),
      c((e) => e.state),
      c((e) => e.channelView),
      c((e) => e.hubView),
      c((e) => e.warehouseView),
      c((e) => e.carrierView),
      c((e) => e.since),
      c((e) => e.openedAt),
      c((e) => e.occurredAt),
      c((e) => e.resolution),
      c((e) => e.action),
      c((e) => e.durationMs),
    ],
  );
  const furthest = `${RANK} desc, e.occurred_at desc, e.event_id collate "C" desc`;
  await client.query(
    `insert into ${schema}.divergences (divergence_id, order_key, channel, type, state, channel_view, hub_view, warehouse_view, carrier_view,
       since, opened_at, escalated_at, resolved_at, duration_ms, resolution, action, updated_at)
     select distinct on (e.divergence_id) e.divergence_id, e.order_key, e.channel, e.type, e.state, e.channel_view, e.hub_view, e.warehouse_view,
       e.carrier_view, e.since, e.opened_at, h.escalated_at, h.resolved_at, h.duration_ms, h.resolution, h.action, e.occurred_at
     from ${schema}.divergence_events e
     join (
       select e.divergence_id,
         min(e.occurred_at) filter (where e.state = 'ESCALATED') as escalated_at,
         min(e.occurred_at) filter (where e.state = 'RESOLVED') as resolved_at,
         (array_agg(e.duration_ms order by e.occurred_at, e.event_id collate "C") filter (where e.state = 'RESOLVED'))[1] as duration_ms,
         (array_agg(e.resolution order by ${furthest}) filter (where e.resolution is not null))[1] as resolution,
         (array_agg(e.action order by ${furthest}) filter (where e.action is not null))[1] as action
       from ${schema}.divergence_events e where e.divergence_id = any($1::text[]) group by e.divergence_id
     ) h on h.divergence_id = e.divergence_id
     order by e.divergence_id, ${furthest}
     on conflict (divergence_id) do update set state = excluded.state, channel_view = excluded.channel_view, hub_view = excluded.hub_view,
       warehouse_view = excluded.warehouse_view, carrier_view = excluded.carrier_view, since = excluded.since, opened_at = excluded.opened_at,
       escalated_at = excluded.escalated_at, resolved_at = excluded.resolved_at, duration_ms = excluded.duration_ms,
       resolution = excluded.resolution, action = excluded.action, updated_at = excluded.updated_at`,
    [[...new Set(events.map((e) => e.divergenceId))].sort()],
  );
}

/**
 * Commands: every outcome kept (by outcome id); per command the latest attempt's state (a final
 * state beats RETRYING at the same attempt), the number of attempts and that attempt's reason.
 * Outcomes are keyed by orderKey: one partition per command, one writer at a time.
 */
export async function writeCommandOutcomes(client: pg.ClientBase, schema: string, outcomes: readonly CommandOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const c = <T>(f: (o: CommandOutcome) => T) => column(outcomes, f);
  await client.query(
    `insert into ${schema}.command_outcomes (outcome_id, command_id, command_kind, target, order_key, channel, divergence_id, state, attempt, reason, occurred_at)
     select i, c, k, t, o, ch, d, s, a, r, ${ms('oc')}
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::text[], $11::bigint[])
          as u(i, c, k, t, o, ch, d, s, a, r, oc)
     on conflict (outcome_id) do nothing`,
    [
      c((o) => o.outcomeId),
      c((o) => o.commandId),
      c((o) => o.commandKind),
      c((o) => o.target),
      c((o) => o.orderKey),
      c((o) => o.channel),
      c((o) => o.divergenceId),
      c((o) => o.state),
      c((o) => o.attempt),
      c((o) => o.reason),
      c((o) => o.occurredAt),
    ],
  );
  await client.query(
    `insert into ${schema}.commands (command_id, kind, target, order_key, channel, divergence_id, state, attempts, last_reason, updated_at)
     select distinct on (x.command_id) x.command_id, x.command_kind, x.target, x.order_key, x.channel, x.divergence_id, x.state,
       max(x.attempt) over (partition by x.command_id), x.reason, x.occurred_at
     from ${schema}.command_outcomes x where x.command_id = any($1::text[])
     order by x.command_id, x.attempt desc, (x.state <> 'RETRYING') desc, x.occurred_at desc, x.outcome_id collate "C" desc
     on conflict (command_id) do update set state = excluded.state, attempts = excluded.attempts, last_reason = excluded.last_reason,
       updated_at = excluded.updated_at, divergence_id = excluded.divergence_id`,
    [[...new Set(outcomes.map((o) => o.commandId))].sort()],
  );
}
