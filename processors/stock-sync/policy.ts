import { z } from 'zod';

/*
 * A shop's stock policy, as data. What a shop may show of the pool (the available stock of the
 * warehouses that feed it, less what exclusive allocations hold for other shops):
 *
 *   share        ALL (default) | { percent: 0–100 } | { fixed: N } (at most N) | { virtualExtra: N } (N more than the pool)
 *   floor        show 0 once the pool is at or below N (a buffer against channel-side lag)
 *   max          never show more than N
 *   warehouses   only these warehouses feed the shop (default: all)
 *   allocations  N units of a SKU held for this shop alone between start and end (an activity, a
 *                live stream); other shops do not see them meanwhile, and they return to the pool at the end
 *   onUnfillable what happens to a paid order the hub cannot fill: CANCEL it at the channel, or HOLD it for a person
 */
const nonNegativeInt = z.number().int().nonnegative();

const share = z.union([
  z.literal('ALL'),
  z.object({ percent: z.number().min(0).max(100) }).strict(),
  z.object({ fixed: nonNegativeInt }).strict(),
  z.object({ virtualExtra: nonNegativeInt }).strict(),
]);

const isoTime = z.iso.datetime({ offset: true }).transform((text) => Date.parse(text));

const allocation = z
  .object({
    sku: z.string().min(1),
    quantity: z.number().int().positive(),
    start: isoTime,
    end: isoTime,
    label: z.string().optional(),
  })
  .strict()
  .refine((a) => a.end > a.start, { message: 'an allocation must end after it starts' });

export const stockPolicySchema = z
  .object({
    share: share.default('ALL'),
    floor: nonNegativeInt.default(0),
    max: nonNegativeInt.optional(),
    warehouses: z.array(z.string().min(1)).min(1).optional(),
    allocations: z.array(allocation).default([]),
    onUnfillable: z.enum(['CANCEL', 'HOLD']).default('HOLD'),
  })
  .strict();

export type StockPolicy = z.output<typeof stockPolicySchema>;
export type Allocation = StockPolicy['allocations'][number];

export const DEFAULT_POLICY: StockPolicy = stockPolicySchema.parse({});

/** A policy document → the policy, or an error naming each wrong field. */
export function parseStockPolicy(input: unknown): { ok: true; policy: StockPolicy } | { ok: false; reason: string } {
  const parsed = stockPolicySchema.safeParse(input);
  if (parsed.success) return { ok: true, policy: parsed.data };
  return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(policy)'}: ${i.message}`).join('; ') };
}

/** The policy travelling as JSON on the stock-policies topic (checked again when read: nothing unchecked is applied). */
export function policyFromJson(text: string): { ok: true; policy: StockPolicy } | { ok: false; reason: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  return parseStockPolicy(doc);
}

/** The JSON form of a policy (dates as ISO text again), so it parses back to the same policy. */
export function policyToJson(policy: StockPolicy): string {
  return JSON.stringify({
    ...policy,
    allocations: policy.allocations.map((a) => ({ ...a, start: new Date(a.start).toISOString(), end: new Date(a.end).toISOString() })),
  });
}
