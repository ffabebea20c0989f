import { groupOf, isDomestic } from '../../lib/regions.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import { dayOf, localMinute, startOfDay } from '../routing/days.js';
import type { WaveRules } from './rules.js';

/** Which wave a shipment belongs in, and when that wave is released. */
export interface WavePlacement {
  /** The wave's key without its generation ("#2" once an earlier wave of that key was released). */
  base: string;
  /** When the wave is due (epoch ms); a wave with a past time is released at the next tick. */
  releaseAt: number;
  /** When a wave that filled up is released: at once, except presale which waits for its day. */
  releaseWhenFull: number;
  flagged: boolean;
  reason: string | null;
}

/**
 * The wave rules, pure. Every shipment gets a placement: what matches no rule goes to the
 * warehouse's catch-all wave, flagged with the reason, released at the next tick — never dropped.
 * Days are Asia/Shanghai days: a presale order paid at 00:00:00.001 belongs to the new day.
 */
export function placeShipment(s: Shipment, rules: WaveRules, now: number): WavePlacement {
  const catchAll = (reason: string): WavePlacement => ({ base: `${s.warehouse}:catch-all`, releaseAt: now, releaseWhenFull: now, flagged: true, reason });
  if (s.presale) {
    if (s.shipFrom === null) return catchAll('presale without a ship-from day (no campaign)');
    const day = dayOf(s.shipFrom, rules.timezone);
    const today = dayOf(now, rules.timezone);
    if (day < today) return catchAll(`presale ship-from day ${day} already passed (today ${today})`);
    const releaseAt = startOfDay(day, rules.timezone);
    return { base: `${s.warehouse}:presale:${day}`, releaseAt, releaseWhenFull: releaseAt, flagged: false, reason: null };
  }
  if (s.cutoffAt <= now) return catchAll(`cut-off ${localMinute(s.cutoffAt, rules.timezone)} already passed`);
  const region = isDomestic(s.buyerCountry) ? groupOf(rules.regionGroups, s.buyerProvince) : undefined;
  if (region === undefined) return catchAll(`no region group for ${s.buyerCountry ?? 'CN'}/${s.buyerProvince ?? '?'}`);
  const category = mainCategory(s);
  if (!rules.categories.includes(category)) return catchAll(`unknown category "${category}"`);
  const releaseAt = s.cutoffAt - rules.leadMinutes * 60_000;
  return {
    base: `${s.warehouse}:${localMinute(s.cutoffAt, rules.timezone)}:${region}:${mixGroupOf(rules, category)}`,
    releaseAt,
    releaseWhenFull: Math.min(releaseAt, now),
    flagged: false,
    reason: null,
  };
}

/** The category with most units in the parcel; ties by name, so the answer never depends on line order. */
export function mainCategory(s: Pick<Shipment, 'lines'>): string {
  const units = new Map<string, number>();
  for (const l of s.lines) units.set(l.category, (units.get(l.category) ?? 0) + l.quantity);
  return [...units.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))[0]?.[0] ?? '';
}

function mixGroupOf(rules: WaveRules, category: string): string {
  return Object.entries(rules.mixGroups).find(([, members]) => members.includes(category))?.[0] ?? category;
}
