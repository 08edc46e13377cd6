/**
 * Row counts and checksums of everything the demo-case seed writes, for a fixed seed and clock:
 * run it before and after changing the seed; a pure refactor prints the same lines.
 *
 *   npx tsx scripts/seed-fingerprint.ts [cases=1500] [seed=20260401] [now=2026-04-20T02:00:00Z]
 *
 * On a fresh in-memory PGlite, or on a database created (and dropped) on the PostgreSQL server
 * named by TEST_DATABASE_URL. The demo city is seeded without cases, then `seedCases` runs.
 *
 * What differs from run to run is taken out, so that equal code gives equal sums: the ids the
 * database draws for organisations, accounts, standards and routing rules are replaced by their
 * natural keys wherever they appear (columns and JSON alike); report tracking codes and
 * notification ids (random), and the times the database stamps with now() (photo and link
 * `created_at`, the `at` of the photo-upload and seed-summary events) are left out. Everything
 * else — case ids, codes, every time the simulation chose, event and timer ids — is compared.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { systemContext } from '../server/platform/context.ts';
import { seedCases } from '../server/seed/demo-cases/index.ts';
import { seedDemo } from '../server/seed/index.ts';
import { createTestDatabase } from '../test/support/db.ts';

const [count = '1500', seed = '20260401', now = '2026-04-20T02:00:00Z'] = process.argv.slice(2);
process.env.DEMO_CASES = '0';
process.env.DEMO_COMPONENTS = '0';

/** Table → the query of its rows written by the case seed, and the keys left out. */
const TABLES: Record<string, { where?: string; drop: string[] }> = {
  case_file: { drop: [] },
  report: { drop: ['tracking_code'] },
  case_stage: { drop: [] },
  case_timer: { drop: [] },
  case_task: { drop: [] },
  event: { where: 'id > $FIRST', drop: [] },
  case_photo: { drop: ['created_at'] },
  photo: { drop: ['created_at'] },
  photo_uploader: { drop: ['created_at'] },
  notification: { drop: ['id'] },
  delivery: { drop: [] },
};

const database = await createTestDatabase();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-fingerprint-'));
try {
  await seedDemo(database, { demoPassword: 'fingerprint', dataDir });
  const rows = <T>(q: string) => database.query<T>(sql.raw(q));
  const [{ first }] = await rows<{ first: number }>('SELECT coalesce(max(id), 0)::int AS first FROM event');
  const result = await database.db.transaction((tx) =>
    seedCases(tx, systemContext('seed'), {
      count: Number(count),
      seed: Number(seed),
      now: new Date(now),
      dataDir,
    }),
  );

  // Database-drawn ids → natural keys.
  const keys = new Map<string, string>();
  for (const { id, k } of await rows<{ id: string; k: string }>(`
      SELECT id::text, 'org:' || code AS k FROM org
      UNION ALL SELECT id::text, 'user:' || username FROM app_user
      UNION ALL SELECT id::text, 'standard:' || matter_code || '@' || version FROM disposal_standard
      UNION ALL SELECT r.id::text, concat_ws('|', 'rule:' || coalesce(r.matter_code, ''),
        coalesce(r.matter_major, ''), r.area_level, r.area_code, o.code, r.version)
        FROM route_rule r JOIN org o ON o.id = r.unit_id`))
    keys.set(id, k);
  if (keys.size !== new Set(keys.values()).size) throw new Error('natural keys are not unique');
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

  console.log(`cases=${count} seed=${seed} now=${now} driver=${database.driver}`);
  console.log(`result ${JSON.stringify(result)}`);
  for (const [table, { where, drop }] of Object.entries(TABLES)) {
    const lines = (
      await rows<{ j: string }>(
        `SELECT (to_jsonb(t) ${drop.map((c) => `- '${c}'`).join(' ')})::text AS j FROM ${table} t
         ${where ? `WHERE ${where.replace('$FIRST', String(first))}` : ''}`,
      )
    )
      .map(({ j }) => {
        const o = JSON.parse(j.replace(uuid, (u) => keys.get(u) ?? u));
        // Seed-time stamps of the database clock: the photo uploads and the seed's summary.
        if (table === 'event' && (o.action === 'photo.upload' || o.action === 'case.seed')) delete o.at;
        return JSON.stringify(o);
      })
      .sort();
    const md5 = createHash('md5').update(lines.join('\n')).digest('hex');
    console.log(`${table.padEnd(15)} ${String(lines.length).padStart(7)}  ${md5}`);
  }
} finally {
  await database.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
