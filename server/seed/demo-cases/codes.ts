/**
 * Case codes (district + China date + sequence), given once every case of the run is built: the
 * sequence follows creation time across the whole run, as if the cases had been reported live,
 * and one block of the server's own sequence is taken so later live cases continue after it.
 */
import { sql } from 'drizzle-orm';
import { caseCodeSeq } from '../../db-schema.ts';
import type { Db } from '../../platform/db.ts';
import type { CaseSim } from './case-sim.ts';
import { HOUR } from './time.ts';

/** Sets each case's code, and the code its report event names (blank while simulating). */
export async function assignCaseCodes(tx: Db, sims: readonly CaseSim[]) {
  const ordered = [...sims].sort((a, b) => a.c.createdAt!.getTime() - b.c.createdAt!.getTime());
  const startRows = (
    (await tx.execute(sql`SELECT nextval(${caseCodeSeq.seqName})::bigint AS n`)) as unknown as {
      rows: { n: string }[];
    }
  ).rows;
  const start = Number(startRows[0].n);
  await tx.execute(sql`SELECT setval(${caseCodeSeq.seqName}, ${start + ordered.length})`);
  ordered.forEach((s, k) => {
    const d = new Date(s.c.createdAt!.getTime() + 8 * HOUR).toISOString().slice(0, 10).replaceAll('-', '');
    s.c.code = `${s.c.districtCode}-${d}-${String(start + k).padStart(6, '0')}`;
  });
  for (const s of sims) {
    for (const e of s.events) {
      const after = e.after as Record<string, unknown> | null;
      if (e.action === 'case.report' && after) after.code = s.c.code;
    }
  }
}
