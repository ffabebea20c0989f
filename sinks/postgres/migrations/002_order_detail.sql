-- Some channels push a status without the order's contents (STATUS_ONLY). An order's contents
-- (total, region, lines) come from its newest FULL event, whatever order events arrive in;
-- contents_at is that event's time (null: only statuses seen so far).
alter table orders add column detail text not null default 'FULL' check (detail in ('FULL', 'STATUS_ONLY'));
alter table orders add column contents_at timestamptz;
update orders set contents_at = occurred_at;
