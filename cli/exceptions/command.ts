import type { Command } from 'commander';
import pg from 'pg';
import { loadConfig } from '../../app/config.js';
import { getHubException, type HubExceptionRow, listHubExceptions } from '../../sinks/postgres/query-api/stock-sync-queries.js';
import { publishToTopic } from '../publish-to-topic.js';
import { decide } from './actions.js';
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

/**
 * `omnistream exceptions [list] [--open]`: what needs a person (unfillable paid orders, unmapped lines
 * and listings), from Postgres; `exceptions cancel|resolve <id> --by <person>`: a person's decision.
 */
export function registerExceptionsCommand(program: Command): void {
  const exceptions = program
    .command('exceptions')
    .description('the exception queue: paid orders the hub cannot fill, order lines and listings without a mapping');
  exceptions
    .command('list', { isDefault: true })
    .description('list hub exceptions, newest first (from Postgres)')
    .option('--open', 'only those waiting for a person (OPEN, CANCEL_FAILED)', false)
    .action(async (opts: { open: boolean }) => {
      const config = loadConfig();
      const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 1 });
      try {
        console.log(formatExceptionTable(await readAll(pool, config.OMNISTREAM_PG_SCHEMA, opts.open), Date.now()));
      } finally {
        await pool.end();
      }
    });

  for (const action of ['cancel', 'resolve'] as const) {
    exceptions
      .command(action)
      .description(
        action === 'cancel'
          ? 'cancel a held paid order at its channel (its cancel, refund or out-of-stock API, through sync-back)'
          : 'close an exception handled elsewhere (e.g. in the seller console)',
      )
      .argument('<exceptionId>', 'as listed, e.g. paid-unfillable:taobao:tb-1:123')
      .requiredOption('--by <person>', 'who decides (kept on the exception)')
      .option('--note <text>', 'why, kept on the exception')
      .action(async (exceptionId: string, opts: { by: string; note?: string }) => {
        const config = loadConfig();
        const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 1 });
        let row: HubExceptionRow | null;
        try {
          row = await getHubException(pool, config.OMNISTREAM_PG_SCHEMA, exceptionId);
        } finally {
          await pool.end();
        }
        const decided = row ? decide(row, action, opts.by, opts.note, Date.now()) : { ok: false as const, reason: `no exception ${exceptionId}` };
        if (!decided.ok) {
          console.error(decided.reason);
          process.exitCode = 2;
          return;
        }
        const { exception, command } = decided.value;
        await publishToTopic(config, 'omnistream-exceptions', 'hubExceptions', [{ key: exception.subject, value: exception }]);
        if (command) await publishToTopic(config, 'omnistream-exceptions', 'channelCommands', [{ key: command.orderKey, value: command }]);
        console.log(`${exceptionId}: ${exception.state}`);
      });
  }
}
