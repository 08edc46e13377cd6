/**
 * The evaluation's facts (`evaluation_fact`, migration 0031) are kept by the database in the same
 * transaction as the record they derive from. Whatever the order of the changes — case
 * transitions through the API, several at once, a rating, a timestamp moved by SQL — the rows are
 * exactly what deriving them from the whole record again gives; a change that is rolled back
 * leaves them as they were; and what depends on the clock (a disposal stage still running is late
 * once its due time passes) is decided when the facts are read, not when they were written.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../common/calendar/index.ts';
import { compactSums, contribFunctionBody } from '../../server/modules/evaluation/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, closeDispatched, dispatchCase, placeCase, pointIn } from '../support/cases.ts';
import { usingPostgres } from '../support/db.ts';

let t: TestApp;
let unitId: string;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  unitId = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
});

afterAll(async () => {
  await t?.close();
});

type FactRow = Record<string, unknown>;
const FACTS = sql`SELECT source, item, case_id::text, at::text, district_code, township_code, community_code,
  grid_id, unit_id::text, actor, ended_by, on_time, merged, result, state, channel, filed_at::text,
  rework_count, ever_parked, verified_true, dispose_late, dispose_open_due::text, matter_code
  FROM evaluation_fact ORDER BY source, item`;

/** The facts as kept, and as derived again from the whole record (in a transaction rolled back). */
async function keptAndDerived(): Promise<{ kept: FactRow[]; derived: FactRow[] }> {
  const kept = await t.database.query<FactRow>(FACTS);
  let derived: FactRow[] = [];
  const rollback = new Error('rollback');
  await t.database.db
    .transaction(async (tx) => {
      await tx.execute(sql`DELETE FROM evaluation_fact`);
      await tx.execute(sql`SELECT evaluation_fact_refresh(array_agg(id)) FROM case_file`);
      derived = ((await tx.execute(FACTS)) as unknown as { rows: FactRow[] }).rows;
      throw rollback;
    })
    .catch((e) => {
      if (e !== rollback) throw e;
    });
  return { kept, derived };
}

async function factsOf(caseId: string): Promise<FactRow[]> {
  return t.database.query<FactRow>(
    sql`SELECT source, state, unit_id::text, dispose_late, dispose_open_due FROM evaluation_fact
    WHERE case_id = ${caseId} ORDER BY source, item`,
  );
}

const sources = (rows: FactRow[]) => rows.map((r) => r.source);

const SUM_KEY = 'subject_type, day::text, indicator, subject_id, district_code';
/**
 * The day sums (evaluation/sums.ts) as kept — the compacted sums plus the deltas not yet folded —
 * and as summed again from the facts; then the same after a compaction.
 */
async function expectSumsFollowFacts() {
  const kept = sql.raw(`SELECT ${SUM_KEY}, sum(den)::int AS den, sum(num)::int AS num FROM (
      SELECT * FROM evaluation_fact_sum UNION ALL SELECT * FROM evaluation_fact_sum_delta) s
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(den) <> 0 OR sum(num) <> 0 ORDER BY 1, 2, 3, 4, 5`);
  const derived = sql.raw(`SELECT x.subject_type, x.day::text, x.indicator, x.subject_id, x.district_code,
      sum(x.den)::int AS den, sum(x.num)::int AS num
    FROM evaluation_fact f CROSS JOIN LATERAL evaluation_fact_contrib(f) x
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`);
  const expected = await t.database.query<FactRow>(derived);
  expect(expected.length).toBeGreaterThan(0);
  expect(await t.database.query<FactRow>(kept)).toEqual(expected);
  await compactSums(t.database.db);
  expect(
    await t.database.query<FactRow>(sql`SELECT count(*)::int AS n FROM evaluation_fact_sum_delta`),
  ).toEqual([{ n: 0 }]);
  expect(await t.database.query<FactRow>(kept)).toEqual(expected);
}

describe('the evaluation facts follow the record in the same transaction', () => {
  it('rows appear with each transition: a report, then filed, dispatched, the decisions, closed', async () => {
    const id = await dispatchCase(t, unitId, 0, { description: '事实表：井盖缺失' });
    const dispatched = await factsOf(id);
    expect(sources(dispatched)).toEqual(
      expect.arrayContaining([
        'acceptDecisions',
        'dispatchDecisions',
        'dispatched',
        'filed',
        'filingDecisions',
        'reports',
      ]),
    );
    expect(sources(dispatched)).not.toContain('closed');
    expect(dispatched.every((r) => r.state === 'dispatched')).toBe(true);
    expect(dispatched.find((r) => r.source === 'dispatched')?.unit_id).toBe(unitId);
    // A disposal stage runs: its due time is kept, not yet judged.
    expect(dispatched.every((r) => r.dispose_open_due !== null && r.dispose_late === false)).toBe(true);

    await closeDispatched(t, id);
    const closed = await factsOf(id);
    expect(sources(closed)).toEqual(expect.arrayContaining(['checkDecisions', 'closeDecisions', 'closed']));
    expect(closed.every((r) => r.state === 'closed' && r.dispose_open_due === null)).toBe(true);
  });

  it('a change rolled back leaves the facts as they were', async () => {
    const before = await t.database.query<FactRow>(FACTS);
    await t.database.db
      .transaction(async (tx) => {
        await tx.execute(sql`UPDATE case_file SET state = 'voided', updated_at = now()`);
        throw new Error('rollback');
      })
      .catch(() => {});
    expect(await t.database.query<FactRow>(FACTS)).toEqual(before);
  });

  it('several transitions at once, a rating and times moved by SQL: the facts equal the record derived again', async () => {
    const ids = await Promise.all([1, 2, 3].map((i) => dispatchCase(t, unitId, i)));
    // Concurrent actions on different cases, and a second report on one of them.
    const p = await pointIn(t, '330203', 1);
    const acceptor = await t.login('haishu.acceptor');
    await Promise.all([
      actOn(t, 'unit.haishu-sanitation', ids[0], 'sign'),
      actOn(t, 'unit.haishu-sanitation', ids[1], 'sign'),
      actOn(t, 'haishu.dispatcher', ids[2], 'urge', { reason: '请尽快处置' }),
      t.as(acceptor).post('/api/reports', {
        idempotencyKey: randomUUID(),
        channel: 'hotline',
        description: '又一条上报',
        location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
        matterCode: '06002',
      }),
    ]);
    await closeDispatched(t, ids[2]);
    // A rating of the closing, written as the call-backs write it.
    const [closing] = await t.database.query<{ closed_at: string }>(
      sql`SELECT closed_at::text FROM case_file WHERE id = ${ids[2]}`,
    );
    expect(closing.closed_at).not.toBeNull();
    await t.database.query(sql`INSERT INTO satisfaction (case_id, case_closed_at, district_code, unit_id, source, result)
      VALUES (${ids[2]}, ${closing.closed_at}::timestamptz, '330203', ${unitId}, 'portal', 'satisfied')`);
    // Times moved by SQL (as the demo seed and the tests place a case in the past).
    await placeCase(t, ids[1], `${chinaDate(Date.now() - 20 * 86_400_000)}T09:00:00`);
    expect(sources(await factsOf(ids[2]))).toContain('closed');
    // A closed case taken back by an SQL fix: its `closed` row goes, the others follow its state.
    await t.database.query(
      sql`UPDATE case_file SET state = 'checking', closed_at = NULL WHERE id = ${ids[2]}`,
    );
    const reopened = await factsOf(ids[2]);
    expect(sources(reopened)).not.toContain('closed');
    expect(reopened.every((r) => r.state === 'checking')).toBe(true);

    const { kept, derived } = await keptAndDerived();
    expect(kept.length).toBeGreaterThan(20);
    expect(kept.filter((r) => r.source === 'satisfactions')).toHaveLength(1);
    expect(kept).toEqual(derived);
    await expectSumsFollowFacts();
  });

  it('the day sums: the installed function is what the indicators render now (else a migration is due)', async () => {
    const [fn] = await t.database.query<{ src: string }>(
      sql`SELECT prosrc AS src FROM pg_proc WHERE proname = 'evaluation_fact_contrib'`,
    );
    // A changed definition of a summed indicator: `npm run gen:evaluation-sums` prints the migration.
    expect(fn.src.trim()).toEqual(contribFunctionBody().trim());
  });

  // Each transaction marks case A then B, the other B then A; neither holds a row lock the other
  // wants (ratings only share the cases' key locks), so only the facts' own locks could cross. The
  // first flush of a commit takes all its cases' locks in order: both commit, none is chosen as a
  // deadlock victim. (PGlite has one connection: nothing runs side by side there.)
  it.runIf(usingPostgres())(
    'two transactions rating the same two cases in opposite orders both commit',
    async () => {
      const [a, b] = await Promise.all([7, 8].map((i) => dispatchCase(t, unitId, i)));
      let arrived = 0;
      let release!: () => void;
      const bothMarkedOne = new Promise<void>((r) => {
        release = r;
      });
      const rate = (first: string, second: string) =>
        t.database.db.transaction(async (tx) => {
          const insert = (id: string) =>
            tx.execute(sql`INSERT INTO satisfaction (case_id, case_closed_at, district_code, unit_id, source, result)
            VALUES (${id}, now(), '330203', ${unitId}, 'portal', 'satisfied')`);
          await insert(first);
          if (++arrived === 2) release();
          await bothMarkedOne;
          await insert(second);
        });
      await Promise.all([rate(a, b), rate(b, a)]);
      const rated = await t.database.query<{ case_id: string; n: number }>(
        sql`SELECT case_id::text, count(*)::int AS n FROM evaluation_fact WHERE source = 'satisfactions'
        AND case_id IN (${a}, ${b}) GROUP BY case_id ORDER BY case_id`,
      );
      expect(rated.map((r) => r.n)).toEqual([2, 2]);
      const { kept, derived } = await keptAndDerived();
      expect(kept).toEqual(derived);
      await expectSumsFollowFacts();
    },
  );

  it('a running disposal stage counts as overdue once its due time has passed, with no write in between', async () => {
    const id = await dispatchCase(t, unitId, 5, { description: '事实表：时限' });
    const leader = await t.login('city.leader');
    const from = chinaDate(Date.now() - 86_400_000);
    const to = chinaDate(Date.now() + 86_400_000);
    const overdue = async () => {
      const res = await t
        .as(leader)
        .get(
          `/api/evaluation/drill?indicator=overdueDisposalRate&subjectType=unit&subject=${unitId}&from=${from}&to=${to}&part=numerator&pageSize=100`,
        );
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as { caseId: string }[]).map((i) => i.caseId);
    };
    // The unit's figure (read from the day sums, and this running stage from the facts) moves too.
    const figure = async () => {
      const res = await t
        .as(leader)
        .get(`/api/evaluation/figures?indicator=overdueDisposalRate&subjectType=unit&from=${from}&to=${to}`);
      expect(res.statusCode, res.body).toBe(200);
      const s = (
        res.json().subjects as { subject: string; figures: { numerator: number; denominator: number }[] }[]
      ).find((x) => x.subject === unitId)!;
      return s.figures[0];
    };
    expect(await overdue()).not.toContain(id);
    const before = await figure();
    // The clock passes the stage's due time: the kept due time is what is compared, at reading.
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL session_replication_role = replica`); // no trigger: no rewrite
      await tx.execute(
        sql`UPDATE evaluation_fact SET dispose_open_due = now() - interval '1 minute' WHERE case_id = ${id}`,
      );
    });
    expect(await overdue()).toContain(id);
    const after = await figure();
    expect(after).toMatchObject({ numerator: before.numerator + 1, denominator: before.denominator });
  });
});
