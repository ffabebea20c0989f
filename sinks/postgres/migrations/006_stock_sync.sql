-- Stock sync as the hub tells it: listing mappings, what each listing should show (stock-targets),
-- every call to a channel's stock API (stock-pushes) and what needs a person (hub-exceptions).
-- Every column is set by a rule that does not depend on arrival order (newest mapping by time,
-- newest target by seq, newest applied push by (seq, time), newest read-back by time), so a replay
-- rebuilds the same rows.
create table listings (
  listing_key  text primary key,
  channel      text not null,
  shop_id      text not null,
  item_id      text not null,
  sku_id       text not null,
  components   jsonb not null,
  source       text not null,
  deleted      boolean not null,
  updated_at   timestamptz not null
);
create index listings_by_shop on listings (channel, shop_id);

-- One row per listing: the newest target, and what the platform was last told and last showed.
-- A push may arrive before its target: the target columns are null until one does.
create table listing_stock (
  listing_key     text primary key,
  channel         text not null,
  shop_id         text not null,
  target          bigint,
  target_seq      bigint,
  hub_sold        bigint,
  sell_out        boolean,
  target_at       timestamptz,
  -- SET / CAS: the quantity written; INCREMENT: the target that push brought the listing to.
  last_pushed     bigint,
  pushed_seq      bigint,
  pushed_at       timestamptz,
  -- What a read-back showed when it agreed with the target (CONFIRMED).
  last_confirmed  bigint,
  confirmed_at    timestamptz,
  -- The newest call of any kind and how it ended.
  last_result     text,
  last_reason     text,
  last_result_at  timestamptz
);
create index listing_stock_by_shop on listing_stock (channel, shop_id);

create table stock_pushes (
  push_id      text primary key,
  listing_key  text not null,
  channel      text not null,
  shop_id      text not null,
  seq          bigint not null,
  target       bigint not null,
  write        text not null,
  quantity     bigint not null,
  result       text not null,
  reason       text,
  attempt      integer not null,
  latency_ms   bigint not null,
  at           timestamptz not null
);
create index stock_pushes_by_listing on stock_pushes (listing_key, at);

create table hub_exceptions (
  exception_id  text primary key,
  kind          text not null,
  state         text not null,
  subject       text not null,
  channel       text not null,
  shop_id       text not null,
  reason        text not null,
  at            timestamptz not null,
  first_at      timestamptz not null
);
create index hub_exceptions_open on hub_exceptions (at desc, exception_id collate "C" desc) where state = 'OPEN';
create index hub_exceptions_by_subject on hub_exceptions (subject);
