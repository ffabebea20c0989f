import type { FulfilmentEvent } from '../../topics/schemas/fulfilment-event.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import type { WavePlacement } from './classify.js';

/**
 * The wave plan, pure, per wave base key (what the store keeps as one versioned document).
 *
 * A shipment joins the open wave of its placement's base (generation 1 is the base itself, later
 * ones "base#2", "base#3"…); a shipment seen before, under any base, joins nothing. A wave is due
 * at its release time, or at once when it fills up (presale: on its day). Releasing moves due waves
 * to the outbox and opens the next generation of their base, so a late shipment starts a new wave
 * instead of being lost to a released one. The outbox is published, then emptied: a crash in
 * between publishes the same WAVED events again, same ids.
 */
export interface WaveMember {
  shipmentId: string;
  orderKey: string;
  channel: string;
  warehouse: string;
  carrier: string;
  lines: { sku: string; quantity: number }[];
  flagged: boolean;
  reason: string | null;
}

/** A wave not released yet. Its members are kept beside the plan, not in it. */
export interface PendingWave {
  generation: number;
  /** Epoch ms. A base's release time is a function of the base (its cut-off or presale day), so the first member's is the wave's. */
  dueAt: number;
  size: number;
}

export interface BasePlan {
  /** The generation a new shipment joins. */
  generation: number;
  /** Waves not released yet, oldest first; all but the open one (if any) are full and wait for their time. */
  waves: PendingWave[];
}

export interface Placed {
  member: WaveMember;
  placement: WavePlacement;
}

export const EMPTY_BASE: BasePlan = { generation: 1, waves: [] };

export function waveIdOf(base: string, generation: number): string {
  return generation <= 1 ? base : `${base}#${generation}`;
}

export function memberOf(s: Shipment, p: WavePlacement): WaveMember {
  return {
    shipmentId: s.shipmentId,
    orderKey: s.orderKey,
    channel: s.channel,
    warehouse: s.warehouse,
    carrier: s.carrier,
    lines: s.lines.map(({ sku, quantity }) => ({ sku, quantity })),
    flagged: p.flagged,
    reason: p.reason,
  };
}

/**
 * Shipments placed under `base` join its open wave, except those in `seen` (shipmentId → wave,
 * their seen marks) or earlier in `items`. Returns the new plan and who joined which wave.
 */
export function joinBase(
  plan: BasePlan,
  base: string,
  items: Placed[],
  seen: ReadonlyMap<string, string>,
  maxSize: number,
): { plan: BasePlan; joined: { member: WaveMember; waveId: string }[] } {
  let generation = plan.generation;
  const waves = plan.waves.map((w) => ({ ...w }));
  const joined: { member: WaveMember; waveId: string }[] = [];
  const here = new Set<string>();
  for (const { member, placement: p } of items) {
    if (seen.has(member.shipmentId) || here.has(member.shipmentId)) continue;
    here.add(member.shipmentId);
    let wave = waves.find((w) => w.generation === generation);
    if (!wave) {
      wave = { generation, dueAt: p.releaseAt, size: 0 };
      waves.push(wave);
    }
    wave.size += 1;
    joined.push({ member, waveId: waveIdOf(base, generation) });
    if (wave.size >= maxSize) {
      // Full: later shipments of this base start the next wave; this one is due now (presale: on its day).
      generation += 1;
      wave.dueAt = Math.min(wave.dueAt, p.releaseWhenFull);
    }
  }
  return { plan: { generation, waves }, joined };
}

/** The waves of `base` due at `now`, soonest first, and the plan without them. */
export function releaseBase(plan: BasePlan, base: string, now: number): { plan: BasePlan; released: string[] } {
  const due = plan.waves.filter((w) => w.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt || a.generation - b.generation);
  if (due.length === 0) return { plan, released: [] };
  const openReleased = due.some((w) => w.generation === plan.generation);
  return {
    plan: { generation: openReleased ? plan.generation + 1 : plan.generation, waves: plan.waves.filter((w) => w.dueAt > now) },
    released: due.map((w) => waveIdOf(base, w.generation)),
  };
}

/** When the base's next wave is due; null when nothing waits. */
export function nextDueOf(plan: BasePlan): number | null {
  return plan.waves.length === 0 ? null : Math.min(...plan.waves.map((w) => w.dueAt));
}

/** One WAVED event per shipment of a released wave; the id is the shipment's, which is in one wave only. */
export function wavedEvents(waveId: string, releasedAt: number, members: WaveMember[]): FulfilmentEvent[] {
  return members.map((m) => ({
    eventId: `waved:${m.shipmentId}`,
    kind: 'WAVED',
    orderKey: m.orderKey,
    channel: m.channel,
    shipmentId: m.shipmentId,
    warehouse: m.warehouse,
    carrier: m.carrier,
    waybillNo: null,
    waveId,
    flagged: m.flagged,
    reason: m.reason,
    lines: m.lines,
    source: 'wave-planner',
    occurredAt: releasedAt,
  }));
}
