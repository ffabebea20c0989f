import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import pg from 'pg';
import { loadConfig } from '../../app/config.js';
import { CONNECTORS } from '../../connectors/registry.js';
import { type ListingStockRow, listListingStock } from '../../sinks/postgres/query-api/stock-sync-queries.js';
import { publishToTopic } from '../publish-to-topic.js';
import { formatCsvProblems, LISTING_CSV_COLUMNS, parseListingsCsv } from './csv.js';
import { formatListingStatus, parseShopFilter } from './status-table.js';
import { unmappingOf } from './unmapping.js';

const PAGE = 500;

const shopFilter = (v: string) => {
  const shop = parseShopFilter(v);
  if (!shop) throw new InvalidArgumentError('expected channel:shopId, e.g. taobao:tb-1');
  return shop;
};
const knownChannel = (v: string) => {
  if (!(v in CONNECTORS)) throw new InvalidArgumentError(`unknown channel (known: ${Object.keys(CONNECTORS).join(', ')})`);
  return v;
};
const plainId = (v: string) => {
  if (!/^[^:\s]{1,128}$/.test(v)) throw new InvalidArgumentError('expected an id without ":" or whitespace');
  return v;
};

/** Pages through listing_stock (by listing key) until the end. */
async function readAllStock(pool: pg.Pool, schema: string, shop: { channel: string; shopId: string } | undefined): Promise<ListingStockRow[]> {
  const out: ListingStockRow[] = [];
  for (let after: string | undefined; ; ) {
    const page = await listListingStock(pool, schema, shop ?? {}, after, PAGE);
    out.push(...page);
    if (page.length < PAGE) return out;
    after = page.at(-1)!.listing_key;
  }
}

/**
 * `omnistream listings import <file.csv>`, `listings unmap <channel> <shopId> <itemId> <skuId>`,
 * `listings status [--shop channel:shopId]`: listing mappings onto the listing-mappings topic, and
 * each listing's stock as the Postgres projection has it.
 */
export function registerListingsCommand(program: Command): void {
  const listings = program.command('listings').description('map shop listings to merchant SKUs, and see what each listing shows');

  listings
    .command('import')
    .description(
      `publish listing mappings from a CSV (header ${LISTING_CSV_COLUMNS.join(',')}; components SKU, SKU*N or SKU*N+SKU2*M; fields unquoted, so no commas inside): all rows or none`,
    )
    .argument('<file.csv>', 'the CSV file')
    .action(async (file: string) => {
      const result = parseListingsCsv(readFileSync(file, 'utf8'), { now: Date.now(), channels: Object.keys(CONNECTORS) });
      if (!result.ok) {
        console.error(formatCsvProblems(file, result.problems));
        console.error(`nothing published: ${result.problems.length} problem(s)`);
        process.exitCode = 2;
        return;
      }
      await publishToTopic(
        loadConfig(),
        'omnistream-listings',
        'listingMappings',
        result.mappings.map((m) => ({ key: m.listingKey, value: m })),
      );
      console.log(`published ${result.mappings.length} listing mapping(s)`);
    });

  listings
    .command('unmap')
    .description('unmap one listing (stock sync stops pushing stock to it)')
    .argument('<channel>', 'channel, e.g. taobao', knownChannel)
    .argument('<shopId>', 'shop id', plainId)
    .argument('<itemId>', "the platform's item id", plainId)
    .argument('<skuId>', "the platform's SKU id", plainId)
    .action(async (channel: string, shopId: string, itemId: string, skuId: string) => {
      const m = unmappingOf(channel, shopId, itemId, skuId, Date.now());
      await publishToTopic(loadConfig(), 'omnistream-listings', 'listingMappings', [{ key: m.listingKey, value: m }]);
      console.log(`unmapped ${m.listingKey}`);
    });

  listings
    .command('status')
    .description("each listing's target, what the platform was last told and last confirmed, and the last result (from Postgres)")
    .option('--shop <channel:shopId>', 'only this shop', shopFilter)
    .action(async (opts: { shop?: { channel: string; shopId: string } }) => {
      const config = loadConfig();
      const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 1 });
      try {
        console.log(formatListingStatus(await readAllStock(pool, config.OMNISTREAM_PG_SCHEMA, opts.shop)));
      } finally {
        await pool.end();
      }
    });
}
