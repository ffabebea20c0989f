import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WavePlacement } from './classify.js';
import { type BasePlan, EMPTY_BASE, joinBase, nextDueOf, type Placed, releaseBase, type WaveMember, wavedEvents } from './core.js';
import { addShipments, type PlanSnapshot, type PlanStore, type PlanWrite, releaseDue } from './store.js';

const member = (id: string): WaveMember => ({
  shipmentId: id,
  orderKey: id,
  channel: 'shopify',
  warehouse: 'WH',
  carrier: 'ZTO',
  lines: [],
  flagged: false,
  reason: null,
});
const place = (base: string, releaseAt: number, releaseWhenFull = releaseAt): WavePlacement => ({
  base,
  releaseAt,
  releaseWhenFull,
  flagged: false,
  reason: null,
});
const placed = (id: string, p: WavePlacement): Placed => ({ member: member(id), placement: p });
const NONE = new Map<string, string>();

/** Joins shipments one at a time (as separate batches), remembering each in `seen`. */
function join(
  plan: BasePlan,
  base: string,
  ids: string[],
  p: WavePlacement,
  maxSize: number,
  seen = new Map<string, string>(),
): { plan: BasePlan; waves: string[] } {
  const waves: string[] = [];
  for (const id of ids) {
    const step = joinBase(plan, base, [placed(id, p)], seen, maxSize);
    plan = step.plan;
    for (const j of step.joined) {
      seen.set(j.member.shipmentId, j.waveId);
      waves.push(j.waveId);
    }
  }
  return { plan, waves };
}

describe('wave plan of one base', () => {
  it('releases a wave at its time, and a late shipment of the same base starts the next generation', () => {
    const { plan, waves } = join(EMPTY_BASE, 'K', ['a', 'b'], place('K', 100), 10);
    expect(waves).toEqual(['K', 'K']);
    expect(plan).toEqual({ generation: 1, waves: [{ generation: 1, dueAt: 100, size: 2 }] });
    expect(releaseBase(plan, 'K', 99)).toEqual({ plan, released: [] });
    const released = releaseBase(plan, 'K', 100);
    expect(released).toEqual({ plan: { generation: 2, waves: [] }, released: ['K'] });
    const late = joinBase(released.plan, 'K', [placed('c', place('K', 100))], NONE, 10);
    expect(late.joined.map((j) => j.waveId)).toEqual(['K#2']);
    expect(releaseBase(late.plan, 'K', 101).released).toEqual(['K#2']);
  });

  it('a full wave is due at once and the next generation opens; presale waits for its day', () => {
    const normal = join(EMPTY_BASE, 'N', ['a', 'b', 'c'], place('N', 500, 10), 2);
    expect(normal.waves).toEqual(['N', 'N', 'N#2']);
    expect(normal.plan).toEqual({
      generation: 2,
      waves: [
        { generation: 1, dueAt: 10, size: 2 },
        { generation: 2, dueAt: 500, size: 1 },
      ],
    });
    expect(nextDueOf(normal.plan)).toBe(10);
    const first = releaseBase(normal.plan, 'N', 10);
    // The open wave (#2) was not released: it stays the one to join.
    expect(first).toEqual({ plan: { generation: 2, waves: [{ generation: 2, dueAt: 500, size: 1 }] }, released: ['N'] });
    expect(releaseBase(first.plan, 'N', 999)).toEqual({ plan: { generation: 3, waves: [] }, released: ['N#2'] });

    const presale = join(EMPTY_BASE, 'P', ['p1', 'p2', 'p3'], place('P', 1000), 1);
    expect(presale.waves).toEqual(['P', 'P#2', 'P#3']);
    expect(releaseBase(presale.plan, 'P', 999).released).toEqual([]);
    expect(releaseBase(presale.plan, 'P', 1000)).toEqual({ plan: { generation: 4, waves: [] }, released: ['P', 'P#2', 'P#3'] });
    expect(nextDueOf({ generation: 4, waves: [] })).toBeNull();
  });

  it('a shipment seen before (under any base) or twice in a batch joins nothing', () => {
    const seen = new Map([['a', 'OTHER-BASE']]);
    const step = joinBase(EMPTY_BASE, 'K', [placed('a', place('K', 100)), placed('b', place('K', 100)), placed('b', place('K', 100))], seen, 10);
    expect(step.joined.map((j) => [j.member.shipmentId, j.waveId])).toEqual([['b', 'K']]);
    expect(step.plan.waves).toEqual([{ generation: 1, dueAt: 100, size: 1 }]);
    expect(joinBase(step.plan, 'K', [placed('a', place('K', 100))], seen, 10)).toEqual({ plan: step.plan, joined: [] });
  });

  it('one WAVED event per shipment, id from the shipment', () => {
    expect(wavedEvents('K', 5, [member('a')])).toEqual([
      expect.objectContaining({ eventId: 'waved:a', kind: 'WAVED', waveId: 'K', source: 'wave-planner', occurredAt: 5 }),
    ]);
  });
});

/**
 * The store as cas.lua keeps it, in memory: each call takes effect when the scheduler lets it, so
 * writers interleave between their read and their write as two instances racing on Redis would.
 */
class ModelStore implements PlanStore {
  readonly plans = new Map<string, { version: number; plan: BasePlan }>();
  readonly seen = new Map<string, string>();
  readonly members = new Map<string, string[]>();
  readonly outbox = new Map<string, number>();
  readonly due = new Map<string, number>();
  conflicts = 0;

  constructor(private readonly s: fc.Scheduler) {}

  async read(bases: string[], shipmentIds: string[]): Promise<PlanSnapshot> {
    await this.s.schedule(Promise.resolve(), 'read');
    const seen = new Map(shipmentIds.filter((id) => this.seen.has(id)).map((id) => [id, this.seen.get(id)!]));
    return { plans: new Map(bases.map((b) => [b, this.plans.get(b) ?? { version: 0, plan: EMPTY_BASE }])), seen };
  }

  async compareAndSet(writes: PlanWrite[]): Promise<string[]> {
    await this.s.schedule(Promise.resolve(), 'cas');
    const conflicts: string[] = [];
    for (const w of writes) {
      const version = this.plans.get(w.base)?.version ?? 0;
      if (version !== w.expected || w.joined.some((j) => this.seen.has(j.member.shipmentId))) {
        conflicts.push(w.base);
        continue;
      }
      this.plans.set(w.base, { version: version + 1, plan: structuredClone(w.plan) });
      for (const j of w.joined) {
        this.members.set(j.waveId, [...(this.members.get(j.waveId) ?? []), j.member.shipmentId]);
        this.seen.set(j.member.shipmentId, j.waveId);
      }
      for (const [waveId, at] of w.released) if (!this.outbox.has(waveId)) this.outbox.set(waveId, at);
      const next = nextDueOf(w.plan);
      if (next === null) this.due.delete(w.base);
      else this.due.set(w.base, next);
    }
    this.conflicts += conflicts.length;
    return conflicts;
  }

  async dueBases(now: number, limit: number): Promise<string[]> {
    await this.s.schedule(Promise.resolve(), 'due');
    return [...this.due]
      .filter(([, at]) => at <= now)
      .sort(([a, x], [b, y]) => x - y || (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([b]) => b);
  }
}

describe('wave plan under racing writers (the compare-and-set loops over a model of the store)', () => {
  // Where a shipment goes the first time, from its id: a normal base (release time varies with the
  // arrival) or a presale day (P20: released at 20, never before). A redelivery may be placed in
  // the catch-all instead (the clock moved past its cut-off): it must still join nothing.
  const BASES = ['A', 'B', 'P20', 'P40'];
  const placementOf = (id: number, redelivered: boolean, at: number): WavePlacement => {
    if (redelivered) return place('C', at);
    const base = BASES[id % BASES.length]!;
    if (base.startsWith('P')) return place(base, Number(base.slice(1)));
    const releaseAt = (id * 7) % 50;
    return place(base, releaseAt, Math.min(releaseAt, at));
  };
  const arrival = fc.record({ id: fc.integer({ min: 0, max: 30 }), redelivered: fc.boolean() });
  const op = fc.oneof(
    { weight: 3, arbitrary: fc.record({ add: fc.array(arrival, { minLength: 1, maxLength: 8 }), at: fc.integer({ min: 0, max: 60 }) }) },
    { weight: 1, arbitrary: fc.record({ release: fc.constant(true), at: fc.integer({ min: 0, max: 60 }) }) },
  );
  type Op = { add: { id: number; redelivered: boolean }[]; at: number } | { release: true; at: number };

  it('property: any interleaving of adds, redeliveries and releases waves every shipment exactly once, presale never before its day', async () => {
    let raced = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.array(op, { maxLength: 8 }), { minLength: 2, maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }),
        async (s, writers, maxSize) => {
          const store = new ModelStore(s);
          const added = new Set<string>();
          const run = async (ops: Op[]) => {
            for (const o of ops) {
              if ('release' in o) {
                await releaseDue(store, o.at, 2);
                continue;
              }
              const items = o.add.map((a) => {
                // Only a shipment added before can be redelivered; the first time it has its own placement.
                const id = `s${a.id}`;
                const p = placementOf(a.id, a.redelivered && added.has(id), o.at);
                added.add(id);
                return placed(id, p);
              });
              await addShipments(store, items, maxSize);
            }
          };
          await s.waitFor(Promise.all(writers.map(run)).then(() => releaseDue(store, Number.MAX_SAFE_INTEGER)));
          raced += store.conflicts > 0 ? 1 : 0;

          const waved = [...store.outbox.keys()].flatMap((waveId) => store.members.get(waveId) ?? []);
          expect(waved.sort()).toEqual([...added].sort());
          expect(store.due.size).toBe(0);
          for (const [waveId, releasedAt] of store.outbox) {
            expect(store.members.get(waveId)!.length).toBeLessThanOrEqual(maxSize);
            const day = /^P(\d+)/.exec(waveId)?.[1];
            if (day !== undefined) expect(releasedAt).toBeGreaterThanOrEqual(Number(day));
          }
        },
      ),
      { numRuns: 300 },
    );
    // The interleavings did reach the conflict path.
    expect(raced).toBeGreaterThan(0);
  });
});
