import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { provinceKey } from '../../lib/regions.js';
import { CARRIERS } from '../../topics/carrier-codes.js';
import { RULES_TIMEZONE, validateCutoff } from './cutoff.js';
import { startOfDay } from './days.js';

/**
 * Routing rules as data (a JSON document, validated here): the SKU catalog, which carriers serve
 * each warehouse at what cost and cut-off, overrides by category, and presale campaigns. The
 * wave planner's rules live in the same document under "waves" (processors/waves/rules.ts).
 */
const cutoff = z
  .string()
  .min(1)
  .superRefine((v, ctx) => {
    try {
      validateCutoff(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `cut-off "${v}": ${(err as Error).message}` });
    }
  });
const province = z
  .string()
  .min(1)
  .refine((p) => provinceKey(p) !== undefined, { message: 'unknown province' });
const carrierCode = z.enum(CARRIERS);

const catchAllSchema = z.object({ carrier: carrierCode, service: z.string().min(1), cutoff });

const costSchema = z.object({
  /** Minor units (fen) per parcel. */
  perParcel: z.number().nonnegative(),
  /** Minor units per started kilogram. */
  perKg: z.number().nonnegative(),
});

const carrierRuleSchema = z.object({
  carrier: carrierCode,
  service: z.string().min(1),
  cutoff,
  /** Province groups or provinces served; "*" for every domestic province. */
  serves: z.array(z.string().min(1)).min(1),
  maxWeightGrams: z.number().int().positive(),
  /** Cost by destination province group; "*" for any other served destination. */
  costs: z.record(z.string(), costSchema),
});

const warehouseRulesSchema = z.object({
  carriers: z.array(carrierRuleSchema),
  /** Used, flagged, when none of the carriers serves the parcel. */
  catchAll: catchAllSchema,
});

export const routingRulesSchema = z
  .object({
    /** Name of the timezone cut-offs and campaign days are read in. */
    timezone: z.literal(RULES_TIMEZONE).default(RULES_TIMEZONE),
    provinceGroups: z.record(z.string(), z.array(province)),
    /** `match`: a SKU, or a prefix ending in "*". The longest match wins. */
    catalog: z.array(z.object({ match: z.string().min(1), weightGrams: z.number().int().nonnegative(), category: z.string().min(1) })),
    /** Weight assumed for a SKU missing from the catalog. */
    defaultWeightGrams: z.number().int().nonnegative().default(500),
    /** For warehouses missing from `warehouses` (flagged). */
    defaultCarrier: catchAllSchema,
    warehouses: z.record(z.string(), warehouseRulesSchema),
    /** A parcel holding a line of `category` goes with `carrier`/`service` only (first match wins). */
    overrides: z.array(z.object({ category: z.string().min(1), carrier: carrierCode, service: z.string().min(1) })).default([]),
    /** Presale SKUs (or prefixes ending in "*") and the day they ship from ("YYYY-MM-DD", rules' timezone). */
    presale: z.array(z.object({ match: z.string().min(1), shipFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) })).default([]),
    /** The wave planner's section, validated by processors/waves/rules.ts. */
    waves: z.unknown().optional(),
  })
  .superRefine((doc, ctx) => {
    for (const [wh, rules] of Object.entries(doc.warehouses)) {
      for (const c of rules.carriers) {
        for (const s of c.serves) {
          if (s !== '*' && !(s in doc.provinceGroups) && provinceKey(s) === undefined)
            ctx.addIssue({ code: 'custom', path: ['warehouses', wh], message: `${c.carrier} serves "${s}": neither a province group nor a province` });
        }
        for (const g of Object.keys(c.costs)) {
          if (g !== '*' && !(g in doc.provinceGroups))
            ctx.addIssue({ code: 'custom', path: ['warehouses', wh], message: `${c.carrier} has a cost for unknown province group "${g}"` });
        }
      }
    }
  });

export type RoutingRules = z.infer<typeof routingRulesSchema>;
export type CarrierRule = z.infer<typeof carrierRuleSchema>;
export type CatchAllRule = z.infer<typeof catchAllSchema>;

export const DEFAULT_RULES_PATH = new URL('./rules.default.json', import.meta.url);

/** Validates a rules document; the error names every problem with its path. */
export function parseRoutingRules(doc: unknown): RoutingRules {
  const parsed = routingRulesSchema.safeParse(doc);
  if (!parsed.success) throw new Error(`invalid routing rules: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Reads the rules from `path` (OMNISTREAM_ROUTING_RULES), or the default document when none is given. */
export function loadRoutingRules(path?: string): RoutingRules {
  return parseRoutingRules(readRulesDocument(path));
}

/** The raw JSON document (the wave planner reads its own section from it). */
export function readRulesDocument(path?: string): unknown {
  const source = path ? path : DEFAULT_RULES_PATH;
  try {
    return JSON.parse(readFileSync(source, 'utf8')) as unknown;
  } catch (err) {
    throw new Error(`cannot read routing rules from ${String(source)}: ${(err as Error).message}`);
  }
}

function longestMatch<T extends { match: string }>(entries: T[], sku: string): T | undefined {
  let best: T | undefined;
  let bestLength = -1;
  for (const e of entries) {
    const exact = e.match === sku;
    const prefix = e.match.endsWith('*') && sku.startsWith(e.match.slice(0, -1));
    const length = exact ? Number.MAX_SAFE_INTEGER : prefix ? e.match.length - 1 : -1;
    if (length > bestLength) {
      best = e;
      bestLength = length;
    }
  }
  return best;
}

/** Catalog facts of a SKU; unknown SKUs get the default weight and category "". */
export function skuInfo(rules: RoutingRules, sku: string): { weightGrams: number; category: string; known: boolean } {
  const e = longestMatch(rules.catalog, sku);
  return e ? { weightGrams: e.weightGrams, category: e.category, known: true } : { weightGrams: rules.defaultWeightGrams, category: '', known: false };
}

/** Start of the campaign's ship-from day (epoch ms) for a presale SKU, or null when no campaign covers it. */
export function campaignShipFrom(rules: RoutingRules, sku: string): number | null {
  const e = longestMatch(rules.presale, sku);
  return e ? startOfDay(e.shipFrom, rules.timezone) : null;
}
