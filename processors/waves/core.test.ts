import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WavePlacement } from './classify.js';
import { addShipment, emptyPlan, releaseDue, wavedEvents, type WaveMember, type WavePlan } from './core.js';

const member = (id: string): WaveMember => ({ shipmentId: id, orderKey: id, channel: 'shopify', warehouse: 'WH', carrier: 'ZTO', lines: [], flagged: false, reason: null });
const place = (base: string, releaseAt: number, releaseWhenFull = releaseAt): WavePlacement => ({ base, releaseAt, releaseWhenFull, flagged: false, reason: null });

/** Every shipment id that left in a released wave, by wave. */
function drain(plan: WavePlan): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [waveId, w] of plan.outbox) out.set(waveId, w.members.map((m) => m.shipmentId));
  plan.outbox.clear();
  return out;
}

describe('wave plan', () => {
  it('releases a wave at its time, and a late shipment of the same key starts the next generation', () => {
    const plan = emptyPlan();
    addShipment(plan, member('a'), place('K', 100), 10);
    addShipment(plan, member('b'), place('K', 100), 10);
    expect(releaseDue(plan, 99)).toEqual([]);
    expect(releaseDue(plan, 100)).toEqual(['K']);
    expect(addShipment(plan, member('c'), place('K', 100), 10)).toBe('K#2');
    expect(releaseDue(plan, 101)).toEqual(['K#2']);
    expect(drain(plan)).toEqual(new Map([['K', ['a', 'b']], ['K#2', ['c']]]));
  });

  it('a full wave is due at once, except presale which waits for its day', () => {
    const plan = emptyPlan();
    addShipment(plan, member('a'), place('N', 500, 10), 2);
    expect(addShipment(plan, member('b'), place('N', 500, 10), 2)).toBe('N');
    expect(addShipment(plan, member('c'), place('N', 500, 10), 2)).toBe('N#2');
    addShipment(plan, member('p1'), place('P', 1000), 1);
    expect(releaseDue(plan, 10)).toEqual(['N']);
    expect(releaseDue(plan, 999)).toEqual(['N#2']);
    expect(releaseDue(plan, 1000)).toEqual(['P']);
  });

  it('a shipment seen before joins nothing', () => {
    const plan = emptyPlan();
    addShipment(plan, member('a'), place('K', 100), 10);
    releaseDue(plan, 100);
    expect(addShipment(plan, member('a'), place('K', 100), 10)).toBe('K');
    expect(plan.open.size).toBe(0);
  });

  it('one WAVED event per shipment, id from the shipment', () => {
    expect(wavedEvents('K', 5, [member('a')])).toEqual([expect.objectContaining({ eventId: 'waved:a', kind: 'WAVED', waveId: 'K', source: 'wave-planner', occurredAt: 5 })]);
  });

  it('property: across any arrivals, repeats and release schedule, every shipment is waved exactly once, never before its wave is due', () => {
    const arrival = fc.record({ id: fc.integer({ min: 0, max: 30 }), key: fc.constantFrom('A', 'B', 'P20', 'P40'), releaseAt: fc.integer({ min: 0, max: 50 }), at: fc.integer({ min: 0, max: 60 }) });
    fc.assert(fc.property(fc.array(arrival, { maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 10 }), fc.integer({ min: 1, max: 5 }), (arrivals, ticks, maxSize) => {
      const plan = emptyPlan();
      const events = [...arrivals.map((a) => ({ t: a.at, a })), ...ticks.map((t) => ({ t, a: undefined }))].sort((x, y) => x.t - y.t);
      const released: { waveId: string; at: number; ids: string[] }[] = [];
      const firstPlacement = new Map<string, WavePlacement>();
      for (const e of events) {
        if (e.a) {
          const id = `s${e.a.id}`;
          // A redelivered shipment carries the same content (and so the same placement) as the first time.
          // A presale key names its day, so its release time (as in classify.ts); other keys' times vary.
          const presaleDay = e.a.key.startsWith('P') ? Number(e.a.key.slice(1)) : undefined;
          const p = firstPlacement.get(id) ?? (presaleDay !== undefined ? place(e.a.key, presaleDay) : place(e.a.key, e.a.releaseAt, Math.min(e.a.releaseAt, e.t)));
          firstPlacement.set(id, p);
          addShipment(plan, member(id), p, maxSize);
        } else {
          releaseDue(plan, e.t);
          for (const [waveId, w] of plan.outbox) released.push({ waveId, at: w.releasedAt, ids: w.members.map((m) => m.shipmentId) });
          plan.outbox.clear();
        }
      }
      releaseDue(plan, Number.MAX_SAFE_INTEGER);
      for (const [waveId, w] of plan.outbox) released.push({ waveId, at: w.releasedAt, ids: w.members.map((m) => m.shipmentId) });
      const waved = released.flatMap((r) => r.ids);
      expect(waved.sort()).toEqual([...firstPlacement.keys()].sort());
      for (const r of released) {
        expect(r.ids.length).toBeLessThanOrEqual(maxSize);
        // Presale never leaves before its day.
        for (const id of r.ids) if (firstPlacement.get(id)!.base.startsWith('P')) expect(r.at).toBeGreaterThanOrEqual(firstPlacement.get(id)!.releaseAt);
      }
    }));
  });
});
