/**
 * A benchmark's bulk load bypasses the evaluation's fact triggers (migration 0031) and derives the
 * facts of the loaded cases once afterwards, as the migration does for an existing record — the
 * triggers would rewrite each case at commit, one by one. Used by bench/cases.ts and
 * bench/evaluation.ts.
 */
import { type SQL, sql } from 'drizzle-orm';
import { compactSums } from '../../server/modules/evaluation/index.ts';
import type { Database } from '../../server/platform/db.ts';

/** Turns the fact-marking triggers off; returns what turns them on again. */
export async function pauseFactTriggers(db: Database): Promise<() => Promise<void>> {
  const triggers = await db.query<{ tab: string; name: string }>(sql`
    SELECT c.relname AS tab, t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE t.tgname LIKE 'evaluation_fact_%' AND c.relname <> 'evaluation_fact_dirty'`);
  const alter = (verb: string) => async () => {
    for (const t of triggers) await db.query(sql.raw(`ALTER TABLE "${t.tab}" ${verb} TRIGGER ${t.name}`));
  };
  await alter('DISABLE')();
  return alter('ENABLE');
}

/** Derives the facts (and their day sums) of the cases `where` selects (a condition on `case_file`); returns seconds. */
export async function deriveFacts(db: Database, where: SQL = sql`true`): Promise<number> {
  const start = Date.now();
  await db.query(sql`SELECT evaluation_fact_refresh(array_agg(id)) FROM case_file WHERE ${where}`);
  // The refresh appended the day sums' deltas (evaluation/sums.ts): folded in, as the server does.
  await compactSums(db.db);
  return (Date.now() - start) / 1000;
}
