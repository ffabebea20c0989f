import type pg from 'pg';

/**
 * Columns that hold the wall clock of the write, not anything from the log, so no two builds of the
 * projection can agree on them. Only one today: `order_timeline.recorded_at` (`default now()` in
 * 001_orders_and_stock.sql; writeProjection never sets it).
 */
export const WALL_CLOCK_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  order_timeline: ['recorded_at'],
};

/** Bookkeeping, not projection: its applied_at is the migration's wall clock. */
const NOT_PROJECTION = new Set(['schema_migrations']);

const IDENT = /^[a-z_][a-z0-9_]*$/;
export function assertIdentifier(name: string, what = 'schema'): string {
  if (!IDENT.test(name) || name.length > 63) throw new Error(`invalid ${what} name ${JSON.stringify(name)}: lower-case letters, digits and _ only`);
  return name;
}
const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

export interface TableShape {
  table: string;
  primaryKey: string[];
  /** Compared columns, in table order (excluded ones removed). */
  columns: string[];
  excluded: string[];
}

/** The projection tables of a schema (every base table but schema_migrations), with their keys and columns. */
export async function projectionTables(
  pool: pg.Pool,
  schema: string,
  exclude: Readonly<Record<string, readonly string[]>> = WALL_CLOCK_COLUMNS,
): Promise<TableShape[]> {
  assertIdentifier(schema);
  const tables = (
    await pool.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' order by table_name`,
      [schema],
    )
  ).rows
    .map((r) => r.table_name)
    .filter((t) => !NOT_PROJECTION.has(t));
  const out: TableShape[] = [];
  for (const table of tables) {
    const cols = (
      await pool.query<{ column_name: string }>(
        `select column_name from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position`,
        [schema, table],
      )
    ).rows.map((r) => r.column_name);
    const pk = (
      await pool.query<{ attname: string }>(
        `select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = $1::regclass and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)`,
        [`${q(schema)}.${q(table)}`],
      )
    ).rows.map((r) => r.attname);
    if (pk.length === 0) throw new Error(`${schema}.${table} has no primary key: cannot compare it row by row`);
    const skip = exclude[table] ?? [];
    out.push({ table, primaryKey: pk, columns: cols.filter((c) => !skip.includes(c)), excluded: cols.filter((c) => skip.includes(c)) });
  }
  return out;
}

export interface TableDiff {
  table: string;
  rowsA: number;
  rowsB: number;
  /** In a, not in b (by primary key). */
  missing: number;
  /** In b, not in a. */
  extra: number;
  /** Same key, some compared column differs. */
  differing: number;
  /** Per column: how many of the differing rows differ in it. */
  differingColumns: Record<string, number>;
  samples: { missing: string[]; extra: string[]; differing: string[] };
  /** Columns one side has and the other does not (not compared). */
  columnMismatch: string[];
  excluded: string[];
}

export interface SchemaComparison {
  a: string;
  b: string;
  tables: TableDiff[];
  /** Tables present on one side only. */
  tablesOnlyIn: { a: string[]; b: string[] };
  identical: boolean;
}

/**
 * Compares every projection table of schema `a` (the reference, e.g. live) with `b` (e.g. a
 * replay) row by row, joined on the primary key: rows missing from b, extra in b, and rows whose
 * compared columns differ (with per-column counts and a few sample keys). Wall-clock columns
 * (WALL_CLOCK_COLUMNS) are left out unless `exclude` says otherwise.
 */
export async function compareSchemas(
  pool: pg.Pool,
  a: string,
  b: string,
  opts: { exclude?: Readonly<Record<string, readonly string[]>>; samples?: number } = {},
): Promise<SchemaComparison> {
  assertIdentifier(a);
  assertIdentifier(b);
  const exclude = opts.exclude ?? WALL_CLOCK_COLUMNS;
  const samples = opts.samples ?? 5;
  const ta = await projectionTables(pool, a, exclude);
  const tb = await projectionTables(pool, b, exclude);
  const byName = new Map(tb.map((t) => [t.table, t]));
  const tables: TableDiff[] = [];
  for (const sa of ta) {
    const sb = byName.get(sa.table);
    if (!sb) continue;
    const shared = sa.columns.filter((c) => sb.columns.includes(c));
    const columnMismatch = [...sa.columns.filter((c) => !sb.columns.includes(c)), ...sb.columns.filter((c) => !sa.columns.includes(c))];
    const pk = sa.primaryKey;
    if (pk.join() !== sb.primaryKey.join()) throw new Error(`${sa.table}: primary keys differ (${pk.join()} vs ${sb.primaryKey.join()})`);
    const rest = shared.filter((c) => !pk.includes(c));
    const join = `(select true as "__p", * from ${q(a)}.${q(sa.table)}) x full join (select true as "__p", * from ${q(b)}.${q(sa.table)}) y using (${pk.map(q).join(', ')})`;
    const rowDiff = rest.length ? `row(${rest.map((c) => `x.${q(c)}`).join(', ')}) is distinct from row(${rest.map((c) => `y.${q(c)}`).join(', ')})` : 'false';
    const kind = `case when y."__p" is null then 'missing' when x."__p" is null then 'extra' when ${rowDiff} then 'differing' end`;
    const keyText = `concat_ws(' | ', ${pk.map((c) => `${q(c)}::text`).join(', ')})`;
    const counts = (
      await pool.query<Record<string, string>>(
        `select count(*) filter (where x."__p") as "rowsA", count(*) filter (where y."__p") as "rowsB",
              count(*) filter (where y."__p" is null) as missing, count(*) filter (where x."__p" is null) as extra,
              count(*) filter (where x."__p" and y."__p" and ${rowDiff}) as differing
              ${rest.map((c, i) => `, count(*) filter (where x."__p" and y."__p" and x.${q(c)} is distinct from y.${q(c)}) as "c${i}"`).join('')}
         from ${join}`,
      )
    ).rows[0]!;
    const diff: TableDiff = {
      table: sa.table,
      rowsA: Number(counts.rowsA),
      rowsB: Number(counts.rowsB),
      missing: Number(counts.missing),
      extra: Number(counts.extra),
      differing: Number(counts.differing),
      differingColumns: Object.fromEntries(rest.map((c, i) => [c, Number(counts[`c${i}`])]).filter(([, n]) => (n as number) > 0)),
      samples: { missing: [], extra: [], differing: [] },
      columnMismatch,
      excluded: [...new Set([...sa.excluded, ...sb.excluded])],
    };
    if (diff.missing + diff.extra + diff.differing > 0) {
      const rows = (
        await pool.query<{ kind: 'missing' | 'extra' | 'differing'; key: string }>(
          `select kind, key from (
           select kind, key, row_number() over (partition by kind order by key) as n
             from (select ${kind} as kind, ${keyText} as key from ${join}) d where kind is not null) s
          where n <= $1 order by kind, key`,
          [samples],
        )
      ).rows;
      for (const r of rows) diff.samples[r.kind].push(r.key);
    }
    tables.push(diff);
  }
  const tablesOnlyIn = {
    a: ta.filter((t) => !byName.has(t.table)).map((t) => t.table),
    b: tb.filter((t) => !ta.some((x) => x.table === t.table)).map((t) => t.table),
  };
  const identical =
    tablesOnlyIn.a.length === 0 &&
    tablesOnlyIn.b.length === 0 &&
    tables.every((t) => t.missing === 0 && t.extra === 0 && t.differing === 0 && t.columnMismatch.length === 0);
  return { a, b, tables, tablesOnlyIn, identical };
}

/**
 * One md5 per projection table over its rows in primary-key order (each row as Postgres's row text
 * of the compared columns, wall-clock columns left out): equal digests mean byte-identical rows.
 */
export async function tableDigests(
  pool: pg.Pool,
  schema: string,
  exclude: Readonly<Record<string, readonly string[]>> = WALL_CLOCK_COLUMNS,
): Promise<Record<string, { rows: number; md5: string }>> {
  const out: Record<string, { rows: number; md5: string }> = {};
  for (const t of await projectionTables(pool, schema, exclude)) {
    const r = (
      await pool.query<{ rows: string; md5: string | null }>(
        `select count(*) as rows, md5(string_agg(md5(row(${t.columns.map(q).join(', ')})::text), '' order by ${t.primaryKey.map(q).join(', ')})) as md5
         from ${q(schema)}.${q(t.table)}`,
      )
    ).rows[0]!;
    out[t.table] = { rows: Number(r.rows), md5: r.md5 ?? md5Empty };
  }
  return out;
}
const md5Empty = 'd41d8cd98f00b204e9800998ecf8427e';

/** A plain-text report of a comparison, one line per table, then sample keys. */
export function formatComparison(c: SchemaComparison): string {
  const out = [`compare ${c.a} (a) with ${c.b} (b): ${c.identical ? 'identical' : 'DIFFERENT'}`];
  const head = ['table', 'rows a', 'rows b', 'missing', 'extra', 'differing'];
  const rows = c.tables.map((t) => [t.table, t.rowsA, t.rowsB, t.missing, t.extra, t.differing].map(String));
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ');
  out.push(line(head), ...rows.map(line));
  for (const t of c.tables) {
    for (const k of ['missing', 'extra', 'differing'] as const) {
      if (t.samples[k].length)
        out.push(
          `${t.table} ${k}${k === 'missing' ? ' from b' : k === 'extra' ? ' in b' : ''}: ${t.samples[k].join(', ')}${t[k] > t.samples[k].length ? ', …' : ''}`,
        );
    }
    if (Object.keys(t.differingColumns).length)
      out.push(
        `${t.table} differing columns: ${Object.entries(t.differingColumns)
          .map(([col, n]) => `${col} (${n})`)
          .join(', ')}`,
      );
    if (t.columnMismatch.length) out.push(`${t.table} columns on one side only (not compared): ${t.columnMismatch.join(', ')}`);
    if (t.excluded.length) out.push(`${t.table} not compared (wall clock): ${t.excluded.join(', ')}`);
  }
  if (c.tablesOnlyIn.a.length) out.push(`tables only in ${c.a}: ${c.tablesOnlyIn.a.join(', ')}`);
  if (c.tablesOnlyIn.b.length) out.push(`tables only in ${c.b}: ${c.tablesOnlyIn.b.join(', ')}`);
  return out.join('\n');
}
