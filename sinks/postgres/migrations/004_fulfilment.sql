-- Fulfilment as the hub, the warehouses and the carriers tell it (fulfilment-events, and the
-- routed parcels of warehouse-orders). Every column is set by a rule that does not depend on the
-- order events arrive in (furthest state by rank, newest plan/wave/waybill by time, flags OR-ed),
-- so a replay rebuilds the same rows.
create table shipments (
  shipment_id     text primary key,
  order_key       text not null,
  channel         text not null,
  warehouse       text not null,
  -- The plan: from warehouse-orders (plan_rank 2) or, until it arrives, the router's ROUTED event (1).
  plan_rank       smallint not null default 0,
  carrier         text,
  service         text,
  flagged         boolean not null default false,
  reason          text,
  routed_at       timestamptz,
  cutoff_at       timestamptz,
  presale         boolean,
  ship_from       timestamptz,
  weight_grams    integer,
  buyer_province  text,
  buyer_city      text,
  lines           jsonb,
  -- The newest wave and waybill, and the furthest state reached (by rank; see projection/fulfilment.ts).
  wave_id         text,
  waved_at        timestamptz,
  waybill_no      text,
  waybill_at      timestamptz,
  state           text,
  state_rank      smallint not null default 0,
  state_at        timestamptz
);
create index shipments_by_order on shipments (order_key);
create index shipments_by_wave on shipments (wave_id);

create table waves (
  wave_id      text primary key,
  warehouse    text not null,
  kind         text not null check (kind in ('normal', 'presale', 'catch-all')),
  flagged      boolean not null,
  released_at  timestamptz not null
);
create index waves_keyset on waves (warehouse, released_at desc, wave_id collate "C" desc);

create table waybills (
  waybill_no   text primary key,
  carrier      text,
  shipment_id  text not null,
  order_key    text not null,
  issued_at    timestamptz not null,
  event_id     text not null
);
create index waybills_by_order on waybills (order_key);

create table waybill_failures (
  event_id     text primary key,
  shipment_id  text not null,
  order_key    text not null,
  carrier      text,
  reason       text,
  failed_at    timestamptz not null
);
create index waybill_failures_by_order on waybill_failures (order_key);

-- The hub's own word on an order's progress (warehouse scan-out, carrier delivered): moves
-- orders.status forward, never back, whichever of the two arrives first.
create table order_hub_status (
  order_key       text primary key,
  status          text not null,
  status_rank     smallint not null,
  channel_status  text not null,
  occurred_at     timestamptz not null,
  event_id        text not null
);
