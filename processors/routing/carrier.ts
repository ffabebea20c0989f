import { groupOf, isDomestic, provinceKey } from '../../lib/regions.js';
import { nextCutoff } from './cutoff.js';
import type { CarrierRule, CatchAllRule, RoutingRules } from './rules.js';

export interface Destination {
  country: string | null;
  province: string | null;
}

export interface CarrierChoice {
  carrier: string;
  service: string;
  /** The chosen carrier's next collection cut-off after the routing time (epoch ms). */
  cutoffAt: number;
  /** No rule matched: the warehouse's catch-all (or the rules' default) carrier. */
  flagged: boolean;
  reason: string;
}

export interface Parcel {
  warehouse: string;
  destination: Destination;
  weightGrams: number;
  /** Categories of its lines. */
  categories: string[];
}

/**
 * The carrier for one parcel: among the warehouse's carriers that serve the destination and the
 * weight, the cheapest; ties go to the earliest cut-off, then to the order in the rules. A category
 * override narrows the choice to its carrier. No candidate: the catch-all, flagged, with the reason.
 */
export function chooseCarrier(rules: RoutingRules, parcel: Parcel, at: number): CarrierChoice {
  const wh = rules.warehouses[parcel.warehouse];
  if (!wh) return catchAll(rules, rules.defaultCarrier, at, `warehouse ${parcel.warehouse} has no routing rules: default carrier`);
  const override = rules.overrides.find((o) => parcel.categories.includes(o.category));
  const where = describe(parcel.destination);
  if (!isDomestic(parcel.destination.country)) return catchAll(rules, wh.catchAll, at, `no carrier rule for destination ${where}`);
  if (provinceKey(parcel.destination.province) === undefined) return catchAll(rules, wh.catchAll, at, `unknown destination province ${where}`);

  const group = groupOf(rules.provinceGroups, parcel.destination.province);
  const candidates = wh.carriers
    .filter((c) => !override || c.carrier === override.carrier)
    .filter((c) => c.maxWeightGrams >= parcel.weightGrams && serves(rules, c, parcel.destination.province))
    .map((c, order) => ({ c, order, cost: costOf(c, group, parcel.weightGrams), cutoffAt: nextCutoff(c.cutoff, at, rules.timezone) }))
    .filter((x): x is typeof x & { cost: number } => x.cost !== undefined)
    .sort((a, b) => a.cost - b.cost || a.cutoffAt - b.cutoffAt || a.order - b.order);
  const best = candidates[0];
  const rule = override ? `override ${override.category} → ${override.carrier} ${override.service}` : undefined;
  if (!best) {
    const why = `no carrier of ${parcel.warehouse} serves ${where} at ${parcel.weightGrams} g`;
    return catchAll(rules, wh.catchAll, at, rule ? `${rule}: ${why}` : why);
  }
  const service = override ? override.service : best.c.service;
  return {
    carrier: best.c.carrier,
    service,
    cutoffAt: best.cutoffAt,
    flagged: false,
    reason: rule ?? `cheapest of ${candidates.length}: ${best.c.carrier} ${service} to ${group ?? where} at ${best.cost} fen`,
  };
}

function catchAll(rules: RoutingRules, rule: CatchAllRule, at: number, reason: string): CarrierChoice {
  return { carrier: rule.carrier, service: rule.service, cutoffAt: nextCutoff(rule.cutoff, at, rules.timezone), flagged: true, reason };
}

function serves(rules: RoutingRules, c: CarrierRule, province: string | null): boolean {
  const key = provinceKey(province);
  return c.serves.some((s) => s === '*' || (rules.provinceGroups[s] ?? [s]).some((p) => provinceKey(p) === key));
}

/** Minor units: per parcel plus per started kilogram, by destination group (else "*"); undefined when unpriced. */
function costOf(c: CarrierRule, group: string | undefined, weightGrams: number): number | undefined {
  const cost = (group !== undefined ? c.costs[group] : undefined) ?? c.costs['*'];
  return cost ? cost.perParcel + cost.perKg * Math.ceil(weightGrams / 1000) : undefined;
}

function describe(d: Destination): string {
  return `${d.country ?? 'CN'}/${d.province ?? '?'}`;
}
