import type pg from 'pg';
import type { ListingMapping } from '../../../topics/schemas/listing-mapping.js';
import { column, ms } from './sql.js';

/**
 * The newest mapping per listing (by updatedAt; on a tie the first in the log wins, as in the
 * table), sorted so concurrent writers lock rows in one order. ON CONFLICT touches a row once per statement.
 */
export function newestMappings(mappings: readonly ListingMapping[]): ListingMapping[] {
  const best = new Map<string, ListingMapping>();
  for (const m of mappings) {
    const cur = best.get(m.listingKey);
    if (!cur || m.updatedAt > cur.updatedAt) best.set(m.listingKey, m);
  }
  return [...best.values()].sort((a, b) => (a.listingKey < b.listingKey ? -1 : a.listingKey > b.listingKey ? 1 : 0));
}

/** Listings as mapped: a newer mapping replaces the row whole; an unmapping keeps it, marked deleted. */
export async function upsertListings(client: pg.ClientBase, schema: string, mappings: readonly ListingMapping[]): Promise<void> {
  const rows = newestMappings(mappings);
  if (rows.length === 0) return;
  const c = <T>(f: (m: ListingMapping) => T) => column(rows, f);
  await client.query(
    `insert into ${schema}.listings (listing_key, channel, shop_id, item_id, sku_id, components, source, deleted, updated_at)
     select k, ch, s, i, sk, co::jsonb, src, d, ${ms('u')}
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::bigint[])
          as u(k, ch, s, i, sk, co, src, d, u)
     on conflict (listing_key) do update set channel = excluded.channel, shop_id = excluded.shop_id, item_id = excluded.item_id,
       sku_id = excluded.sku_id, components = excluded.components, source = excluded.source, deleted = excluded.deleted,
       updated_at = excluded.updated_at
     where excluded.updated_at > listings.updated_at`,
    [
      c((m) => m.listingKey),
      c((m) => m.channel),
      c((m) => m.shopId),
      c((m) => m.itemId),
      c((m) => m.skuId),
      c((m) => JSON.stringify(m.components.map((x) => ({ sku: x.sku, quantity: x.quantity })))),
      c((m) => m.source),
      c((m) => m.deleted),
      c((m) => m.updatedAt),
    ],
  );
}
