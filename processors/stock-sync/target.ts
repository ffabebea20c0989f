import type { ListingComponent } from '../../topics/schemas/listing-mapping.js';
import type { StockPolicy } from './policy.js';

/*
 * A listing's target quantity: pure, from the shop's policy, the available stock per warehouse of
 * its components, and the allocations still held. No I/O, no clock beyond `now`.
 */

/** Available units of one SKU, by warehouse (inventory's "available": physical less locked, reserved and safety stock). */
export type SkuLevels = ReadonlyMap<string, number>;

/** An exclusive allocation in force: units of `sku` still held for `shopKey` (its quantity less what that shop took since it started). */
export interface HeldAllocation {
  shopKey: string;
  sku: string;
  held: number;
}

export interface TargetInputs {
  shopKey: string;
  components: readonly ListingComponent[];
  policy: StockPolicy;
  levels: ReadonlyMap<string, SkuLevels>;
  /** Allocations in force now, of every shop. */
  allocations: readonly HeldAllocation[];
}

/** The pool of one SKU for a shop: the available units of the warehouses that feed it. */
export function poolOf(levels: SkuLevels | undefined, warehouses: readonly string[] | undefined): number {
  if (!levels) return 0;
  let sum = 0;
  for (const [warehouse, available] of levels) if (!warehouses || warehouses.includes(warehouse)) sum += Math.max(0, available);
  return sum;
}

function shareOf(free: number, share: StockPolicy['share']): number {
  if (free <= 0) return 0;
  if (share === 'ALL') return free;
  if ('percent' in share) return Math.floor((free * share.percent) / 100);
  if ('fixed' in share) return Math.min(free, share.fixed);
  return free + share.virtualExtra;
}

/** What one shop may show of one SKU. */
export function skuViewOf(sku: string, inputs: Omit<TargetInputs, 'components'>): number {
  const pool = poolOf(inputs.levels.get(sku), inputs.policy.warehouses);
  let heldOwn = 0;
  let heldOthers = 0;
  for (const a of inputs.allocations) {
    if (a.sku !== sku) continue;
    if (a.shopKey === inputs.shopKey) heldOwn += a.held;
    else heldOthers += a.held;
  }
  const forShop = Math.max(0, pool - heldOthers);
  if (forShop <= inputs.policy.floor) return 0;
  const own = Math.min(heldOwn, forShop);
  return shareOf(forShop - own, inputs.policy.share) + own;
}

/** The listing's target: min over its components of floor(view / quantity), capped by the policy's max. */
export function targetOf(inputs: TargetInputs): number {
  if (inputs.components.length === 0) return 0;
  let target = Number.POSITIVE_INFINITY;
  for (const c of inputs.components) target = Math.min(target, Math.floor(skuViewOf(c.sku, inputs) / c.quantity));
  if (inputs.policy.max !== undefined) target = Math.min(target, inputs.policy.max);
  return Math.max(0, target);
}

/** Allocations of a policy that are in force at `now`, with what each still holds given what the shop took since it started. */
export function heldAllocations(shopKey: string, policy: StockPolicy, now: number, taken: (sku: string, since: number) => number): HeldAllocation[] {
  return policy.allocations
    .filter((a) => a.start <= now && now < a.end)
    .map((a) => ({ shopKey, sku: a.sku, held: Math.max(0, a.quantity - taken(a.sku, a.start)) }));
}
