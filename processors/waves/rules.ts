import { z } from 'zod';
import { provinceKey } from '../../lib/regions.js';
import { RULES_TIMEZONE } from '../routing/cutoff.js';
import { readRulesDocument } from '../routing/rules.js';

/**
 * Wave rules as data: the "waves" section of the routing rules document. Region groups default to
 * the document's province groups.
 */
export const waveRulesSchema = z.object({
  timezone: z.literal(RULES_TIMEZONE).default(RULES_TIMEZONE),
  /** A wave is released this long before its carrier's cut-off, to pick and pack in time. */
  leadMinutes: z.number().int().nonnegative().default(30),
  /** A wave this large is released at once (presale: closed, and released on its day). */
  maxSize: z.number().int().positive().default(200),
  regionGroups: z.record(
    z.string(),
    z.array(
      z
        .string()
        .min(1)
        .refine((p) => provinceKey(p) !== undefined, { message: 'unknown province' }),
    ),
  ),
  /** Categories waves know; a parcel whose main category is not one of them goes to the catch-all wave. */
  categories: z.array(z.string().min(1)).min(1),
  /** Categories that may share a wave, by group name; a category in no group has waves of its own. */
  mixGroups: z.record(z.string(), z.array(z.string().min(1))).default({}),
});

export type WaveRules = z.infer<typeof waveRulesSchema>;

export function parseWaveRules(section: unknown): WaveRules {
  const parsed = waveRulesSchema.safeParse(section);
  if (!parsed.success) throw new Error(`invalid wave rules: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The "waves" section of the rules document at `path` (OMNISTREAM_ROUTING_RULES), or of the default one. */
export function loadWaveRules(path?: string): WaveRules {
  const doc = readRulesDocument(path) as { waves?: Record<string, unknown>; provinceGroups?: unknown };
  if (!doc.waves) throw new Error('the routing rules document has no "waves" section');
  return parseWaveRules({ regionGroups: doc.provinceGroups, ...doc.waves });
}
