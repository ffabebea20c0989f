import type { Command } from 'commander';
import pg from 'pg';
import { loadConfig } from '../../app/config.js';
import { type HubExceptionRow, listHubExceptions } from '../../sinks/postgres/query-api/stock-sync-queries.js';
import { formatExceptionTable } from './table.js';

const PAGE = 500;

/** Pages through hub_exceptions (newest first) until the end. */
async function readAll(pool: pg.Pool, schema: string, open: boolean): Promise<HubExceptionRow[]> {
  const out: HubExceptionRow[] = [];
  for (let after: { at: Date; id: string } | undefined; ; ) {
    const page = await listHubExceptions(pool, schema, { open }, after, PAGE);
    out.push(...page);
    if (page.length < PAGE) return out;
    const last = page.at(-1)!;
    after = { at: last.at, id: last.exception_id };
  }
}

/** `omnistream exceptions [--open]`: what needs a person (unfillable paid orders, unmapped lines and listings), from Postgres. */
export function registerExceptionsCommand(program: Command): void {
  program
    .command('exceptions')
    .description('list hub exceptions: paid orders the hub cannot fill, order lines and listings without a mapping (from Postgres)')
    .option('--open', 'only those waiting for a person', false)
    .action(async (opts: { open: boolean }) => {
      const config = loadConfig();
      const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 1 });
      try {
        console.log(formatExceptionTable(await readAll(pool, config.OMNISTREAM_PG_SCHEMA, opts.open), Date.now()));
      } finally {
        await pool.end();
      }
    });
}
