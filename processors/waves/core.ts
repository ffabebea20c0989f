import type { FulfilmentEvent } from '../../topics/schemas/fulfilment-event.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import type { WavePlacement } from './classify.js';

/**
 * The wave plan, pure: the specification that waves.lua implements over Redis.
 *
 * A shipment joins the open wave of its placement's key (generation 1 is the key itself, later
 * ones "key#2", "key#3"…); a shipment seen before joins nothing. A wave is due at its release time,
 * or at once when it fills up (presale: on its day). Releasing moves due waves to the outbox and
 * opens the next generation of their key, so a late shipment starts a new wave instead of being
 * lost to a released one. The outbox is published, then emptied: a crash in between publishes the
 * same WAVED events again, same ids.
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

export interface Wave {
  base: string;
  /** Epoch ms. A key's release time is a function of the key (its cut-off or presale day), so the first member's is the wave's. */
  dueAt: number;
  members: WaveMember[];
}

export interface WavePlan {
  /** shipmentId → waveId */
  seen: Map<string, string>;
  /** base → current generation */
  generations: Map<string, number>;
  open: Map<string, Wave>;
  /** Released, not yet published: waveId → release time. */
  outbox: Map<string, { releasedAt: number; members: WaveMember[] }>;
}

export function emptyPlan(): WavePlan {
  return { seen: new Map(), generations: new Map(), open: new Map(), outbox: new Map() };
}

export function waveIdOf(base: string, generation: number): string {
  return generation <= 1 ? base : `${base}#${generation}`;
}

export function memberOf(s: Shipment, p: WavePlacement): WaveMember {
  return {
    shipmentId: s.shipmentId, orderKey: s.orderKey, channel: s.channel, warehouse: s.warehouse, carrier: s.carrier,
    lines: s.lines.map(({ sku, quantity }) => ({ sku, quantity })), flagged: p.flagged, reason: p.reason,
  };
}

/** Adds one placed shipment; returns the wave it is in (its old one when seen before). Mutates `plan`. */
export function addShipment(plan: WavePlan, member: WaveMember, p: WavePlacement, maxSize: number): string {
  const prior = plan.seen.get(member.shipmentId);
  if (prior !== undefined) return prior;
  const generation = plan.generations.get(p.base) ?? 1;
  const waveId = waveIdOf(p.base, generation);
  const wave = plan.open.get(waveId) ?? { base: p.base, dueAt: p.releaseAt, members: [] };
  wave.members.push(member);
  plan.open.set(waveId, wave);
  plan.seen.set(member.shipmentId, waveId);
  if (wave.members.length >= maxSize) {
    // Full: later shipments of this key start the next wave; this one is due now (presale: on its day).
    plan.generations.set(p.base, generation + 1);
    wave.dueAt = Math.min(wave.dueAt, p.releaseWhenFull);
  }
  return waveId;
}

/** Moves every wave due at `now` to the outbox; returns their ids. Mutates `plan`. */
export function releaseDue(plan: WavePlan, now: number): string[] {
  const due = [...plan.open.entries()].filter(([, w]) => w.dueAt <= now).sort(([a, x], [b, y]) => x.dueAt - y.dueAt || (a < b ? -1 : 1));
  for (const [waveId, wave] of due) {
    plan.open.delete(waveId);
    plan.outbox.set(waveId, { releasedAt: now, members: wave.members });
    const generation = plan.generations.get(wave.base) ?? 1;
    if (waveIdOf(wave.base, generation) === waveId) plan.generations.set(wave.base, generation + 1);
  }
  return due.map(([id]) => id);
}

/** One WAVED event per shipment of a released wave; the id is the shipment's, which is in one wave only. */
export function wavedEvents(waveId: string, releasedAt: number, members: WaveMember[]): FulfilmentEvent[] {
  return members.map((m) => ({
    eventId: `waved:${m.shipmentId}`, kind: 'WAVED', orderKey: m.orderKey, channel: m.channel, shipmentId: m.shipmentId,
    warehouse: m.warehouse, carrier: m.carrier, waybillNo: null, waveId, flagged: m.flagged, reason: m.reason,
    lines: m.lines, source: 'wave-planner', occurredAt: releasedAt,
  }));
}
