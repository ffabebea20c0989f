-- Divergences between the views of an order and the commands that repair them. The event history
-- tables are append-only (keyed by event id); the summary rows are recomputed from a key's whole
-- history on every write, so they never depend on arrival order or repeats.
create table divergence_events (
  event_id        text primary key,
  divergence_id   text not null,
  order_key       text not null,
  channel         text not null,
  type            text not null,
  state           text not null,
  channel_view    text,
  hub_view        text,
  warehouse_view  text,
  carrier_view    text,
  since           timestamptz not null,
  opened_at       timestamptz not null,
  occurred_at     timestamptz not null,
  resolution      text,
  action          text,
  duration_ms     bigint
);
create index divergence_events_by_divergence on divergence_events (divergence_id);

create table divergences (
  divergence_id   text primary key,
  order_key       text not null,
  channel         text not null,
  type            text not null,
  state           text not null check (state in ('OPENED', 'ESCALATED', 'RESOLVED')),
  channel_view    text,
  hub_view        text,
  warehouse_view  text,
  carrier_view    text,
  since           timestamptz not null,
  opened_at       timestamptz not null,
  escalated_at    timestamptz,
  resolved_at     timestamptz,
  duration_ms     bigint,
  resolution      text,
  action          text,
  updated_at      timestamptz not null
);
create index divergences_by_order on divergences (order_key);
create index divergences_open on divergences (opened_at desc, divergence_id collate "C" desc) where state <> 'RESOLVED';
create index divergences_keyset on divergences (opened_at desc, divergence_id collate "C" desc);

create table command_outcomes (
  outcome_id     text primary key,
  command_id     text not null,
  command_kind   text not null,
  target         text not null,
  order_key      text not null,
  channel        text not null,
  divergence_id  text,
  state          text not null,
  attempt        integer not null,
  reason         text,
  occurred_at    timestamptz not null
);
create index command_outcomes_by_command on command_outcomes (command_id);

create table commands (
  command_id     text primary key,
  kind           text not null,
  target         text not null,
  order_key      text not null,
  channel        text not null,
  divergence_id  text,
  state          text not null check (state in ('RETRYING', 'SUCCEEDED', 'FAILED')),
  attempts       integer not null,
  last_reason    text,
  updated_at     timestamptz not null
);
create index commands_by_order on commands (order_key);
