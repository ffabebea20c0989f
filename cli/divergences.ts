import { type Command, InvalidArgumentError } from 'commander';
import pg from 'pg';
import { loadConfig } from '../app/config.js';
import { formatDivergenceTable } from '../sinks/postgres/divergence-table.js';
import { type DivergenceRow, listDivergences } from '../sinks/postgres/query-api/fulfilment-queries.js';
import { divergenceOut } from '../sinks/postgres/query-api/fulfilment-routes.js';
import { DIVERGENCE_TYPES, type DivergenceType } from '../topics/schemas/divergence-event.js';

interface DivergencesCliOptions {
  all: boolean;
  type?: DivergenceType;
  channel?: string;
  json: boolean;
}

const divergenceType = (v: string): DivergenceType => {
  const t = v.toUpperCase();
  if (!(DIVERGENCE_TYPES as readonly string[]).includes(t)) throw new InvalidArgumentError(`expected one of ${DIVERGENCE_TYPES.join(', ')}`);
  return t as DivergenceType;
};
const channelName = (v: string) => {
  if (!/^[a-z0-9_-]{1,32}$/.test(v)) throw new InvalidArgumentError('expected a channel name, e.g. taobao');
  return v;
};

/** Pages through the projection (keyset, newest opened first) until the end. */
async function readAll(pool: pg.Pool, schema: string, opts: DivergencesCliOptions): Promise<DivergenceRow[]> {
  const out: DivergenceRow[] = [];
  const filters = { type: opts.type, channel: opts.channel, state: opts.all ? ('all' as const) : ('open' as const) };
  for (let after: { at: string; key: string } | undefined; ; ) {
    const page = await listDivergences(pool, schema, filters, after, 500);
    out.push(...page);
    if (page.length < 500) return out;
    const last = page.at(-1)!;
    after = { at: last.cursor_at, key: last.divergence_id };
  }
}

/**
 * `omnistream divergences [--all] [--type T] [--channel C] [--json]`: the open (or all) divergences
 * from the Postgres projection, as a table (order key, type, since, age, views, action, state) or JSON.
 */
export function registerDivergencesCommand(program: Command): void {
  program
    .command('divergences')
    .description('list open divergences between the channel, hub, warehouse and carrier views of orders (from Postgres)')
    .option('--all', 'resolved ones too', false)
    .option('--type <type>', `only this type (${DIVERGENCE_TYPES.join(', ')})`, divergenceType)
    .option('--channel <channel>', 'only this channel', channelName)
    .option('--json', "JSON, one array (the query API's shape)", false)
    .action(async (opts: DivergencesCliOptions) => {
      const config = loadConfig();
      const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 1 });
      try {
        const rows = await readAll(pool, config.OMNISTREAM_PG_SCHEMA, opts);
        console.log(opts.json ? JSON.stringify(rows.map(divergenceOut), null, 2) : formatDivergenceTable(rows, Date.now()));
      } finally {
        await pool.end();
      }
    });
}
