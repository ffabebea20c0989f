import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyRouteInput, EMPTY_ROUTE, type RouteInput, type RouteOutputs, type RouteState, routeKeyOf } from './core.js';
import { inventoryEvent, orderEvent } from './fixtures.js';
import { loadRoutingRules } from './rules.js';

const rules = loadRoutingRules();
const NOW = Date.parse('2026-11-25T10:00:00+08:00');
const ctx = { rules, now: NOW };
const KEY = 'shopify:shop-1:1';
const order = (status: Parameters<typeof orderEvent>[1], extra = {}): RouteInput => ({
  kind: 'order',
  event: orderEvent(
    1,
    status,
    [
      ['APP-1', 2],
      ['BTY-1', 1],
    ],
    extra,
  ),
});
const inv = (kind: Parameters<typeof inventoryEvent>[1], sku: string, wh = 'WH-EAST', q = sku === 'APP-1' ? 2 : 1): RouteInput => ({
  kind: 'inventory',
  event: inventoryEvent(KEY, kind, sku, wh, q),
});

function run(inputs: RouteInput[], start: RouteState = EMPTY_ROUTE): { state: RouteState; outputs: RouteOutputs[] } {
  let state = start;
  const outputs: RouteOutputs[] = [];
  for (const input of inputs) {
    const step = applyRouteInput(state, input, ctx);
    state = step.state;
    if (step.outputs) outputs.push(step.outputs);
  }
  return { state, outputs };
}

describe('router join', () => {
  it('routes a paid order once its contents are known and every line is reserved', () => {
    const { outputs } = run([order('CREATED'), inv('RESERVED', 'APP-1'), order('PAID')]);
    expect(outputs).toHaveLength(0);
    const done = run([order('CREATED'), inv('RESERVED', 'APP-1'), order('PAID'), inv('RESERVED', 'BTY-1')]);
    expect(done.outputs).toHaveLength(1);
    const [s] = done.outputs[0]!.shipments;
    expect(s).toMatchObject({
      shipmentId: `${KEY}#WH-EAST`,
      warehouse: 'WH-EAST',
      carrier: 'ZTO',
      service: 'standard',
      weightGrams: 1000,
      paidAt: 2_000,
      routedAt: NOW,
      cutoffAt: Date.parse('2026-11-25T16:00:00+08:00'),
      flagged: false,
      presale: false,
      shipFrom: null,
      lines: [
        { sku: 'APP-1', quantity: 2, category: 'apparel' },
        { sku: 'BTY-1', quantity: 1, category: 'beauty' },
      ],
    });
    expect(done.outputs[0]!.events).toEqual([
      expect.objectContaining({ eventId: `routed:${KEY}#WH-EAST`, kind: 'ROUTED', source: 'router', carrier: 'ZTO', occurredAt: NOW }),
    ]);
  });

  it('a line split over two warehouses ships as two parcels', () => {
    const { outputs } = run([inv('RESERVED', 'APP-1', 'WH-EAST'), inv('RESERVED', 'BTY-1', 'WH-SOUTH'), order('PAID')]);
    expect(outputs[0]!.shipments.map((s) => [s.shipmentId, s.lines.map((l) => l.sku)])).toEqual([
      [`${KEY}#WH-EAST`, ['APP-1']],
      [`${KEY}#WH-SOUTH`, ['BTY-1']],
    ]);
  });

  it('never routes an order cancelled, released, rejected or shipped before routing', () => {
    for (const closing of [order('CANCELLED', { detail: 'STATUS_ONLY', lines: [] }), inv('RELEASED', 'APP-1'), inv('REJECTED', 'BTY-1'), order('SHIPPED')]) {
      const { state, outputs } = run([order('CREATED'), closing, inv('RESERVED', 'APP-1'), inv('RESERVED', 'BTY-1')]);
      expect(outputs).toEqual([]);
      expect(state.closed).toBeTruthy();
    }
  });

  it("a cancellation after routing changes nothing (interception is not the router's job)", () => {
    const { state, outputs } = run([order('PAID'), inv('RESERVED', 'APP-1'), inv('RESERVED', 'BTY-1'), inv('RELEASED', 'APP-1')]);
    expect(outputs).toHaveLength(1);
    expect(state.closed).toBeUndefined();
  });

  it('a status-only push supplies no contents', () => {
    const { outputs } = run([order('PAID', { detail: 'STATUS_ONLY', lines: [] }), inv('RESERVED', 'APP-1'), inv('RESERVED', 'BTY-1')]);
    expect(outputs).toEqual([]);
  });

  it('redelivery of the record that routed re-emits the same outputs; other repeats emit nothing', () => {
    const at = (input: RouteInput, from: string): RouteInput => ({ ...input, from });
    const first = run([at(order('PAID'), 'o/0/1'), at(inv('RESERVED', 'APP-1'), 'i/0/1'), at(inv('RESERVED', 'BTY-1'), 'i/1/7')]);
    const again = run([at(inv('RESERVED', 'BTY-1'), 'i/1/7'), at(inv('RESERVED', 'APP-1'), 'i/0/1'), at(order('PAID'), 'o/0/1')], first.state);
    expect(again.outputs).toEqual(first.outputs);
    expect(again.state).toBe(first.state);
    // The same decision written again upstream (another offset): its outputs are already out.
    expect(run([at(inv('RESERVED', 'BTY-1'), 'i/1/9')], first.state).outputs).toEqual([]);
  });

  it('presale parcels carry the campaign day; presale without a campaign carries null', () => {
    const presale = (sku: string): RouteInput[] => [
      { kind: 'order', event: orderEvent(2, 'PAID', [[sku, 1]], { presale: true }) },
      { kind: 'inventory', event: inventoryEvent('shopify:shop-1:2', 'RESERVED', sku, 'WH-EAST', 1) },
    ];
    expect(run(presale('PRE-XMAS-9')).outputs[0]!.shipments[0]!.shipFrom).toBe(Date.parse('2026-12-20T00:00:00+08:00'));
    expect(run(presale('APP-9')).outputs[0]!.shipments[0]!).toMatchObject({ presale: true, shipFrom: null });
  });

  it("ignores inventory events that are not about an order's routing", () => {
    expect(routeKeyOf(inv('LOCKED', 'APP-1'))).toBeNull();
    expect(routeKeyOf({ kind: 'inventory', event: { ...inventoryEvent(KEY, 'RECEIVED', 'A', 'WH-EAST', 1), orderKey: null } })).toBeNull();
  });
});

describe('router join: properties', () => {
  const inputs: RouteInput[] = [
    order('CREATED'),
    order('PAID'),
    inv('LOCKED', 'APP-1'),
    inv('LOCKED', 'BTY-1'),
    inv('RESERVED', 'APP-1'),
    inv('RESERVED', 'BTY-1'),
  ];
  const reference = run(inputs).outputs;

  it('any interleaving, with any repeats, routes the order exactly once with the same output', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(inputs, { minLength: inputs.length, maxLength: inputs.length }),
        fc.array(fc.constantFrom(...inputs), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (order, repeats, positions) => {
          const stream = [...order];
          repeats.forEach((r, i) => {
            stream.splice((positions[i] ?? 0) % (stream.length + 1), 0, r);
          });
          const relevant = stream.filter((i) => routeKeyOf(i) !== null);
          let state = EMPTY_ROUTE;
          const firstRoutings: RouteOutputs[] = [];
          for (const input of relevant) {
            const wasRouted = state.routed !== undefined;
            const step = applyRouteInput(state, input, ctx);
            state = step.state;
            if (step.outputs && !wasRouted) firstRoutings.push(step.outputs);
            // A repeat only ever re-emits the stored outputs.
            if (step.outputs && wasRouted) expect(step.outputs).toEqual(reference[0]);
          }
          expect(firstRoutings).toEqual(reference);
        },
      ),
    );
  });

  it('a closing input anywhere before completion means nothing is ever routed', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(inputs, { minLength: inputs.length, maxLength: inputs.length }),
        fc.constantFrom(inv('RELEASED', 'APP-1'), inv('REJECTED', 'BTY-1'), order('CANCELLED')),
        (order, closing) => {
          const stream = [closing, ...order];
          expect(run(stream.filter((i) => routeKeyOf(i) !== null)).outputs).toEqual([]);
        },
      ),
    );
  });
});
