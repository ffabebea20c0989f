-- Orders as the hub sees them (furthest state reached), their lines, every state change, and
-- stock per SKU × warehouse with every decision behind it. Buyer PII is never stored here.
create table orders (
  order_key        text primary key,
  channel          text not null,
  shop_id          text not null,
  brand            text not null,
  channel_order_id text not null,
  status           text not null,
  status_rank      smallint not null,
  channel_status   text not null,
  currency         text not null,
  total_minor      bigint not null,
  buyer_country    text,
  buyer_province   text,
  buyer_city       text,
  presale          boolean not null default false,
  occurred_at      timestamptz not null,
  first_seen_at    timestamptz not null,
  last_event_id    text not null
);
create index orders_by_channel_status on orders (channel, shop_id, status);
create index orders_by_time on orders (occurred_at);

create table order_lines (
  order_key        text not null references orders (order_key),
  sku              text not null,
  quantity         integer not null check (quantity > 0),
  unit_price_minor bigint not null,
  primary key (order_key, sku)
);

create table order_timeline (
  event_id       text primary key,
  order_key      text not null,
  source         text not null,
  status         text not null,
  detail         text not null,
  occurred_at    timestamptz not null,
  recorded_at    timestamptz not null default now()
);
create index order_timeline_by_order on order_timeline (order_key, occurred_at);

create table stock_levels (
  sku        text not null,
  warehouse  text not null,
  physical   bigint not null check (physical >= 0),
  locked     bigint not null check (locked >= 0),
  reserved   bigint not null check (reserved >= 0),
  safety     bigint not null check (safety >= 0),
  available  bigint not null,
  version    bigint not null,
  updated_at timestamptz not null,
  primary key (sku, warehouse)
);

create table inventory_decisions (
  event_id    text primary key,
  kind        text not null,
  order_key   text,
  sku         text not null,
  warehouse   text not null,
  quantity    integer not null,
  reason      text,
  occurred_at timestamptz not null
);
create index inventory_decisions_by_order on inventory_decisions (order_key);
