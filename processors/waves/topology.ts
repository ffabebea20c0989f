/**
 * The wave planner at a glance:
 *
 *   warehouse-orders ─► classify.ts (rules) ─► waves.lua ─┐  Redis {ns}:waves:
 *   (key warehouse)                                       │   s:<shipmentId> seen · w:<waveId> members
 *                                                         │   due (open waves by release time) · out (outbox)
 *   croner tick (1 s, Redis lease) ─► release due waves ──┘
 *                                        └─► fulfilment-events (key orderKey): one WAVED per shipment
 *
 * Rules: rules.ts (the "waves" section of the routing rules), classify.ts, core.ts (pure spec of
 * waves.lua). Shell: processor.ts. Group: <ns>.waves.
 */
export const WAVES_INPUTS = ['warehouseOrders'] as const;
export const WAVES_OUTPUT = 'fulfilmentEvents' as const;
export const WAVES_GROUP = 'waves';
