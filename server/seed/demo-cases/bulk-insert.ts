/**
 * The seed's bulk insert. Thousands of demo cases make tens of thousands of rows; row-by-row
 * inserts (or one bind parameter per value) would make the first start slow on both drivers.
 */
import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../../platform/db.ts';

/**
 * Multi-row insert through one JSON parameter (`jsonb_to_recordset`): thousands of rows per
 * statement without thousands of bind parameters, the fastest bulk path both drivers share. The
 * columns and their SQL types come from the Drizzle table: every column the rows carry (by its
 * property name), and every column without a database default (written null when absent); the
 * others (generated ids, tracking codes) are left to the database. `overriding` is put after the
 * column list (`OVERRIDING SYSTEM VALUE` to write identity ids); `orderBy` names a key of the rows
 * that orders the insert (so identity ids follow it) without being written.
 */
export async function insertJson(
  tx: Db,
  table: PgTable,
  rows: readonly object[],
  overriding = '',
  orderBy?: string,
) {
  if (rows.length === 0) return;
  const carried = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) carried.add(k);
  const cols = Object.entries(getTableColumns(table))
    .filter(([key, c]) => carried.has(key) || !c.hasDefault)
    .map(([key, c]) => ({ key, name: c.name, type: c.getSQLType() }));
  const defs = [...cols.map((c) => `"${c.name}" ${c.type}`), ...(orderBy ? [`"${orderBy}" int`] : [])].join(
    ', ',
  );
  const list = cols.map((c) => `"${c.name}"`).join(', ');
  for (let i = 0; i < rows.length; i += 5000) {
    const batch = rows.slice(i, i + 5000).map((r) => {
      const o: Record<string, unknown> = {};
      for (const c of cols) o[c.name] = (r as Record<string, unknown>)[c.key] ?? null;
      if (orderBy) o[orderBy] = (r as Record<string, unknown>)[orderBy];
      return o;
    });
    await tx.execute(
      sql`INSERT INTO ${sql.raw(`"${getTableName(table)}" (${list}) ${overriding}`)} SELECT ${sql.raw(list)}
        FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) AS x(${sql.raw(defs)})
        ${sql.raw(orderBy ? `ORDER BY "${orderBy}"` : '')}`,
    );
  }
}
