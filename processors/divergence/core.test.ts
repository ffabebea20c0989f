import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIVERGENCE_TYPES, type DivergenceType } from '../../topics/schemas/divergence-event.js';
import { uniformDivergenceConfig } from './config.js';
import { evaluate } from './core.js';
import { type Fact, factOf } from './facts.js';
import { ANOMALY_PATH, HISTORY_PATHS, type HistoryPlan, type InputRecord, orderHistory, outcomeRecord } from './histories.js';
import { deliveries, Simulation } from './simulation.js';

const G = 60_000;
/** Settle covers the simulated cross-topic skew: sync lag + delivery delay, up to 20 s. */
const config = uniformDivergenceConfig(G, 30_000);
const T0 = Date.UTC(2026, 0, 1);
const KEY = 'taobao:shop1:1001';
const plan = (p: Partial<HistoryPlan> = {}): HistoryPlan => ({
  orderKey: KEY,
  start: T0,
  path: 'delivered',
  lags: [1000, 3000, 2000],
  gaps: [5 * 60_000, 30 * 60_000, 2 * 3600_000],
  ...p,
});

/** Delivers records in broker order, each `delay` after it was written, with the timer running. */
function run(records: InputRecord[], delay = 2000, until = Number.POSITIVE_INFINITY): Simulation {
  const sim = new Simulation(config);
  let last = 0;
  for (const { record, at } of deliveries(records, [delay])) {
    sim.deliver(record, Math.min(at, until));
    last = at;
  }
  sim.runUntil(Math.min(last + 100 * G, until));
  return sim;
}
const states = (sim: Simulation) => sim.divergences.map((d) => `${d.type}:${d.state}`);

describe('divergence core: healthy histories open nothing', () => {
  for (const path of HISTORY_PATHS) {
    it(`${path}, with sync lags below the grace window`, () => {
      expect(run(orderHistory(plan({ path }))).divergences).toEqual([]);
    });
  }
});

describe('divergence core: each type, opened by time, repaired, resolved', () => {
  it('SHIPPED_NOT_SYNCED: asks the channel to ship with the waybill, resolves when the channel shows it', () => {
    const records = orderHistory(plan({ anomaly: 'SHIPPED_NOT_SYNCED', anomalyLag: 2 * G }));
    const sim = run(records);
    expect(states(sim)).toEqual(['SHIPPED_NOT_SYNCED:OPENED', 'SHIPPED_NOT_SYNCED:RESOLVED']);
    const [opened, resolved] = sim.divergences;
    expect(opened).toMatchObject({
      action: 'SHIP',
      channelView: 'PAID',
      warehouseView: 'WH-EAST:SHIPPED',
      openedAt: opened!.since + G,
      occurredAt: opened!.since + G,
    });
    expect(sim.channelCommands).toEqual([
      expect.objectContaining({
        kind: 'SHIP',
        commandId: `${opened!.divergenceId}:SHIP`,
        carrier: 'ZTO',
        waybillNo: 'ZT0000001001',
        channel: 'taobao',
        shopId: 'shop1',
        channelOrderId: '1001',
        divergenceId: opened!.divergenceId,
      }),
    ]);
    expect(resolved).toMatchObject({ divergenceId: opened!.divergenceId, resolution: 'channel shows SHIPPED', durationMs: 2 * G, channelView: 'SHIPPED' });
    expect(opened!.divergenceId).toBe(`${KEY}:SHIPPED_NOT_SYNCED:${opened!.since}`);
  });

  it('CANCELLED_IN_FULFILMENT: intercepts at the warehouse, says the hub still holds stock, resolves on INTERCEPTED', () => {
    // The hub never released the stock in this history: the divergence says so.
    const records = orderHistory(plan({ path: 'cancelled-picking', anomaly: 'CANCELLED_IN_FULFILMENT', anomalyLag: 2 * G })).filter(
      (r) => !(r.topic === 'inventoryEvents' && (r.value as { kind: string }).kind === 'RELEASED'),
    );
    const sim = run(records);
    expect(states(sim)).toEqual(['CANCELLED_IN_FULFILMENT:OPENED', 'CANCELLED_IN_FULFILMENT:RESOLVED']);
    expect(sim.divergences[0]).toMatchObject({ action: 'INTERCEPT', channelView: 'REFUNDING', warehouseView: 'WH-EAST:PICKED' });
    expect(sim.divergences[0]!.hubView).toContain('stock still held');
    expect(sim.warehouseCommands).toEqual([
      expect.objectContaining({ kind: 'INTERCEPT', warehouse: 'WH-EAST', shipmentId: `${KEY}#WH-EAST`, waybillNo: 'ZT0000001001' }),
    ]);
    expect(sim.divergences[1]).toMatchObject({ resolution: 'parcel intercepted', durationMs: 2 * G });
  });

  it('CANCELLED_IN_FULFILMENT: a parcel that leaves anyway escalates at once (recall from the carrier)', () => {
    const records = orderHistory(plan({ path: 'cancelled-picking', anomaly: 'CANCELLED_IN_FULFILMENT', anomalyLag: 10 * G }));
    const intercepted = records.find((r) => (r.value as { kind?: string }).kind === 'INTERCEPTED')!;
    const at = (intercepted.value as { occurredAt: number }).occurredAt;
    const shipped = { ...intercepted, value: { ...intercepted.value, kind: 'SHIPPED', eventId: 'ship-anyway', occurredAt: at - 8 * G } } as InputRecord;
    const sim = run([...records.filter((r) => r !== intercepted), { ...shipped, timestamp: at - 8 * G }]);
    expect(states(sim)).toEqual(['CANCELLED_IN_FULFILMENT:OPENED', 'CANCELLED_IN_FULFILMENT:ESCALATED', 'NO_CARRIER_SCAN:OPENED', 'NO_CARRIER_SCAN:ESCALATED']);
    expect(sim.divergences[1]).toMatchObject({ occurredAt: at - 8 * G, resolution: expect.stringContaining('recall it from the carrier') });
  });

  it('CANCELLED_IN_FULFILMENT: a parcel only planned stops when the hub releases the stock', () => {
    const records = orderHistory(plan({ path: 'cancelled-picking' })).filter(
      (r) => !['PICKED', 'INTERCEPTED'].includes((r.value as { kind?: string }).kind ?? ''),
    );
    const released = records.find((r) => r.topic === 'inventoryEvents' && (r.value as { kind: string }).kind === 'RELEASED')!;
    const late = { ...released, timestamp: released.timestamp + 2 * G };
    const sim = run([...records.filter((r) => r !== released), late]);
    expect(states(sim)).toEqual(['CANCELLED_IN_FULFILMENT:OPENED', 'CANCELLED_IN_FULFILMENT:RESOLVED']);
    expect(sim.divergences[0]!.warehouseView).toBe('WH-EAST:PLANNED');
    expect(sim.divergences[1]!.resolution).toBe('stock released before the warehouse started');
  });

  it('PAID_NOT_SEEN: asks for a targeted pull from the channel time, resolves when the hub reserves', () => {
    const records = orderHistory(plan({ anomaly: 'PAID_NOT_SEEN', anomalyLag: 2 * G }));
    // The timer runs while the pull is still out: opened with a repair, then resolved.
    const paid = records.find((r) => (r.value as { status?: string }).status === 'PAID')!.value as { occurredAt: number };
    const sim = new Simulation(config);
    for (const { record, at } of deliveries(
      records.filter((r) => r.timestamp <= paid.occurredAt),
      [0],
    ))
      sim.deliver(record, at);
    sim.runUntil(paid.occurredAt + G);
    expect(states(sim)).toEqual([]);
    // Nothing says the channel is paid yet: the hub cannot know. The pull brings PAID, then RESERVED.
    for (const { record, at } of deliveries(
      records.filter((r) => r.timestamp > paid.occurredAt),
      [0],
    ))
      sim.deliver(record, at);
    sim.runUntil(Number.MAX_SAFE_INTEGER / 2);
    expect(states(sim)).toEqual(['PAID_NOT_SEEN:OPENED', 'PAID_NOT_SEEN:RESOLVED']);
    expect(sim.divergences[1]).toMatchObject({ resolution: 'hub acted on the payment', since: paid.occurredAt });
  });

  it('PAID_NOT_SEEN revealed late is recorded with its true duration, opened and resolved back to back, without a repair', () => {
    const records = orderHistory(plan({ anomaly: 'PAID_NOT_SEEN', anomalyLag: 5 * 60_000 }));
    const sim = run(records, 0);
    const paidAt = (records.find((r) => (r.value as { status?: string }).status === 'PAID')!.value as { occurredAt: number }).occurredAt;
    const reservedAt = records.find((r) => (r.value as { kind?: string }).kind === 'RESERVED')!.timestamp;
    expect(sim.divergences.map((d) => [d.state, d.occurredAt, d.durationMs, d.action])).toEqual([
      ['OPENED', paidAt + G, null, null],
      ['RESOLVED', reservedAt, reservedAt - paidAt, null],
    ]);
    expect(sim.channelCommands).toEqual([]);
  });

  it('a payment learned past the history horizon and acted on at once is history (an import), not a divergence', () => {
    const withHorizon = { ...config, historyHorizonMs: 24 * 3600_000 };
    const replay = (lag: number) => {
      const sim = new Simulation(withHorizon);
      let last = 0;
      for (const { record, at } of deliveries(orderHistory(plan({ anomaly: 'PAID_NOT_SEEN', anomalyLag: lag })), [0])) {
        sim.deliver(record, at);
        last = at;
      }
      sim.runUntil(last + 100 * G);
      return states(sim);
    };
    expect(replay(2 * 24 * 3600_000)).toEqual([]);
    expect(replay(5 * 60_000)).toEqual(['PAID_NOT_SEEN:OPENED', 'PAID_NOT_SEEN:RESOLVED']);
  });

  it('DELIVERED_NOT_CONFIRMED: reconciles the order, escalates past its window, and still resolves later', () => {
    const records = orderHistory(plan({ anomaly: 'DELIVERED_NOT_CONFIRMED', anomalyLag: 4 * G }));
    const sim = run(records);
    expect(states(sim)).toEqual(['DELIVERED_NOT_CONFIRMED:OPENED', 'DELIVERED_NOT_CONFIRMED:ESCALATED', 'DELIVERED_NOT_CONFIRMED:RESOLVED']);
    const [opened, escalated, resolved] = sim.divergences;
    expect(escalated).toMatchObject({ occurredAt: opened!.since + 3 * G, resolution: 'still open after 180 s' });
    expect(resolved).toMatchObject({ durationMs: 4 * G, resolution: 'channel shows DELIVERED' });
    expect(sim.channelCommands).toEqual([expect.objectContaining({ kind: 'RECONCILE_ORDER', since: expect.any(Number) })]);
  });

  it('NO_CARRIER_SCAN: opened by time alone, no command, resolved by the first scan', () => {
    const sim = run(orderHistory(plan({ anomaly: 'NO_CARRIER_SCAN', anomalyLag: 2 * G })));
    expect(states(sim)).toEqual(['NO_CARRIER_SCAN:OPENED', 'NO_CARRIER_SCAN:RESOLVED']);
    expect(sim.divergences[0]!.action).toBeNull();
    expect(sim.channelCommands).toEqual([]);
    expect(sim.divergences[1]!.resolution).toBe('carrier scanned the parcel');
  });

  it('CONTRADICTION: the carrier delivered an order the channel shows cancelled', () => {
    const sim = run(orderHistory(plan({ anomaly: 'CONTRADICTION' })));
    expect(states(sim)).toEqual(['CONTRADICTION:OPENED', 'CONTRADICTION:ESCALATED']);
    expect(sim.divergences[0]).toMatchObject({ channelView: 'CANCELLED', carrierView: 'DELIVERED' });
    expect(sim.divergences[0]!.divergenceId).toContain(':CONTRADICTION/delivered-but-cancelled:');
  });

  it('CONTRADICTION: the channel shows delivered although the hub rejected the order', () => {
    const records = orderHistory(plan({ path: 'rejected' })).filter((r) => (r.value as { status?: string }).status !== 'CANCELLED');
    const completed = {
      ...records[0]!,
      value: { ...(records[0]!.value as object), status: 'COMPLETED', eventId: 'done', occurredAt: T0 + 3 * 3600_000 },
    } as InputRecord;
    const sim = run([...records, { ...completed, timestamp: T0 + 3 * 3600_000 }]);
    expect(states(sim)).toEqual(['CONTRADICTION:OPENED', 'CONTRADICTION:ESCALATED']);
    expect(sim.divergences[0]!.hubView).toContain('REJECTED');
  });
});

describe('divergence core: lifecycle rules', () => {
  const shippedOnly = () =>
    orderHistory(plan({ anomaly: 'SHIPPED_NOT_SYNCED', anomalyLag: 100 * G })).filter(
      (r) => !(r.topic === 'orderEvents' && (r.value as { status: string }).status === 'SHIPPED'),
    );

  it('a FAILED repair escalates at once; the escalated divergence resolves when the channel catches up', () => {
    const records = orderHistory(plan({ anomaly: 'SHIPPED_NOT_SYNCED', anomalyLag: 2 * G + 30_000 }));
    const sim = new Simulation(config);
    const all = deliveries(records, [1000]);
    const shipped = all.find((d) => (d.record.value as { kind?: string }).kind === 'SHIPPED' && d.record.topic === 'fulfilmentEvents')!;
    for (const d of all.filter((x) => x.at <= shipped.at + G)) sim.deliver(d.record, d.at);
    sim.runUntil(shipped.at + G);
    const [command] = sim.channelCommands;
    expect(command).toBeDefined();
    sim.deliver(
      outcomeRecord({
        commandId: command!.commandId,
        commandKind: 'SHIP',
        orderKey: KEY,
        channel: 'taobao',
        divergenceId: command!.divergenceId,
        state: 'FAILED',
        reason: 'HTTP 403 token expired',
        occurredAt: shipped.at + G + 5000,
      }),
    );
    expect(states(sim)).toEqual(['SHIPPED_NOT_SYNCED:OPENED', 'SHIPPED_NOT_SYNCED:ESCALATED']);
    expect(sim.divergences[1]!.resolution).toBe('repair failed: HTTP 403 token expired');
    for (const d of all.filter((x) => x.at > shipped.at + G)) sim.deliver(d.record, d.at);
    sim.runUntil(Number.MAX_SAFE_INTEGER / 2);
    expect(states(sim)).toEqual(['SHIPPED_NOT_SYNCED:OPENED', 'SHIPPED_NOT_SYNCED:ESCALATED', 'SHIPPED_NOT_SYNCED:RESOLVED']);
  });

  it('re-evaluating, or redelivering every record, writes nothing new: same ids, no second command', () => {
    const records = shippedOnly();
    const sim = run(records, 1000, T0 + 24 * 3600_000);
    const before = { d: sim.divergences.length, c: sim.channelCommands.length };
    expect(before.c).toBe(1);
    for (const r of records) sim.deliver(r);
    sim.runUntil(T0 + 24 * 3600_000);
    expect({ d: sim.divergences.length, c: sim.channelCommands.length }).toEqual(before);
  });

  it('one open divergence per cause: a later duplicate of the contradiction does not open another', () => {
    const records = shippedOnly();
    const sim = run(records, 1000, T0 + 24 * 3600_000);
    const opened = sim.divergences.filter((d) => d.state === 'OPENED');
    expect(opened.map((d) => d.type)).toEqual(['SHIPPED_NOT_SYNCED', 'NO_CARRIER_SCAN'].filter((t) => opened.some((d) => d.type === t)));
    expect(new Set(opened.map((d) => d.divergenceId)).size).toBe(opened.length);
  });

  it('the event path alone never opens a contradiction that still holds (it is left to the timer)', () => {
    const all = shippedOnly()
      .map(factOf)
      .filter((f): f is Fact => f !== null);
    const shippedAt = all.find((f) => f.view === 'warehouse' && f.kind === 'SHIPPED')!.at;
    const facts = all.filter((f) => f.at <= shippedAt + 1000);
    const r = evaluate(KEY, facts, { events: [], ids: new Set() }, null, config);
    expect(r.divergences).toEqual([]);
    // The window runs from when the hub could know of the shipment (the WMS event's broker time).
    const knownAt = Math.max(...facts.filter((f) => f.at <= shippedAt).map((f) => f.seenAt));
    expect(knownAt).toBeGreaterThan(shippedAt);
    expect(r.nextDeadline).toBe(knownAt + G);
    expect(evaluate(KEY, facts, { events: [], ids: new Set() }, knownAt + G - 1, config).divergences).toEqual([]);
    const later = evaluate(KEY, facts, { events: [], ids: new Set() }, knownAt + G, config);
    // (With one grace for every type, the missing carrier scan is due at the same moment.)
    expect(later.divergences.map((d) => d.type)).toEqual(['SHIPPED_NOT_SYNCED', 'NO_CARRIER_SCAN']);
  });

  it('a divergence opened on what was known, then disproved by a late fact, is resolved (not left open)', () => {
    const records = orderHistory(plan({ anomaly: 'SHIPPED_NOT_SYNCED', anomalyLag: 2 * G }));
    const channelShipped = records.find((r) => r.topic === 'orderEvents' && (r.value as { status: string }).status === 'SHIPPED')!;
    const shippedAt = (records.find((r) => r.topic === 'fulfilmentEvents' && (r.value as { kind: string }).kind === 'SHIPPED')!.value as { occurredAt: number })
      .occurredAt;
    // The channel actually showed SHIPPED 10 s after the warehouse; the news arrived after the window.
    const early = { ...channelShipped, value: { ...channelShipped.value, occurredAt: shippedAt + 10_000, eventId: 'early' } } as InputRecord;
    const sim = new Simulation(config);
    for (const r of records.filter((x) => x !== channelShipped && x.timestamp <= shippedAt + 30_000)) sim.deliver(r);
    sim.runUntil(shippedAt + 2 * G);
    expect(states(sim)).toEqual(['SHIPPED_NOT_SYNCED:OPENED']);
    sim.deliver(early, shippedAt + 2 * G);
    sim.runUntil(shippedAt + 3 * G);
    expect(states(sim)).toEqual(['SHIPPED_NOT_SYNCED:OPENED', 'SHIPPED_NOT_SYNCED:RESOLVED']);
    expect(sim.divergences[1]!.durationMs).toBe(10_000);
  });
});

// ── Property tests ───────────────────────────────────────────────────────────────────────────

/** Realistic lags (< grace/6), so that lag + delivery delay always stays below the grace window. */
const planArb = (anomaly?: DivergenceType) =>
  fc
    .record({
      n: fc.integer({ min: 1, max: 99999 }),
      path: anomaly ? fc.constant(ANOMALY_PATH[anomaly]) : fc.constantFrom(...HISTORY_PATHS),
      lags: fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 3, maxLength: 9 }),
      gaps: fc.array(fc.integer({ min: 0, max: 6 * 3600_000 }), { minLength: 3, maxLength: 9 }),
      anomalyLag: fc.integer({ min: G + 20_000, max: 2 * G }),
    })
    .map(({ n, path, lags, gaps, anomalyLag }): HistoryPlan => ({ orderKey: `jd:shop9:${n}`, start: T0 + n, path, lags, gaps, anomaly, anomalyLag }));
const delivery = fc.record({
  delays: fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 20 }),
  repeats: fc.array(fc.nat({ max: 40 }), { maxLength: 8 }),
});

function simulate(records: InputRecord[], d: { delays: number[]; repeats: number[] }): Simulation {
  const sim = new Simulation(config);
  let last = 0;
  for (const { record, at } of deliveries(records, d.delays, d.repeats)) {
    sim.deliver(record, at);
    last = at;
  }
  sim.runUntil(last + 10 * G);
  return sim;
}
/**
 * What must not depend on arrival order. (Whether a repair was asked may: only if the timer found
 * the contradiction still holding before the news that ended it arrived.)
 */
const signature = (sim: Simulation) => sim.divergences.map((d) => [d.eventId, d.occurredAt, d.since, d.openedAt, d.durationMs]).sort();

describe('divergence core: properties', () => {
  it('a consistent history, duplicated and interleaved across topics, opens zero divergences', () => {
    fc.assert(
      fc.property(planArb(), delivery, (p, d) => {
        const sim = simulate(orderHistory(p), d);
        expect(sim.divergences).toEqual([]);
        expect(sim.channelCommands).toEqual([]);
        expect(sim.warehouseCommands).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  for (const type of DIVERGENCE_TYPES) {
    it(`one injected ${type} opens exactly one divergence, of that type, whatever the arrival order`, () => {
      fc.assert(
        fc.property(planArb(type), delivery, delivery, (p, d1, d2) => {
          const records = orderHistory(p);
          const a = simulate(records, d1);
          const opened = a.divergences.filter((e) => e.state === 'OPENED');
          expect(opened.map((e) => e.type)).toEqual([type]);
          expect(signature(simulate(records, d2))).toEqual(signature(a));
        }),
        { numRuns: 60 },
      );
    });
  }
});
