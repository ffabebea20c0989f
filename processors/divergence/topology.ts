/**
 * The divergence processor at a glance:
 *
 *   order-events ──────┐                     ┌─ Redis {ns}:div:f:<orderKey>  facts seen per order (by id: duplicates are no-ops)
 *   inventory-events ──┤  facts.ts           │       {ns}:div:e:<orderKey>  outputs already claimed (by deterministic id)
 *   fulfilment-events ─┼─► (one per record) ─┤       {ns}:div:due          orders with a grace/escalation deadline (zset)
 *   command-outcomes ──┘        │            │       {ns}:div:open         open divergences (gauge), {ns}:div:outbox, {ns}:div:log
 *                               ▼            └─
 *             core.evaluate(facts, emitted, now)  ◄── croner tick (1 s, lease) for deadlines that passed
 *                               │
 *                               ├─► divergences (key orderKey): OPENED → RESOLVED | ESCALATED
 *                               ├─► channel-commands.<channel> (key orderKey): SHIP, RECONCILE_ORDER
 *                               └─► warehouse-commands (key warehouse): INTERCEPT
 *
 * Views and rules: views.ts, rules.ts (data). Lifecycle: core.ts (pure). Shell: processor.ts. Group: <ns>.divergence.
 */
export const DIVERGENCE_INPUTS = ['orderEvents', 'inventoryEvents', 'fulfilmentEvents', 'commandOutcomes'] as const;
export const DIVERGENCE_GROUP = 'divergence';
export const DIVERGENCE_OUTPUTS = ['divergences', 'channelCommands', 'warehouseCommands'] as const;
