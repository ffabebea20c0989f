import { z } from 'zod';
import { defineProcessor } from '../../lib/processor/definition.js';
import { warehousesSetting } from '../inventory/settings.js';
import { parseWarehouses } from '../inventory/warehouses.js';
import { applyRouteInput, type RouteInput, type RouteOutputs, type RouteState, routeKeyOf } from './core.js';
import { loadRoutingRules, type RoutingRules } from './rules.js';
import { RedisRouteStore } from './store.js';

export interface RoutingOptions {
  rules: RoutingRules;
  /** OMNISTREAM_WAREHOUSES entries ("CODE" or "CODE:province"): checked against the rules at start. */
  warehouses: string[];
  /** The routing clock (epoch ms); tests inject it. */
  now?: () => number;
}

/** OMNISTREAM_ROUTING_RULES: the routing and wave rules document (routing and waves read it). */
export const rulesPathSetting = z.string().min(1).optional();

export const routingEnv = z.object({
  /** Path of the routing and wave rules document (JSON); default processors/routing/rules.default.json. */
  OMNISTREAM_ROUTING_RULES: rulesPathSetting,
  OMNISTREAM_WAREHOUSES: warehousesSetting,
});

/** Compare-and-set rounds before a batch fails (and is redelivered): conflicts need two partitions racing on one order. */
const MAX_ROUNDS = 50;

/**
 * The order × reservations join in its Kafka/Redis shell. Per partition batch: read the orders'
 * states, apply the inputs (core.ts), write back by compare-and-set (re-reading and re-applying
 * the orders another partition changed meanwhile), publish the shipments and ROUTED events
 * (acks=all), and only then let the offsets be committed. A crash before publishing leaves the
 * routing record uncommitted; its redelivery (same offset) finds it seen and re-emits the stored
 * outputs, same ids.
 */
export const routingProcessor = defineProcessor({
  name: 'routing',
  kind: 'processor',
  summary: 'paid orders joined with their reservations → one shipment per warehouse, carrier chosen by rules kept as data',
  inputs: {
    orderEvents: "joins each order's contents and status with its reservations",
    inventoryEvents: 'joins RESERVED, RELEASED, REJECTED and SHIPPED decisions with their orders',
  },
  outputs: {
    warehouseOrders: "writes one shipment per warehouse holding a paid order's lines, with the carrier the rules chose and its cut-off, keyed by warehouse",
    fulfilmentEvents: 'writes one ROUTED event per shipment (flagged, with the reason, when the catch-all carrier was used)',
  },
  stores: [{ prefix: 'route', kind: 'redis', holds: 'join state per order (contents, reserved lines, seen inputs, outputs), written by compare-and-set' }],
  env: routingEnv,
  options: (env): RoutingOptions => ({ rules: loadRoutingRules(env.OMNISTREAM_ROUTING_RULES), warehouses: env.OMNISTREAM_WAREHOUSES }),
  async start(ctx, opts: RoutingOptions) {
    const store = new RedisRouteStore(ctx.redis, ctx.namespace);
    const now = opts.now ?? Date.now;
    for (const { code } of parseWarehouses(opts.warehouses)) {
      if (!opts.rules.warehouses[code]) ctx.log.warn({ warehouse: code }, 'warehouse has no routing rules: its parcels get the default carrier, flagged');
    }

    await ctx.consume(async (records) => {
      const byOrder = new Map<string, RouteInput[]>();
      for (const r of records) {
        const from = `${r.topic}/${r.partition}/${r.offset}`;
        const input: RouteInput = r.topic === 'orderEvents' ? { kind: 'order', event: r.value, from } : { kind: 'inventory', event: r.value, from };
        const key = routeKeyOf(input);
        if (key !== null) byOrder.set(key, [...(byOrder.get(key) ?? []), input]);
      }
      const outputs: RouteOutputs[] = [];
      let pending = [...byOrder.keys()];
      for (let round = 0; pending.length > 0; round++) {
        if (round === MAX_ROUNDS) throw new Error(`routing: ${pending.length} orders still contended after ${MAX_ROUNDS} rounds`);
        const states = await store.read(pending);
        const at = now();
        const writes: { orderKey: string; expected: number; state: RouteState }[] = [];
        const produced = new Map<string, RouteOutputs[]>();
        for (const orderKey of pending) {
          const { version, state } = states.get(orderKey)!;
          let next = state;
          const out: RouteOutputs[] = [];
          for (const input of byOrder.get(orderKey)!) {
            const step = applyRouteInput(next, input, { rules: opts.rules, now: at });
            next = step.state;
            if (step.outputs) out.push(step.outputs);
          }
          produced.set(orderKey, out);
          if (next !== state) writes.push({ orderKey, expected: version, state: next });
        }
        const conflicts = new Set(await store.compareAndSet(writes));
        for (const [orderKey, out] of produced) if (!conflicts.has(orderKey)) outputs.push(...out);
        pending = [...conflicts];
      }
      const shipments = outputs.flatMap((o) => o.shipments);
      if (shipments.length === 0) return;
      // Parcels first: a ROUTED event never announces a shipment the warehouse cannot read yet.
      await ctx.publish(
        'warehouseOrders',
        shipments.map((s) => ({ key: s.warehouse, value: s })),
      );
      await ctx.publish(
        'fulfilmentEvents',
        outputs.flatMap((o) => o.events).map((e) => ({ key: e.orderKey, value: e })),
      );
      ctx.log.debug({ shipments: shipments.length }, 'routed');
    });
    return {};
  },
});
