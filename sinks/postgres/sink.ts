import { z } from 'zod';
import type { Decoded } from '../../lib/batch-consumer.js';
import { pgSchemaSetting } from '../../lib/config.js';
import { defineProcessor } from '../../lib/processor/definition.js';
import type { CommandOutcome } from '../../topics/schemas/command-outcome.js';
import type { DivergenceEvent } from '../../topics/schemas/divergence-event.js';
import type { FulfilmentEvent } from '../../topics/schemas/fulfilment-event.js';
import type { HubException } from '../../topics/schemas/hub-exception.js';
import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import type { ListingMapping } from '../../topics/schemas/listing-mapping.js';
import type { OrderEvent } from '../../topics/schemas/order-event.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import type { StockPush } from '../../topics/schemas/stock-push.js';
import type { StockTarget } from '../../topics/schemas/stock-target.js';
import { migrate } from './migrate.js';
import { type MoreEvents, writeProjection } from './projection.js';

/** Splits decoded records by topic into writeProjection's arguments. */
export function sortByTopic(records: readonly Pick<Decoded, 'topic' | 'value'>[]): {
  orders: OrderEvent[];
  inventory: InventoryEvent[];
  more: Required<MoreEvents>;
} {
  const of = <T>(topic: SinkInput) => records.filter((r) => r.topic === topic).map((r) => r.value as T);
  return {
    orders: of<OrderEvent>('orderEvents'),
    inventory: of<InventoryEvent>('inventoryEvents'),
    more: {
      fulfilment: of<FulfilmentEvent>('fulfilmentEvents'),
      shipments: of<Shipment>('warehouseOrders'),
      divergences: of<DivergenceEvent>('divergences'),
      outcomes: of<CommandOutcome>('commandOutcomes'),
      mappings: of<ListingMapping>('listingMappings'),
      targets: of<StockTarget>('stockTargets'),
      pushes: of<StockPush>('stockPushes'),
      exceptions: of<HubException>('hubExceptions'),
    },
  };
}

export interface PostgresSinkOptions {
  schema: string;
}

/** Projects orders, stock, fulfilment, divergences and stock sync into Postgres (idempotent upserts); migrations run first. */
export const postgresSink = defineProcessor({
  name: 'sink-postgres',
  part: 'sink',
  kind: 'sink',
  summary:
    'Postgres projections: orders, lines, timeline, stock, shipments, waves, waybills, divergences, commands, listings and their stock pushes, hub exceptions',
  inputs: {
    orderEvents: 'projects orders, their lines and their timeline (furthest state wins; a status-only event never erases contents)',
    inventoryEvents: 'projects stock levels (by version) and every stock decision into the order timeline',
    fulfilmentEvents: 'projects shipments, waves, waybills and scans, and the hub status of each order',
    warehouseOrders: "projects each shipment's plan: carrier, service, cut-off, lines, region",
    divergences: 'projects divergences and their lifecycle events',
    commandOutcomes: 'projects commands and every attempt at them',
    listingMappings: 'projects each listing and the merchant SKUs it sells (newest mapping wins; an unmapping is kept, marked deleted)',
    stockTargets: "projects each listing's newest target (highest seq wins)",
    stockPushes: 'projects every stock API call once, and per listing what the platform was last told and last confirmed',
    hubExceptions: 'projects hub exceptions: the newest state and reason, the first time seen',
  },
  outputs: {},
  stores: [{ prefix: 'OMNISTREAM_PG_SCHEMA', kind: 'postgres', holds: 'the projections (migrations in sinks/postgres/migrations)' }],
  env: z.object({ OMNISTREAM_PG_SCHEMA: pgSchemaSetting }),
  options: (env): PostgresSinkOptions => ({ schema: env.OMNISTREAM_PG_SCHEMA }),
  async start(ctx, opts: PostgresSinkOptions) {
    const applied = await migrate(ctx.pool, opts.schema);
    if (applied.length > 0) ctx.log.info({ schema: opts.schema, applied }, 'migrations applied');
    await ctx.consume(async (records) => {
      const { orders, inventory, more } = sortByTopic(records);
      const client = await ctx.pool.connect();
      try {
        await writeProjection(client, opts.schema, orders, inventory, more);
      } finally {
        client.release();
      }
    });
    return {};
  },
});

/** The topics the sink (and the replay) reads. */
export const SINK_INPUTS = Object.keys(postgresSink.inputs) as SinkInput[];
export type SinkInput = keyof typeof postgresSink.inputs;
