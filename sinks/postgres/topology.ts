import type { TopicId } from '../../topics/catalog.js';

/**
 * Postgres sink topology.
 *   orderEvents      → orders, order_lines, order_timeline
 *   inventoryEvents  → stock_levels, inventory_decisions, order_timeline
 *   fulfilmentEvents → shipments, waves, waybills, waybill_failures, order_hub_status (→ orders), order_timeline
 *   warehouseOrders  → shipments (the plan: carrier, service, cut-off, lines, region)
 *   divergences      → divergence_events, divergences, order_timeline
 *   commandOutcomes  → command_outcomes, commands, order_timeline
 * State: the Postgres schema itself. Replay (replay.ts) reads the same topics.
 */
export const SINK_GROUP = 'sink-postgres';
export const SINK_INPUTS = ['orderEvents', 'inventoryEvents', 'fulfilmentEvents', 'warehouseOrders', 'divergences', 'commandOutcomes'] as const satisfies readonly TopicId[];
export type SinkInput = (typeof SINK_INPUTS)[number];
