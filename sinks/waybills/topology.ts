/**
 * The waybill service at a glance:
 *
 *   warehouse-orders ──► per shipment, ≤128 per carrier at once: outcome known in Redis?  {ns}:waybill:<shipmentId>
 *   (key warehouse)        no → carrier adapter (retries, backoff) → remember the outcome
 *                          │
 *                          ├─► print-queue        PrintJob (ZPL label), key warehouse
 *                          └─► fulfilment-events  WAYBILL_ISSUED / WAYBILL_FAILED, key orderKey
 *
 *   POST /carriers/:carrier/tracking ──► fulfilment-events  COLLECTED / IN_TRANSIT / DELIVERED / CARRIER_EXCEPTION
 *
 * Rules: core.ts (pure). Shell: processor.ts, tracking-routes.ts. Group: <ns>.waybills.
 */
export const WAYBILL_INPUT = 'warehouseOrders' as const;
export const WAYBILL_OUTPUTS = ['printQueue', 'fulfilmentEvents'] as const;
export const WAYBILL_GROUP = 'waybills';
/**
 * Carrier calls in flight per carrier, per service instance. Throughput per carrier is at most
 * this / the carrier's answer time (Little's law): 128 at 150 ms ≈ 850 waybills/s. Lower it to
 * what the carrier account's QPS contract allows.
 */
export const WAYBILL_CONCURRENCY = 128;
