/**
 * 综合评价 over a year of a big city (issue 11, Performance). GENERATED data: `cases` (default
 * 1,000,000) cases spread evenly over the 365 days before three days ago, each with the rows the
 * case loop would have written for its story — the stages with their clocks (`case_stage`), the
 * transitions as events (`event`, before/after states, actors, in order), the reports (`report`,
 * with merged duplicates) and the call-backs' satisfactions (`satisfaction`) — all by
 * INSERT … SELECT over generate_series, in chunks; no per-case loop in JavaScript. The stories:
 * every channel; accepted, sent to verify (confirmed or denied), rejected, merged, fixed by a
 * department, voided, parked and resumed, reworked after a failed check, closed, and some left
 * open in every intermediate state; on-time and late stages by varying durations against the
 * stages' limits. Stage due times are the start plus the limit in natural time (a generated
 * simplification: the real clock counts working time; the evaluation reads `due_at` as written).
 *
 * The real app (demo seed without demo cases) serves over loopback, and the benchmark measures:
 *   - a full monthly evaluation of every subject: `POST /api/evaluation/rankings` for each of the
 *     nine subject types (districts, townships, communities, grids, units and the four posts) for
 *     the last whole month, as the city's leader — each computes every indicator of its template
 *     for the month and for the month before (movement) and stores a draft; the sum, `full_evaluation_seconds`
 *     (target < 5 s on PostgreSQL), and each type's seconds;
 *   - one drill-down (`GET /api/evaluation/drill`, a district's overdue disposals, a unit's late
 *     checks, a district's dissatisfied ratings …), p95 over 40 requests (target < 300 ms);
 *   - the dashboard page: the 综合评价 page's first view (`GET /api/evaluation/figures` of the
 *     districts for the month) as the city's leader and as a district's leader, and the 决策辅助
 *     page's four reads (trends, hotspots, overdue drivers, heat map) — p95 each (< 300 ms);
 *   - the `.xlsx` export of the month's unit ranking and its PDF report (seconds, bytes).
 * On PGlite pass `--cases` that fit in `pglite_minutes` (the year is spread over `cases`; a run cut
 * short by the minutes covers only the start of the year). `BENCH_KEEP_DB=1` keeps the PostgreSQL
 * database to study its queries.
 */
import type { AddressInfo } from 'node:net';
import { type SQL, sql } from 'drizzle-orm';
import { chinaDayNumber, dayNumberToDate } from '../common/calendar/index.ts';
import { SUBJECT_TYPES } from '../common/evaluation.ts';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/platform/config.ts';
import { seedDemo } from '../server/seed/index.ts';
import type { BenchContext } from './lib/context.ts';
import { deriveFacts, pauseFactTriggers } from './lib/facts.ts';
import { demoLogin } from './lib/login.ts';
import { round } from './lib/stats.ts';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const median = (xs: number[]) => pct(xs, 50);

/** YYYY-MM-DD of a China day number. */
const dayString = (d: number) => dayNumberToDate(d);

/** The whole China month before the one holding `at`, and the month before that. */
function lastWholeMonth(at: Date): { from: string; to: string } {
  const today = dayString(chinaDayNumber(at));
  const [y, m] = today.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 2, 1));
  const next = new Date(Date.UTC(y, m - 1, 1));
  return { from: first.toISOString().slice(0, 10), to: next.toISOString().slice(0, 10) };
}

/** Minutes after the case's creation, as a timestamp. */
const at = (col: string) => sql.raw(`(b.created + (b.${col}) * interval '1 minute')`);

export async function run(ctx: BenchContext): Promise<void> {
  const targetCases = ctx.option('cases', 1_000_000);
  const pgliteMinutes = ctx.option('pglite_minutes', 12);
  const requests = ctx.option('requests', 40);
  process.env.DEMO_CASES = '0';
  process.env.DEMO_COMPONENTS ??= String(ctx.option('components', 2000));
  const db = ctx.database;
  const config = loadConfig({});
  await seedDemo(db, config);

  // --- The city's actors and places, read from the seeded tables. -------------------------------
  await db.query(sql`
    CREATE TEMP TABLE bench_grid AS
      SELECT row_number() OVER (ORDER BY id)::int AS n, id, district_code AS d, township_code AS t,
        community_code AS c, area_class AS a, centroid_lng AS x, centroid_lat AS y
      FROM grid`);
  const [{ grids }] = await db.query<{ grids: number }>(sql`SELECT count(*)::int AS grids FROM bench_grid`);
  // Per district: its centre's acceptor, shift leader and dispatcher (the city's when it has none),
  // its inspectors and its units (the city's units when it has none).
  await db.query(sql`
    CREATE TEMP TABLE bench_actor AS
    WITH d AS (SELECT DISTINCT d FROM bench_grid),
    staff AS (
      SELECT u.id::text AS id, o.district_code AS d, r AS role
      FROM app_user u JOIN org o ON o.id = u.org_id CROSS JOIN LATERAL unnest(u.roles) r
      WHERE NOT u.disabled),
    pick AS (
      SELECT d.d, role,
        coalesce((SELECT array_agg(id ORDER BY id) FROM staff s WHERE s.d = d.d AND s.role = roles.role),
                 (SELECT array_agg(id ORDER BY id) FROM staff s WHERE s.role = roles.role)) AS ids
      FROM d CROSS JOIN (VALUES ('acceptor'), ('shift_leader'), ('dispatcher'), ('inspector')) roles(role))
    SELECT d.d,
      (SELECT ids FROM pick WHERE pick.d = d.d AND role = 'acceptor') AS acceptors,
      (SELECT ids FROM pick WHERE pick.d = d.d AND role = 'shift_leader') AS leaders,
      (SELECT ids FROM pick WHERE pick.d = d.d AND role = 'dispatcher') AS dispatchers,
      (SELECT ids FROM pick WHERE pick.d = d.d AND role = 'inspector') AS inspectors,
      coalesce((SELECT array_agg(o.id ORDER BY o.id) FROM org o WHERE o.kind = 'unit' AND o.district_code = d.d),
               (SELECT array_agg(o.id ORDER BY o.id) FROM org o WHERE o.kind = 'unit')) AS units
    FROM d`);
  const missing = await db.query<{ d: string }>(
    sql`SELECT d FROM bench_actor WHERE acceptors IS NULL OR leaders IS NULL OR dispatchers IS NULL OR inspectors IS NULL OR units IS NULL`,
  );
  if (missing.length)
    throw new Error(`the demo seed lacks staff or units for ${missing.map((m) => m.d).join(', ')}`);

  // --- Generated cases, in chunks. ---------------------------------------------------------------
  const now = Date.now();
  const spanEnd = new Date(now - 3 * 86_400_000);
  const spanStart = new Date(spanEnd.getTime() - 365 * 86_400_000);
  const chunk = 50_000;
  const limitMs = ctx.db === 'pglite' ? pgliteMinutes * 60_000 : Number.POSITIVE_INFINITY;
  const genStart = Date.now();
  let made = 0;
  const ev = (
    action: string,
    from: string,
    to: string,
    where: string,
    when: string,
    actor: string,
    org = 'NULL',
  ) => sql`
    INSERT INTO event (at, actor_type, actor_id, actor_name, actor_org_id, action, entity_type, entity_id,
      district_code, before, after)
    SELECT ${at(when)}, 'user', ${sql.raw(actor)}, '生成数据', ${sql.raw(org)}, ${`case.${action}`}, 'case', b.id::text,
      b.d, ${JSON.stringify({ state: from })}::jsonb, ${JSON.stringify({ state: to })}::jsonb
    FROM bench_story b WHERE ${sql.raw(where)} ORDER BY b.i`;
  // A stage, and (when stopped) the transition that stopped it and its actor, as cases/stages.ts
  // `markEnded` writes them: `ended` is a SQL expression of the action's name (without `case.`).
  const stage = (
    name: string,
    where: string,
    start: string,
    end: string,
    limitMin: number,
    open: string,
    ended: string,
    actor: string,
  ) => sql`
    INSERT INTO case_stage (case_id, stage, started_at, due_at, limit_amount, limit_unit, stopped_at, ended_by,
      ended_actor, overdue_at)
    SELECT b.id, ${name}, ${at(start)}, ${at(start)} + ${`${limitMin} minutes`}::interval, ${limitMin / 60}, 'work_hour',
      CASE WHEN ${sql.raw(open)} THEN NULL ELSE ${at(end)} END,
      CASE WHEN ${sql.raw(open)} THEN NULL ELSE 'case.' || ${sql.raw(ended)} END,
      CASE WHEN ${sql.raw(open)} THEN NULL ELSE ${sql.raw(actor)} END,
      CASE WHEN (CASE WHEN ${sql.raw(open)} THEN now() ELSE ${at(end)} END) > ${at(start)} + ${`${limitMin} minutes`}::interval
        THEN ${at(start)} + ${`${limitMin} minutes`}::interval END
    FROM bench_story b WHERE ${sql.raw(where)}`;

  // As a bulk load does: the loaded tables' secondary indexes are dropped first and built again
  // after (the figures are measured with every index of the schema in place).
  const loaded = ['case_stage', 'event', 'report', 'satisfaction'];
  const indexes = await db.query<{ name: string; def: string }>(sql`
    SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename IN (${sql.join(
      loaded.map((t) => sql`${t}`),
      sql`, `,
    )})
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`);
  for (const i of indexes) await db.query(sql.raw(`DROP INDEX ${i.name}`));
  // And the evaluation's facts are derived once after the load (`facts_seconds`: what migration
  // 0031 takes on an installation this size), not by their triggers statement by statement.
  const resumeFactTriggers = await pauseFactTriggers(db);
  while (made < targetCases && Date.now() - genStart < limitMs) {
    const n = Math.min(chunk, targetCases - made);
    const first = made + 1;
    await db.query(sql`DROP TABLE IF EXISTS bench_story`);
    // The story of each case: its path, flags and the minutes (after creation) of each step.
    await db.query(sql`
      CREATE TEMP TABLE bench_story AS
      SELECT s.*,
        s.a_end AS v_start, s.a_end + 30 + (s.i * 19) % 150 AS v_end,
        CASE WHEN s.has_verify THEN s.a_end + 30 + (s.i * 19) % 150 ELSE s.a_end END AS f_start
      FROM (
        SELECT i, gen_random_uuid() AS id,
          ${spanStart}::timestamptz + ((i - 1)::double precision / ${targetCases}) * (${spanEnd}::timestamptz - ${spanStart}::timestamptz) AS created,
          g.id AS grid, g.d, g.t, g.c, g.a, g.x, g.y,
          CASE WHEN i % 20 <= 10 THEN 'inspector' WHEN i % 20 <= 13 THEN 'hotline' WHEN i % 20 = 14 THEN 'web'
            WHEN i % 20 = 15 THEN 'app' WHEN i % 20 = 16 THEN 'wechat' WHEN i % 20 = 17 THEN 'sensor'
            WHEN i % 40 = 18 THEN 'video' WHEN i % 20 = 18 THEN 'opinion' ELSE 'department' END AS channel,
          p.path, (i / 3) % 6 AS s,
          p.path IN ('full', 'void', 'deny', 'open') AND ((i % 20) IN (14, 15, 16) OR ((i % 20) IN (11, 12, 13) AND (i * 7) % 10 < 3))
            AS has_verify,
          p.path = 'full' AND (i * 13) % 100 < 8 AS rework,
          p.path = 'full' AND (i * 37) % 100 IN (10, 11) AS parked,
          5 + (i * 17) % 40 AS a_end,
          a.acceptors[1 + i % cardinality(a.acceptors)] AS acceptor,
          a.leaders[1 + i % cardinality(a.leaders)] AS leader,
          a.dispatchers[1 + i % cardinality(a.dispatchers)] AS dispatcher,
          a.inspectors[1 + (i / 7) % cardinality(a.inspectors)] AS inspector,
          a.units[1 + (i / 11) % cardinality(a.units)] AS unit
        FROM generate_series(${first}::int, ${first + n - 1}::int) i
        JOIN bench_grid g ON g.n = 1 + (i * 31) % ${grids}
        JOIN bench_actor a ON a.d = g.d
        CROSS JOIN LATERAL (SELECT CASE
          WHEN i % 20 = 19 AND (i * 37) % 100 < 70 THEN 'selfdisp'
          WHEN (i * 37) % 100 < 4 THEN 'reject'
          WHEN (i * 37) % 100 < 6 THEN 'merge'
          WHEN (i * 37) % 100 = 6 THEN 'void'
          WHEN (i * 37) % 100 < 10 THEN 'open'
          WHEN (i * 11) % 10 = 0 AND ((i % 20) IN (14, 15, 16) OR ((i % 20) IN (11, 12, 13) AND (i * 7) % 10 < 3)) THEN 'deny'
          ELSE 'full' END AS path) p
      ) s`);
    // The later steps' minutes, from the earlier ones.
    await db.query(sql`
      ALTER TABLE bench_story ADD COLUMN f_end int, ADD COLUMN d_end int, ADD COLUMN p_start int, ADD COLUMN p_end int,
        ADD COLUMN c_end int, ADD COLUMN p2_start int, ADD COLUMN p2_end int, ADD COLUMN c2_end int,
        ADD COLUMN l_start int, ADD COLUMN l_end int, ADD COLUMN state text, ADD COLUMN filed boolean,
        ADD COLUMN dispatched boolean, ADD COLUMN closed boolean`);
    await db.query(sql`
      UPDATE bench_story SET f_end = f_start + 5 + (i * 23) % 40`);
    await db.query(sql`
      UPDATE bench_story SET d_end = f_end + 5 + (i * 29) % 50`);
    await db.query(sql`
      UPDATE bench_story SET p_start = d_end, p_end = d_end + 60 * (1 + (i * 31) % 28)`);
    await db.query(sql`
      UPDATE bench_story SET c_end = p_end + 30 + (i * 41) % 120,
        p2_start = p_end + 30 + (i * 41) % 120 + 5`);
    await db.query(sql`
      UPDATE bench_story SET p2_end = p2_start + 60 * (1 + (i * 7) % 8)`);
    await db.query(sql`
      UPDATE bench_story SET c2_end = p2_end + 45,
        l_start = CASE WHEN path = 'selfdisp' THEN a_end WHEN rework THEN p2_end + 45 ELSE c_end END`);
    await db.query(sql`
      UPDATE bench_story SET l_end = l_start + 10 + (i * 43) % 40,
        state = CASE path WHEN 'reject' THEN 'rejected' WHEN 'deny' THEN 'rejected' WHEN 'merge' THEN 'merged'
          WHEN 'void' THEN 'voided' WHEN 'open' THEN
            (ARRAY['reported', 'pending_filing', 'pending_dispatch', 'in_progress', 'checking', 'pending_close'])[s + 1]
          ELSE 'closed' END,
        filed = path IN ('full', 'void') OR (path = 'open' AND s >= 2),
        dispatched = path IN ('full', 'void') OR (path = 'open' AND s >= 3),
        closed = path IN ('full', 'selfdisp')`);
    // Open cases never verify unless past acceptance.
    await db.query(sql`UPDATE bench_story SET has_verify = false WHERE path = 'open' AND s = 0`);

    await db.query(sql`
      INSERT INTO case_file (id, code, state, channel, description, lng, lat, grid_id, community_code, township_code,
        district_code, area_class, matter_kind, matter_code, unit_id, current_stage, rework_count, created_at,
        updated_at, filed_at, dispatched_at, closed_at, created_by)
      SELECT b.id, 'E' || b.i, b.state, b.channel, '生成的评价压测案件', b.x, b.y, b.grid, b.c, b.t, b.d, b.a, 'matter',
        '06010', CASE WHEN b.dispatched THEN b.unit END,
        CASE WHEN b.path = 'open' THEN (ARRAY['accept', 'filing', 'dispatch', 'dispose', 'check', 'close'])[b.s + 1] END,
        CASE WHEN b.rework THEN 1 ELSE 0 END, b.created, b.created,
        CASE WHEN b.filed THEN b.created + b.f_end * interval '1 minute' END,
        CASE WHEN b.dispatched THEN b.created + b.d_end * interval '1 minute' END,
        CASE WHEN b.closed THEN b.created + b.l_end * interval '1 minute' END, b.acceptor
      FROM bench_story b`);
    // Reports: the case's own, and a merged duplicate for one case in ten.
    await db.query(sql`
      INSERT INTO report (submitter, idempotency_key, channel, description, raw_lng, raw_lat, crs, lng, lat, case_id,
        merged, created_at)
      SELECT CASE WHEN b.channel = 'inspector' THEN b.inspector ELSE 'citizen:139' || lpad((b.i % 100000000)::text, 8, '0') END,
        'bench-' || b.i, b.channel, '生成的上报', b.x, b.y, 'wgs84', b.x, b.y, b.id, false, b.created
      FROM bench_story b
      UNION ALL
      SELECT 'citizen:138' || lpad((b.i % 100000000)::text, 8, '0'), 'bench-dup-' || b.i, 'hotline', '生成的重复上报',
        b.x, b.y, 'wgs84', b.x, b.y, b.id, true, b.created + interval '1 hour'
      FROM bench_story b WHERE (b.i * 3) % 10 = 0`);
    // Stages, in the order they run.
    const steps: SQL[] = [
      stage(
        'accept',
        'true',
        'created0',
        'a_end',
        30,
        "b.path = 'open' AND b.s = 0",
        `CASE b.path WHEN 'reject' THEN 'reject' WHEN 'merge' THEN 'merge_duplicate' WHEN 'selfdisp' THEN 'department_dispose'
          ELSE CASE WHEN b.has_verify THEN 'request_verify' ELSE 'accept_report' END END`,
        "CASE WHEN b.path = 'selfdisp' THEN NULL ELSE b.acceptor END",
      ),
      stage(
        'verify',
        'b.has_verify',
        'v_start',
        'v_end',
        120,
        'false',
        "CASE WHEN b.path = 'deny' THEN 'verify_deny' ELSE 'verify_confirm' END",
        'b.inspector',
      ),
      stage(
        'filing',
        "b.path IN ('full', 'void', 'deny') OR (b.path = 'open' AND b.s >= 1)",
        'f_start',
        'f_end',
        30,
        "b.path = 'open' AND b.s = 1",
        "CASE WHEN b.path = 'deny' THEN 'reject' ELSE 'file' END",
        'b.leader',
      ),
      stage(
        'dispatch',
        "b.path IN ('full', 'void') OR (b.path = 'open' AND b.s >= 2)",
        'f_end',
        'd_end',
        30,
        "b.path = 'open' AND b.s = 2",
        "'dispatch'",
        'b.dispatcher',
      ),
      // A voided case's disposal stage ends at the void, an hour in (set below).
      stage(
        'dispose',
        "b.path IN ('full', 'void') OR (b.path = 'open' AND b.s >= 3)",
        'p_start',
        'p_end',
        24 * 60,
        "b.path = 'open' AND b.s = 3",
        "CASE WHEN b.path = 'void' THEN 'approve_void' ELSE 'feed_back' END",
        "CASE WHEN b.path = 'void' THEN b.leader END",
      ),
      stage(
        'check',
        "b.path = 'full' OR (b.path = 'open' AND b.s >= 4)",
        'p_end',
        'c_end',
        120,
        "b.path = 'open' AND b.s = 4",
        "CASE WHEN b.rework THEN 'check_fail' ELSE 'check_pass' END",
        'b.inspector',
      ),
      stage('dispose', 'b.rework', 'p2_start', 'p2_end', 8 * 60, 'false', "'feed_back'", 'NULL'),
      stage('check', 'b.rework', 'p2_end', 'c2_end', 120, 'false', "'check_pass'", 'b.inspector'),
      stage(
        'close',
        "b.path IN ('full', 'selfdisp') OR (b.path = 'open' AND b.s = 5)",
        'l_start',
        'l_end',
        30,
        "b.path = 'open' AND b.s = 5",
        "'close'",
        'b.leader',
      ),
    ];
    await db.query(sql`ALTER TABLE bench_story ADD COLUMN created0 int NOT NULL DEFAULT 0`);
    for (const s of steps) await db.query(s);
    await db.query(sql`
      UPDATE case_stage s SET stopped_at = b.created + (b.p_start + 60) * interval '1 minute'
      FROM bench_story b WHERE s.case_id = b.id AND b.path = 'void' AND s.stage = 'dispose'`);
    // Events, in the order they happen (ids grow with each INSERT, so a case's events are in order).
    const notOpenAt = (k: number) => `NOT (b.path = 'open' AND b.s <= ${k})`;
    const events: SQL[] = [
      ev('reject', 'reported', 'rejected', "b.path = 'reject'", 'a_end', 'b.acceptor'),
      ev('merge_duplicate', 'reported', 'merged', "b.path = 'merge'", 'a_end', 'b.acceptor'),
      ev(
        'department_dispose',
        'reported',
        'self_disposed',
        "b.path = 'selfdisp'",
        'a_end',
        'NULL',
        'b.unit::text',
      ),
      ev(
        'request_verify',
        'reported',
        'verifying',
        `b.has_verify AND ${notOpenAt(0)}`,
        'a_end',
        'b.acceptor',
      ),
      ev(
        'accept_report',
        'reported',
        'pending_filing',
        `NOT b.has_verify AND b.path IN ('full', 'void', 'open') AND ${notOpenAt(0)}`,
        'a_end',
        'b.acceptor',
      ),
      ev(
        'verify_confirm',
        'verifying',
        'pending_filing',
        "b.has_verify AND b.path <> 'deny'",
        'v_end',
        'b.inspector',
      ),
      ev('verify_deny', 'verifying', 'pending_filing', "b.path = 'deny'", 'v_end', 'b.inspector'),
      ev('reject', 'pending_filing', 'rejected', "b.path = 'deny'", 'f_end', 'b.leader'),
      ev(
        'file',
        'pending_filing',
        'pending_dispatch',
        `b.path IN ('full', 'void', 'open') AND ${notOpenAt(1)}`,
        'f_end',
        'b.leader',
      ),
      ev(
        'dispatch',
        'pending_dispatch',
        'dispatched',
        `b.path IN ('full', 'void', 'open') AND ${notOpenAt(2)}`,
        'd_end',
        'b.dispatcher',
      ),
      ev(
        'sign',
        'dispatched',
        'in_progress',
        `b.path IN ('full', 'void', 'open') AND ${notOpenAt(2)}`,
        'p_start + 10',
        'NULL',
        'b.unit::text',
      ),
      ev('approve_parking', 'in_progress', 'parked', 'b.parked', 'p_start + 30', 'b.leader'),
      ev('unpark', 'parked', 'in_progress', 'b.parked', 'p_start + 90', 'b.leader'),
      ev('approve_void', 'in_progress', 'voided', "b.path = 'void'", 'p_start + 60', 'b.leader'),
      ev(
        'feed_back',
        'in_progress',
        'fed_back',
        `b.path IN ('full', 'open') AND ${notOpenAt(3)}`,
        'p_end',
        'NULL',
        'b.unit::text',
      ),
      ev(
        'request_check',
        'fed_back',
        'checking',
        `b.path IN ('full', 'open') AND ${notOpenAt(3)}`,
        'p_end + 5',
        'b.leader',
      ),
      ev('check_fail', 'checking', 'check_failed', 'b.rework', 'c_end', 'b.inspector'),
      ev(
        'check_pass',
        'checking',
        'pending_close',
        `NOT b.rework AND b.path IN ('full', 'open') AND ${notOpenAt(4)}`,
        'c_end',
        'b.inspector',
      ),
      ev('rework', 'check_failed', 'dispatched', 'b.rework', 'p2_start', 'b.leader'),
      ev('sign', 'dispatched', 'in_progress', 'b.rework', 'p2_start + 10', 'NULL', 'b.unit::text'),
      ev('feed_back', 'in_progress', 'fed_back', 'b.rework', 'p2_end', 'NULL', 'b.unit::text'),
      ev('request_check', 'fed_back', 'checking', 'b.rework', 'p2_end + 5', 'b.leader'),
      ev('check_pass', 'checking', 'pending_close', 'b.rework', 'c2_end', 'b.inspector'),
      ev('close', 'pending_close', 'closed', "b.path = 'full'", 'l_end', 'b.leader'),
      ev('close', 'self_disposed', 'closed', "b.path = 'selfdisp'", 'l_end', 'b.leader'),
    ];
    for (const e of events) await db.query(e);
    // Call-backs: six in ten closed cases from the hotline and the public's channels are rated.
    await db.query(sql`
      INSERT INTO satisfaction (case_id, case_closed_at, district_code, unit_id, source, result, recorded_by, created_at)
      SELECT b.id, b.created + b.l_end * interval '1 minute', b.d, CASE WHEN b.path = 'full' THEN b.unit END,
        CASE WHEN b.channel = 'hotline' THEN 'phone' ELSE 'portal' END,
        CASE WHEN (b.i * 53) % 20 < 14 THEN 'satisfied' WHEN (b.i * 53) % 20 < 17 THEN 'basically_satisfied'
          ELSE 'dissatisfied' END,
        b.leader, b.created + (b.l_end + 120) * interval '1 minute'
      FROM bench_story b WHERE b.closed AND b.channel IN ('hotline', 'web', 'app', 'wechat') AND (b.i * 5) % 10 < 6`);
    made += n;
    if (made % 200_000 === 0 || made === targetCases)
      ctx.log(`generated cases: ${made} (${round((Date.now() - genStart) / 1000, 0)} s)`);
  }
  await db.query(sql`DROP TABLE IF EXISTS bench_story`);
  ctx.log(`building ${indexes.length} indexes again (${round((Date.now() - genStart) / 1000, 0)} s)`);
  for (const i of indexes) await db.query(sql.raw(i.def));
  // As autovacuum leaves the tables after a bulk load: statistics and the visibility map.
  for (const t of ['case_file', 'case_stage', 'event', 'report', 'satisfaction'])
    await db.query(sql.raw(`VACUUM ANALYZE ${t}`));
  const counts = (
    await db.query<{
      cases: number;
      stages: number;
      events: number;
      reports: number;
      satisfactions: number;
    }>(sql`
      SELECT (SELECT count(*) FROM case_file)::int AS cases, (SELECT count(*) FROM case_stage)::int AS stages,
        (SELECT count(*) FROM event)::int AS events, (SELECT count(*) FROM report)::int AS reports,
        (SELECT count(*) FROM satisfaction)::int AS satisfactions`)
  )[0];
  const seedS = (Date.now() - genStart) / 1000;
  ctx.record('generate_seconds', round(seedS, 1), 's', { ...counts });
  ctx.log(`generated in ${round(seedS, 0)} s: ${JSON.stringify(counts)}`);
  await resumeFactTriggers();
  const factsStart = Date.now();
  await deriveFacts(db);
  await db.query(sql`VACUUM ANALYZE evaluation_fact`);
  const [{ facts }] = await db.query<{ facts: number }>(
    sql`SELECT count(*)::int AS facts FROM evaluation_fact`,
  );
  const factsS = (Date.now() - factsStart) / 1000;
  ctx.record('facts_seconds', round(factsS, 1), 's', { facts });
  ctx.log(`evaluation facts derived in ${round(factsS, 0)} s: ${facts} rows`);

  // --- The app. -----------------------------------------------------------------------------------
  const app = await buildApp({
    config: { ...config, loginRateLimitPerMinute: 100_000 },
    database: db,
    logger: { level: 'warn', stream: process.stderr },
    serveWeb: false,
  });
  await app.ready();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const login = (username: string) => demoLogin(base, username, config.demoPassword);
    const send = async (method: string, url: string, token: string, body?: unknown) => {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return res;
    };
    const call = async (method: string, url: string, token: string, body?: unknown) =>
      (await send(method, url, token, body)).json();
    const leader = await login('city.leader');
    const districtLeader = await login('haishu.leader').catch(() => login('haishu.dispatcher'));
    const month = lastWholeMonth(spanEnd);
    const extra = { cases: counts.cases, month: `${month.from}..${month.to}` };

    // 1. The full monthly evaluation: every subject type's ranking, three times (median).
    const perType = new Map<string, number[]>();
    const totals: number[] = [];
    let unitRanking = '';
    let subjectsScored = 0;
    for (let round_ = 0; round_ < 3; round_++) {
      let total = 0;
      subjectsScored = 0;
      for (const type of SUBJECT_TYPES) {
        const t = performance.now();
        const r = await call('POST', '/api/evaluation/rankings', leader, {
          subjectType: type,
          from: month.from,
          to: month.to,
          note: '压测',
        });
        const s = (performance.now() - t) / 1000;
        total += s;
        subjectsScored += r.lines.length;
        perType.set(type, [...(perType.get(type) ?? []), s]);
        if (type === 'unit') unitRanking = r.id;
      }
      totals.push(total);
      ctx.log(`full evaluation ${round_ + 1}: ${round(total, 2)} s, ${subjectsScored} subjects`);
    }
    ctx.record('full_evaluation_seconds', round(median(totals), 2), 's', {
      ...extra,
      runs: totals.map((t) => round(t, 2)),
      subjects: subjectsScored,
      subject_types: SUBJECT_TYPES.length,
      note: 'median of 3; each type: the month and the month before (movement), scored and stored',
    });
    for (const [type, xs] of perType)
      ctx.record(`evaluation_${type}_seconds`, round(median(xs), 2), 's', {
        ...extra,
        runs: xs.map((x) => round(x, 2)),
      });

    // 2. Drill-downs: p95 over `requests`, rotating over figures of different sources.
    const units = await db.query<{ id: string }>(
      sql`SELECT unit_id::text AS id FROM case_file WHERE unit_id IS NOT NULL AND district_code = '330203' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    );
    const drills = [
      `indicator=onTimeDisposalRate&subjectType=district&subject=330203&part=unmet`,
      `indicator=onTimeCheckRate&subjectType=district&subject=330203&part=numerator`,
      `indicator=satisfactionRate&subjectType=district&subject=330212&part=unmet`,
      `indicator=onTimeDisposalRate&subjectType=unit&subject=${units[0]?.id}&part=denominator`,
      `indicator=validReportRate&subjectType=district&subject=330205&part=unmet`,
    ];
    const measure = async (label: string, url: string, token: string, n = requests) => {
      await call('GET', url, token); // warm-up
      const lat: number[] = [];
      let last: unknown;
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        last = await call('GET', url, token);
        lat.push(performance.now() - t);
      }
      return { label, p50: pct(lat, 50), p95: pct(lat, 95), last };
    };
    const drillLat: number[] = [];
    for (const q of drills) {
      const r = await measure(
        'drill',
        `/api/evaluation/drill?${q}&from=${month.from}&to=${month.to}&page=2`,
        leader,
        Math.ceil(requests / drills.length),
      );
      ctx.log(
        `drill ${q}: p50 ${round(r.p50, 1)} ms, p95 ${round(r.p95, 1)} ms, total ${(r.last as { total: number }).total}`,
      );
      drillLat.push(r.p95);
    }
    const allDrill: number[] = [];
    for (let i = 0; i < requests; i++) {
      const q = drills[i % drills.length];
      const t = performance.now();
      await call(
        'GET',
        `/api/evaluation/drill?${q}&from=${month.from}&to=${month.to}&page=${1 + (i % 3)}`,
        leader,
      );
      allDrill.push(performance.now() - t);
    }
    ctx.record('drill_p95', round(pct(allDrill, 95), 1), 'ms', {
      ...extra,
      requests,
      p50: round(pct(allDrill, 50), 1),
      figures: drills.map((d) => d.split('&').slice(0, 3).join('&')),
    });

    // 3. Dashboard pages.
    const q = `from=${month.from}&to=${month.to}`;
    const year = `from=${dayString(chinaDayNumber(spanStart) + 1)}&to=${month.to}`;
    for (const [label, url, token] of [
      ['evaluation_page_city', `/api/evaluation/figures?subjectType=district&${q}`, leader],
      ['evaluation_page_district', `/api/evaluation/figures?subjectType=district&${q}`, districtLeader],
      ['evaluation_page_units', `/api/evaluation/figures?subjectType=unit&${q}`, leader],
      ['decision_trends', `/api/decision/trends?${q}&granularity=week`, leader],
      ['decision_trends_year', `/api/decision/trends?${year}&granularity=month`, leader],
      ['decision_hotspots', `/api/decision/hotspots?${q}`, leader],
      ['decision_overdue', `/api/decision/overdue?${q}`, leader],
      ['decision_heat', `/api/decision/heat?${q}`, leader],
    ] as const) {
      const r = await measure(label, url, token);
      ctx.record(`${label}_p95`, round(r.p95, 1), 'ms', {
        ...extra,
        requests,
        p50: round(r.p50, 1),
        url: url.split('?')[0],
      });
      ctx.log(`${label}: p50 ${round(r.p50, 1)} ms, p95 ${round(r.p95, 1)} ms`);
    }

    // 4. The exports of the month's unit ranking.
    for (const format of ['xlsx', 'pdf'] as const) {
      const xs: number[] = [];
      let bytes = 0;
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const res = await send('GET', `/api/evaluation/rankings/${unitRanking}/export.${format}`, leader);
        bytes = (await res.arrayBuffer()).byteLength;
        xs.push((performance.now() - t) / 1000);
      }
      ctx.record(`export_${format}_seconds`, round(median(xs), 2), 's', {
        ...extra,
        bytes,
        runs: xs.map((x) => round(x, 2)),
        ranking: 'unit',
      });
      ctx.log(`export ${format}: ${round(median(xs), 2)} s, ${bytes} bytes`);
    }
  } finally {
    await app.close();
  }
}
