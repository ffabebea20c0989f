import type { ListingComponent } from '../../topics/schemas/listing-mapping.js';

/** The most units of one SKU a listing may bundle: anything larger is a typo, not a bundle. */
export const MAX_BUNDLE_UNITS = 10_000;

const PART = /^([^\s*+,:"]+)(?:\*(\d+))?$/;

/**
 * `SKU*N+SKU2*M` (or `SKU` for one unit) → the components, or why not. A SKU may not hold
 * whitespace or `* + , : "`; the same SKU twice is refused (write `SKU*2`).
 */
export function parseComponents(text: string): { ok: true; components: ListingComponent[] } | { ok: false; reason: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: 'no components (expected SKU, SKU*N or SKU*N+SKU2*M)' };
  const components: ListingComponent[] = [];
  for (const raw of trimmed.split('+')) {
    const part = raw.trim();
    const m = PART.exec(part);
    if (!m) return { ok: false, reason: `"${part}" is not SKU or SKU*N` };
    const sku = m[1]!;
    const quantity = m[2] === undefined ? 1 : Number(m[2]);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_BUNDLE_UNITS) {
      return { ok: false, reason: `${sku}: units must be 1–${MAX_BUNDLE_UNITS}, got ${m[2]}` };
    }
    if (components.some((c) => c.sku === sku)) return { ok: false, reason: `${sku} appears twice (write ${sku}*N)` };
    components.push({ sku, quantity });
  }
  return { ok: true, components };
}

/** The inverse of parseComponents, for printing. */
export const formatComponents = (components: readonly ListingComponent[]): string =>
  components.map((c) => (c.quantity === 1 ? c.sku : `${c.sku}*${c.quantity}`)).join('+');
