import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/**
 * Applies the numbered SQL files in migrations/ that the schema has not seen, each in its own
 * transaction, under an advisory lock so two starting sinks cannot race. Returns what it applied.
 */
export async function migrate(pool: pg.Pool, schema: string): Promise<string[]> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`omnistream-migrate:${schema}`]);
    await client.query(`create schema if not exists ${schema}`);
    await client.query(`create table if not exists ${schema}.schema_migrations (version text primary key, applied_at timestamptz not null default now())`);
    const done = new Set((await client.query<{ version: string }>(`select version from ${schema}.schema_migrations`)).rows.map((r) => r.version));
    for (const file of files) {
      if (done.has(file)) continue;
      await client.query('begin');
      try {
        await client.query(`set local search_path to ${schema}`);
        await client.query(readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8'));
        await client.query(`insert into ${schema}.schema_migrations (version) values ($1)`, [file]);
        await client.query('commit');
        applied.push(file);
      } catch (err) {
        await client.query('rollback');
        throw new Error(`migration ${file} failed: ${(err as Error).message}`);
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', [`omnistream-migrate:${schema}`]).catch(() => {});
    client.release();
  }
  return applied;
}
