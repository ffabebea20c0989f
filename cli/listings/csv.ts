import { z } from 'zod';
import { type ListingComponent, type ListingMapping, listingKeyOf } from '../../topics/schemas/listing-mapping.js';
import { parseComponents } from './components.js';

export const LISTING_CSV_COLUMNS = ['channel', 'shop_id', 'item_id', 'sku_id', 'components'] as const;

/** What is wrong, where: `line` counts from 1 (the header is line 1), `column` is a header name or null for the whole line. */
export interface CsvProblem {
  line: number;
  column: string | null;
  message: string;
}

export type ListingsCsvResult = { ok: true; mappings: ListingMapping[] } | { ok: false; problems: CsvProblem[] };

// Ids end up in the listing key channel:shopId:itemId:skuId, so a colon would make keys ambiguous.
const id = z
  .string()
  .min(1, 'is empty')
  .max(128, 'is longer than 128 characters')
  .regex(/^[^:\s]*$/, 'may not hold ":" or whitespace');

const rowSchema = (channels: readonly string[] | undefined) =>
  z.object({
    channel: z
      .string()
      .regex(/^[a-z0-9_-]{1,32}$/, 'expected a channel name, e.g. taobao')
      .refine((c) => !channels || channels.includes(c), { message: `unknown channel (known: ${channels?.join(', ')})` }),
    shop_id: id,
    item_id: id,
    sku_id: id,
    components: z.string().transform((text, ctx): ListingComponent[] => {
      const parsed = parseComponents(text);
      if (parsed.ok) return parsed.components;
      ctx.addIssue({ code: 'custom', message: parsed.reason });
      return z.NEVER;
    }),
  });

/**
 * A listings CSV → ListingMapping records (source CSV), all or nothing: every problem is reported,
 * and any problem means no mapping. The format is deliberately simple: a header naming the five
 * columns (any order), one listing a line, fields separated by commas and never quoted (no field
 * may hold a comma or a quote), blank lines ignored, a UTF-8 BOM and CRLF line ends accepted.
 */
export function parseListingsCsv(text: string, opts: { now: number; channels?: readonly string[] }): ListingsCsvResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) return { ok: false, problems: [{ line: 1, column: null, message: `empty file (expected the header ${LISTING_CSV_COLUMNS.join(',')})` }] };
  const header = lines[headerAt]!.split(',').map((h) => h.trim().toLowerCase());
  const headerProblems = headerIssues(header).map((message) => ({ line: headerAt + 1, column: null, message }));
  if (headerProblems.length > 0) return { ok: false, problems: headerProblems };

  const schema = rowSchema(opts.channels);
  const problems: CsvProblem[] = [];
  const mappings: ListingMapping[] = [];
  const seen = new Map<string, number>();
  for (let i = headerAt + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    if (raw.includes('"')) {
      problems.push({ line, column: null, message: 'quoted fields are not supported (no field may hold a quote or a comma)' });
      continue;
    }
    const fields = raw.split(',').map((f) => f.trim());
    if (fields.length !== header.length) {
      problems.push({ line, column: null, message: `${fields.length} fields, expected ${header.length} (${header.join(',')})` });
      continue;
    }
    const parsed = schema.safeParse(Object.fromEntries(header.map((h, j) => [h, fields[j]])));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ line, column: String(issue.path[0] ?? '') || null, message: issue.message });
      continue;
    }
    const r = parsed.data;
    const listingKey = listingKeyOf(r.channel, r.shop_id, r.item_id, r.sku_id);
    const first = seen.get(listingKey);
    if (first !== undefined) {
      problems.push({ line, column: null, message: `the listing ${listingKey} is already on line ${first}` });
      continue;
    }
    seen.set(listingKey, line);
    mappings.push({
      listingKey,
      channel: r.channel,
      shopId: r.shop_id,
      itemId: r.item_id,
      skuId: r.sku_id,
      components: r.components,
      source: 'CSV',
      deleted: false,
      updatedAt: opts.now,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  if (mappings.length === 0) return { ok: false, problems: [{ line: headerAt + 1, column: null, message: 'no listings after the header' }] };
  return { ok: true, mappings };
}

function headerIssues(header: string[]): string[] {
  const issues: string[] = [];
  const missing = LISTING_CSV_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter((h) => !(LISTING_CSV_COLUMNS as readonly string[]).includes(h));
  const repeated = header.filter((h, i) => header.indexOf(h) !== i);
  if (missing.length > 0) issues.push(`header: missing column(s) ${missing.join(', ')}`);
  if (unknown.length > 0) issues.push(`header: unknown column(s) ${unknown.join(', ')}`);
  if (repeated.length > 0) issues.push(`header: repeated column(s) ${[...new Set(repeated)].join(', ')}`);
  return issues;
}

/** "line 3, column components: ..." one problem a line. */
export const formatCsvProblems = (file: string, problems: readonly CsvProblem[]): string =>
  problems.map((p) => `${file}: line ${p.line}${p.column ? `, column ${p.column}` : ''}: ${p.message}`).join('\n');
