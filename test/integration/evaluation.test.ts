/**
 * The evaluation (综合评价, issue 11 items 1 and 3): a small hand-built history of 海曙 cases, made
 * through the real API (reports, every action, call-backs), then placed in November 2026 by
 * shifting each case's own times (stages, tasks, reports, satisfactions) and making chosen stages
 * late. Every indicator of the district, the unit and each post is written out by hand below and
 * compared with GET /api/evaluation/figures; each figure's drill-down lists exactly the cases
 * counted. A district cannot read another district's figures nor drill into its cases.
 *
 * The history (U = 海曙区环境卫生管理处; every stage on time unless "late"):
 *   A  inspector report → accept → file → dispatch U → feedback → check pass → close
 *   B  like A; filing late, disposal late
 *   C  hotline (phone) like A; close late; call-back 满意
 *   D  hotline (phone) like A; call-back 不满意 → reopened (waits on the dispatcher again)
 *   E  inspector report like A, but the first check fails (late) → rework → check pass → close
 *   F  inspector report → … → dispatch U → sign → parking approved (parked)
 *   G  inspector report → … → sign → extension approved → feedback → check pass → close
 *   H  inspector report → accept → file → void (from pending dispatch)
 *   J  hotline → verify (late) → confirmed → file → dispatch U (late) → signed, open
 *   I  inspector report → accept → merged into J
 *   K  inspector report → rejected by the acceptor (acceptance late)
 *   L  hotline → verify → denied → rejected by the shift leader
 *   M  inspector report → fixed on the spot by the inspector → closed
 *   N  department self-disposal by U → closed
 *   Q  like A but in October (outside the period)
 * The dispose stage of A is 09:00–15:00 on Tuesday 10 November: 4 working hours.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCalendar } from '../../server/modules/calendar/index.ts';
import { workTimeSql } from '../../server/modules/evaluation/work-time-sql.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';

let t: TestApp;
let unitId = '';
const ids: Record<string, string> = {};
const users: Record<string, string> = {};
let grid = 0;
const MATTER = '06002';
let filingConditionId = '';

const FROM = '2026-11-01';
const TO = '2026-12-01';

async function step(who: string, id: string, action: string, fields: Record<string, unknown> = {}) {
  const res = await actOn(t, who, id, action, fields);
  if (res.statusCode !== 200) throw new Error(`${action} by ${who}: ${res.statusCode} ${res.body}`);
}

async function report(who: string, channel: string, phone?: string): Promise<string> {
  grid += 6;
  const p = await pointIn(t, '330203', grid);
  const res = await t.as(await t.login(who)).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel,
    description: `评价测试 ${grid}`,
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode: MATTER,
    ...(phone ? { reporter: { name: '张先生', phone } } : {}),
  });
  if (res.statusCode !== 201) throw new Error(`report: ${res.statusCode} ${res.body}`);
  return res.json().case.id as string;
}

const photo = async (who: string) => [await uploadPhoto(t, await t.login(who))];
const fileIt = (id: string) =>
  step('haishu.shift_leader', id, 'file', { matterType: MATTER, filingConditionId });
const feedBack = async (id: string) =>
  step('unit.haishu-sanitation', id, 'feed_back', {
    note: '已处置',
    photos: await photo('unit.haishu-sanitation'),
  });
async function checkPass(id: string) {
  await step('haishu.acceptor', id, 'request_check');
  await step('haishu.inspector', id, 'check_pass', { photos: await photo('haishu.inspector') });
}

/** Accepted, filed and dispatched to U (by the district's staff). */
async function toDispatched(id: string) {
  await step('haishu.acceptor', id, 'accept_report', { matterType: MATTER });
  await fileIt(id);
  await step('haishu.dispatcher', id, 'dispatch', { unitId });
}

/** The whole loop from a new inspector's or hotline report to closed. */
async function fullLoop(id: string) {
  await toDispatched(id);
  await step('unit.haishu-sanitation', id, 'sign');
  await feedBack(id);
  await checkPass(id);
  await step('haishu.shift_leader', id, 'close');
}

/** The call-back owed for the case: its reporter's satisfaction heard on the phone. */
async function callBack(id: string, result: string) {
  const acceptor = await t.login('haishu.acceptor');
  const queue = (await t.as(acceptor).get('/api/callbacks?status=pending&pageSize=100')).json();
  const cb = (queue.items as { id: string; case: { id: string } }[]).find((x) => x.case.id === id);
  if (!cb) throw new Error(`no call-back for ${id}`);
  const res = await t.as(acceptor).post(`/api/callbacks/${cb.id}/result`, { result });
  if (res.statusCode !== 200) throw new Error(`call-back: ${res.statusCode} ${res.body}`);
}

/** China wall-clock time in November (or any) 2026 as an instant. */
const china = (s: string) => new Date(`${s}+08:00`);

/**
 * Moves every time of a case by one interval so that it was reported at `at` (China time): its
 * row, stages, tasks, reports, call-backs and satisfactions. The events keep their times: the
 * evaluation reads none.
 */
async function placeCase(id: string, at: string) {
  const [c] = await t.database.query<{ created_at: string }>(
    sql`SELECT created_at::text FROM case_file WHERE id = ${id}`,
  );
  const delta = sql`(${china(at)}::timestamptz - ${c.created_at}::timestamptz)`;
  await t.database.query(sql`UPDATE case_file SET created_at = created_at + ${delta},
    filed_at = filed_at + ${delta}, dispatched_at = dispatched_at + ${delta}, closed_at = closed_at + ${delta}
    WHERE id = ${id}`);
  await t.database.query(sql`UPDATE case_stage SET started_at = started_at + ${delta}, due_at = due_at + ${delta},
    stopped_at = stopped_at + ${delta}, paused_at = paused_at + ${delta} WHERE case_id = ${id}`);
  await t.database.query(sql`UPDATE case_task SET created_at = created_at + ${delta},
    completed_at = completed_at + ${delta} WHERE case_id = ${id}`);
  await t.database.query(sql`UPDATE report SET created_at = created_at + ${delta} WHERE case_id = ${id}`);
  await t.database.query(
    sql`UPDATE satisfaction SET case_closed_at = case_closed_at + ${delta} WHERE case_id = ${id}`,
  );
  await t.database.query(
    sql`UPDATE callback SET case_closed_at = case_closed_at + ${delta} WHERE case_id = ${id}`,
  );
}

/** Makes the `n`-th (1-based, by start) stage of a kind of the case end an hour after its due time. */
async function makeLate(id: string, stage: string, n = 1) {
  await t.database.query(sql`UPDATE case_stage SET due_at = stopped_at - interval '1 hour'
    WHERE id = (SELECT id FROM case_stage WHERE case_id = ${id} AND stage = ${stage}
                ORDER BY started_at, id OFFSET ${n - 1} LIMIT 1)`);
}

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  unitId = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
  const std = (await t.as(admin).get(`/api/catalog/standards/${MATTER}`)).json();
  filingConditionId = std.filingConditions[0].id;
  for (const u of ['haishu.inspector', 'haishu.acceptor', 'haishu.shift_leader', 'haishu.dispatcher']) {
    const me = (await t.as(await t.login(u)).get('/api/me')).json();
    users[u] = me.user.id;
  }

  // A
  ids.A = await report('haishu.inspector', 'inspector');
  await fullLoop(ids.A);
  // B
  ids.B = await report('haishu.inspector', 'inspector');
  await fullLoop(ids.B);
  // C, D: hotline with a phone; called back
  ids.C = await report('haishu.acceptor', 'hotline', '13900000001');
  await fullLoop(ids.C);
  await callBack(ids.C, 'satisfied');
  ids.D = await report('haishu.acceptor', 'hotline', '13900000002');
  await fullLoop(ids.D);
  await callBack(ids.D, 'dissatisfied');
  // E: rework
  ids.E = await report('haishu.inspector', 'inspector');
  await toDispatched(ids.E);
  await step('unit.haishu-sanitation', ids.E, 'sign');
  await feedBack(ids.E);
  await step('haishu.acceptor', ids.E, 'request_check');
  await step('haishu.inspector', ids.E, 'check_fail', {
    reason: '未清理干净',
    photos: await photo('haishu.inspector'),
  });
  await step('haishu.dispatcher', ids.E, 'rework', { reason: '未清理干净' });
  await step('unit.haishu-sanitation', ids.E, 'sign');
  await feedBack(ids.E);
  await checkPass(ids.E);
  await step('haishu.shift_leader', ids.E, 'close');
  // F: parked
  ids.F = await report('haishu.inspector', 'inspector');
  await toDispatched(ids.F);
  await step('unit.haishu-sanitation', ids.F, 'sign');
  await step('unit.haishu-sanitation', ids.F, 'apply_parking', { reason: '需等待管线改造' });
  await step('haishu.dispatcher', ids.F, 'approve_parking');
  // G: extension
  ids.G = await report('haishu.inspector', 'inspector');
  await toDispatched(ids.G);
  await step('unit.haishu-sanitation', ids.G, 'sign');
  await step('unit.haishu-sanitation', ids.G, 'apply_extension', {
    reason: '需要协调物业',
    extension: { amount: 2, unit: 'work_hour' },
  });
  await step('haishu.dispatcher', ids.G, 'approve_extension');
  await feedBack(ids.G);
  await checkPass(ids.G);
  await step('haishu.shift_leader', ids.G, 'close');
  // H: voided before dispatch
  ids.H = await report('haishu.inspector', 'inspector');
  await step('haishu.acceptor', ids.H, 'accept_report', { matterType: MATTER });
  await fileIt(ids.H);
  await step('haishu.dispatcher', ids.H, 'request_void', { reason: '重复立案' });
  await step('haishu.shift_leader', ids.H, 'approve_void');
  // J: hotline, verified, dispatched, open; I merged into it
  ids.J = await report('haishu.acceptor', 'hotline');
  await step('haishu.acceptor', ids.J, 'request_verify');
  await step('haishu.inspector', ids.J, 'verify_confirm', { photos: await photo('haishu.inspector') });
  await fileIt(ids.J);
  await step('haishu.dispatcher', ids.J, 'dispatch', { unitId });
  await step('unit.haishu-sanitation', ids.J, 'sign');
  ids.I = await report('haishu.inspector', 'inspector');
  await step('haishu.acceptor', ids.I, 'accept_report', { matterType: MATTER });
  await step('haishu.shift_leader', ids.I, 'merge_duplicate', { targetCaseId: ids.J });
  // K: rejected at acceptance
  ids.K = await report('haishu.inspector', 'inspector');
  await step('haishu.acceptor', ids.K, 'reject', { reason: '不属于城管范围' });
  // L: verified not true, rejected by the shift leader
  ids.L = await report('haishu.acceptor', 'hotline');
  await step('haishu.acceptor', ids.L, 'request_verify');
  await step('haishu.inspector', ids.L, 'verify_deny', {
    reason: '现场未发现',
    photos: await photo('haishu.inspector'),
  });
  await step('haishu.shift_leader', ids.L, 'reject', { reason: '核实不属实' });
  // M: fixed on the spot
  ids.M = await report('haishu.inspector', 'inspector');
  await step('haishu.inspector', ids.M, 'self_dispose', { photos: await photo('haishu.inspector') });
  await step('haishu.shift_leader', ids.M, 'close');
  // N: a department's own fix
  grid += 6;
  const np = await pointIn(t, '330203', grid);
  const nres = await t.as(await t.login('unit.haishu-sanitation')).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'department',
    description: '自查：人行道垃圾已清运',
    location: { lng: np.lng, lat: np.lat, crs: 'wgs84' },
    matterCode: MATTER,
    photos: await photo('unit.haishu-sanitation'),
    selfDisposal: { note: '已清运', photos: await photo('unit.haishu-sanitation') },
  });
  expect(nres.statusCode, nres.body).toBe(201);
  const [nrow] = await t.database.query<{ case_id: string }>(
    sql`SELECT case_id FROM report WHERE id = ${nres.json().reportId}`,
  );
  ids.N = nrow.case_id;
  await step('haishu.shift_leader', ids.N, 'close');
  // Q: October
  ids.Q = await report('haishu.inspector', 'inspector');
  await fullLoop(ids.Q);

  // Place the history in time (each case on its own day, 09:00 China time).
  const days: Record<string, string> = {
    A: '2026-11-10T09:00:00',
    B: '2026-11-11T09:00:00',
    C: '2026-11-12T09:00:00',
    D: '2026-11-13T09:00:00',
    E: '2026-11-16T09:00:00',
    F: '2026-11-17T09:00:00',
    G: '2026-11-18T09:00:00',
    H: '2026-11-19T09:00:00',
    J: '2026-11-20T09:00:00',
    I: '2026-11-20T10:00:00',
    K: '2026-11-23T09:00:00',
    L: '2026-11-24T09:00:00',
    M: '2026-11-25T09:00:00',
    N: '2026-11-26T09:00:00',
    Q: '2026-10-20T09:00:00',
  };
  for (const [k, at] of Object.entries(days)) await placeCase(ids[k], at);
  // A's disposal: dispatched 09:00, fed back 15:00 on Tuesday 10 November (4 working hours).
  await t.database.query(sql`UPDATE case_stage SET started_at = ${china('2026-11-10T09:00:00')},
    stopped_at = ${china('2026-11-10T15:00:00')}, due_at = ${china('2026-11-12T09:00:00')}
    WHERE case_id = ${ids.A} AND stage = 'dispose'`);
  await makeLate(ids.B, 'filing');
  await makeLate(ids.B, 'dispose');
  await makeLate(ids.C, 'close');
  await makeLate(ids.E, 'check', 1);
  await makeLate(ids.J, 'verify');
  await makeLate(ids.J, 'dispatch');
  await makeLate(ids.K, 'accept');
}, 600_000);
afterAll(async () => t?.close());

type Fig = { indicator: string; numerator: number; denominator: number; value: number | null };
async function figuresOf(token: string, subjectType: string, subject: string) {
  const res = await t
    .as(token)
    .get(`/api/evaluation/figures?subjectType=${subjectType}&from=${FROM}&to=${TO}`);
  expect(res.statusCode, res.body).toBe(200);
  const s = (res.json().subjects as { subject: string; figures: Fig[] }[]).find((x) => x.subject === subject);
  return Object.fromEntries((s?.figures ?? []).map((f) => [f.indicator, [f.numerator, f.denominator]]));
}

async function drillCases(
  token: string,
  indicator: string,
  subjectType: string,
  subject: string,
  part: string,
) {
  const res = await t
    .as(token)
    .get(
      `/api/evaluation/drill?indicator=${indicator}&subjectType=${subjectType}&subject=${subject}&from=${FROM}&to=${TO}&part=${part}&pageSize=200`,
    );
  expect(res.statusCode, res.body).toBe(200);
  const name = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  return (res.json().items as { caseId: string }[]).map((i) => name[i.caseId] ?? i.caseId).sort();
}

/**
 * Expected figures, by hand: indicator → [numerator, denominator] and the cases of each part
 * (a case twice when it is counted twice — E's two checks). Counts: numerator = denominator.
 */
type Expect = Record<string, { num: string[]; den: string[] }>;
const same = (cases: string[]) => ({ num: cases, den: cases });

const DISTRICT: Expect = {
  // Reports: every case's own report; I's report now sits on J (merged).
  reports: same(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'J', 'K', 'L', 'M', 'N']),
  // Valid: not merged, case filed or closed (M, N closed after a fix on the spot). K, L rejected.
  validReportRate: {
    num: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'M', 'N'],
    den: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'J', 'K', 'L', 'M', 'N'],
  },
  // Filed: A B C D E F G H J. Missed: J (hotline, verified true).
  missRate: { num: ['J'], den: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J'] },
  // Acceptance decisions: accept (A B C D E F G H I), request_verify (J L), reject (K, late).
  // M's acceptance stage ended by the fix on the spot, N's by the department's fix: not decisions.
  onTimeAcceptRate: {
    num: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'L'],
    den: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L'],
  },
  // Verifications: J (late), L.
  onTimeVerifyRate: { num: ['L'], den: ['J', 'L'] },
  // Checks: A B C D E(1st, late) E(2nd) G.
  onTimeCheckRate: { num: ['A', 'B', 'C', 'D', 'E', 'G'], den: ['A', 'B', 'C', 'D', 'E', 'E', 'G'] },
  // Filed less parked (F).
  filedCount: same(['A', 'B', 'C', 'D', 'E', 'G', 'H', 'J']),
  // Filing decisions: file (A B C D E F G H J), reject from pending filing (L). B late. I merged: not one.
  onTimeFilingRate: {
    num: ['A', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'L'],
    den: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'L'],
  },
  // (Filed − voided) / filed: H voided.
  filingAccuracy: {
    num: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'J'],
    den: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J'],
  },
  // Dispatch decisions: A B C D E F G J (late); H's stage ended by the void.
  onTimeDispatchRate: {
    num: ['A', 'B', 'C', 'D', 'E', 'F', 'G'],
    den: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'J'],
  },
  // Dispatched: A B C D E F G J; E reworked.
  dispatchAccuracy: {
    num: ['A', 'B', 'C', 'D', 'F', 'G', 'J'],
    den: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'J'],
  },
  // Disposed (fed back or later): A B C E G; D reopened (pending dispatch), F parked, J in progress.
  disposalRate: { num: ['A', 'B', 'C', 'E', 'G'], den: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'J'] },
  // On time: disposed with no late disposal stage: B's was late.
  onTimeDisposalRate: { num: ['A', 'C', 'E', 'G'], den: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'J'] },
  // Overdue: B ended late; J's stage still runs, long past its due time of November. (F's is paused.)
  overdueDisposalRate: { num: ['B', 'J'], den: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'J'] },
  // Filed A B C D E F G H J; closed A B C E G (D reopened).
  closureRate: { num: ['A', 'B', 'C', 'E', 'G'], den: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J'] },
  onTimeClosureRate: { num: ['A', 'C', 'E', 'G'], den: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J'] },
  // Closing decisions: close of A B C(late) D E G M N.
  onTimeCloseRate: {
    num: ['A', 'B', 'D', 'E', 'G', 'M', 'N'],
    den: ['A', 'B', 'C', 'D', 'E', 'G', 'M', 'N'],
  },
  reworkRate: { num: ['E'], den: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J'] },
  // Closed now, with disposal stages: A B C E G (M, N have none).
  avgHandlingHours: same(['A', 'B', 'C', 'E', 'G']),
  // C 满意, D 不满意.
  satisfactionRate: { num: ['C'], den: ['C', 'D'] },
  departmentSelfDisposals: same(['N']),
};

const pick = (e: Expect, keys: string[]) => Object.fromEntries(keys.map((k) => [k, e[k]]));
const minus = (cases: string[], out: string[]) => cases.filter((c) => !out.includes(c));

// The unit U: every dispatched case is U's; N is U's own fix.
const UNIT: Expect = {
  filedCount: same(['A', 'B', 'C', 'D', 'E', 'G', 'J']),
  disposalRate: DISTRICT.disposalRate,
  onTimeDisposalRate: DISTRICT.onTimeDisposalRate,
  overdueDisposalRate: DISTRICT.overdueDisposalRate,
  closureRate: { num: DISTRICT.closureRate.num, den: minus(DISTRICT.closureRate.den, ['H']) },
  onTimeClosureRate: {
    num: DISTRICT.onTimeClosureRate.num,
    den: minus(DISTRICT.onTimeClosureRate.den, ['H']),
  },
  reworkRate: { num: ['E'], den: minus(DISTRICT.reworkRate.den, ['H']) },
  avgHandlingHours: DISTRICT.avgHandlingHours,
  satisfactionRate: DISTRICT.satisfactionRate,
  departmentSelfDisposals: same(['N']),
};

// The inspector: reports on the inspector channel (A B E F G H I→J K M), verifications, checks.
const INSPECTOR: Expect = {
  reports: same(['A', 'B', 'E', 'F', 'G', 'H', 'J', 'K', 'M']),
  validReportRate: {
    num: ['A', 'B', 'E', 'F', 'G', 'H', 'M'],
    den: ['A', 'B', 'E', 'F', 'G', 'H', 'J', 'K', 'M'],
  },
  onTimeVerifyRate: DISTRICT.onTimeVerifyRate,
  onTimeCheckRate: DISTRICT.onTimeCheckRate,
};
const ACCEPTOR: Expect = pick(DISTRICT, ['onTimeAcceptRate']);
// The shift leader: filings (A B C D E F G H J), filing decisions, closings.
const SHIFT_LEADER: Expect = {
  filedCount: DISTRICT.filedCount,
  onTimeFilingRate: DISTRICT.onTimeFilingRate,
  filingAccuracy: DISTRICT.filingAccuracy,
  onTimeCloseRate: DISTRICT.onTimeCloseRate,
};
const DISPATCHER: Expect = pick(DISTRICT, ['onTimeDispatchRate', 'dispatchAccuracy']);

const counts = (e: Expect) =>
  Object.fromEntries(Object.entries(e).map(([k, v]) => [k, [v.num.length, v.den.length]]));

describe('every indicator of a district, a unit and each post, by hand', () => {
  const cases: [string, string, () => string, Expect][] = [
    ['the district 海曙', 'district', () => '330203', DISTRICT],
    ['the unit 海曙区环境卫生管理处', 'unit', () => unitId, UNIT],
    ['the inspector', 'inspector', () => users['haishu.inspector'], INSPECTOR],
    ['the acceptor', 'acceptor', () => users['haishu.acceptor'], ACCEPTOR],
    ['the shift leader', 'shift_leader', () => users['haishu.shift_leader'], SHIFT_LEADER],
    ['the dispatcher', 'dispatcher', () => users['haishu.dispatcher'], DISPATCHER],
  ];
  for (const [label, type, subject, expected] of cases) {
    it(`${label}: figures as written out, and each drill-down lists exactly the cases counted`, async () => {
      const leader = await t.login('city.leader');
      expect(await figuresOf(leader, type, subject())).toEqual(counts(expected));
      const kinds = new Map(
        (
          (await t.as(leader).get('/api/evaluation/indicators')).json().items as {
            key: string;
            kind: string;
          }[]
        ).map((d) => [d.key, d.kind]),
      );
      for (const [indicator, e] of Object.entries(expected)) {
        expect(
          await drillCases(leader, indicator, type, subject(), 'denominator'),
          `${indicator} den`,
        ).toEqual([...e.den].sort());
        if (kinds.get(indicator) !== 'rate') {
          // A count or an average has its rows only: no numerator to list (400 naming the part).
          const res = await t
            .as(leader)
            .get(
              `/api/evaluation/drill?indicator=${indicator}&subjectType=${type}&subject=${subject()}&from=${FROM}&to=${TO}&part=numerator`,
            );
          expect(res.statusCode, `${indicator} num`).toBe(400);
          expect(res.json().error.details[0].field).toBe('querystring.part');
          continue;
        }
        expect(await drillCases(leader, indicator, type, subject(), 'numerator'), `${indicator} num`).toEqual(
          [...e.num].sort(),
        );
      }
    });
  }

  it('rates and averages: the value is the numerator over the denominator; handling time in working hours', async () => {
    const leader = await t.login('city.leader');
    const res = await t.as(leader).get(`/api/evaluation/figures?subjectType=unit&from=${FROM}&to=${TO}`);
    const figs = (res.json().subjects as { subject: string; figures: Fig[] }[]).find(
      (s) => s.subject === unitId,
    )!.figures;
    const by = (k: string) => figs.find((f) => f.indicator === k)!;
    expect(by('closureRate').value).toBeCloseTo(5 / 8, 10);
    expect(by('filedCount').value).toBe(7);
    // A: 4 working hours; B C E G: seconds each.
    expect(by('avgHandlingHours').value).toBeCloseTo(4 / 5, 2);
    const drill = await t
      .as(leader)
      .get(
        `/api/evaluation/drill?indicator=avgHandlingHours&subjectType=unit&subject=${unitId}&from=${FROM}&to=${TO}`,
      );
    const a = (drill.json().items as { caseId: string; value: number }[]).find((i) => i.caseId === ids.A)!;
    expect(a.value).toBeCloseTo(4, 6);
  });

  it('a rate drills to what was due and not met: the on-time disposal rate to the cases not disposed on time', async () => {
    const leader = await t.login('city.leader');
    for (const [type, subject, e] of [
      ['district', '330203', DISTRICT.onTimeDisposalRate],
      ['unit', unitId, UNIT.onTimeDisposalRate],
    ] as const) {
      const unmet = await drillCases(leader, 'onTimeDisposalRate', type, subject, 'unmet');
      expect(unmet, type).toEqual(minus(e.den, e.num).sort());
    }
    // Not met is not the same as overdue: D (reopened) and F (parked) are not yet disposed, not late.
    expect(DISTRICT.overdueDisposalRate.num.sort()).toEqual(['B', 'J']);
  });

  it('a grid is a subject of its own: the cases in it only', async () => {
    const leader = await t.login('city.leader');
    const [row] = await t.database.query<{ grid_id: string }>(
      sql`SELECT grid_id FROM case_file WHERE id = ${ids.A}`,
    );
    expect(await figuresOf(leader, 'grid', row.grid_id)).toMatchObject({
      filedCount: [1, 1],
      closureRate: [1, 1],
    });
  });

  it('October is outside the period: Q appears in nothing', async () => {
    const leader = await t.login('city.leader');
    const oct = await t
      .as(leader)
      .get(`/api/evaluation/figures?subjectType=district&from=2026-10-01&to=2026-11-01&indicator=filedCount`);
    expect(oct.json().subjects).toMatchObject([
      { subject: '330203', figures: [{ numerator: 1, denominator: 1 }] },
    ]);
  });
});

describe('stage decisions', () => {
  it('each stopped decision stage records the transition that ended it and its actor; migration 0029’s backfill from the events pairs them the same way', async () => {
    const live = await t.database.query<{ id: string; ended_by: string | null; ended_actor: string | null }>(
      sql`SELECT id, ended_by, ended_actor FROM case_stage
          WHERE stopped_at IS NOT NULL AND stage IN ('accept', 'verify', 'filing', 'dispatch', 'check', 'close')
          ORDER BY id`,
    );
    expect(live.length).toBeGreaterThan(40);
    for (const r of live) expect(r.ended_by, r.id).toMatch(/^case\./);
    // As an installation before 0029 had them: the columns empty; then the migration's backfill.
    const backfill = fs
      .readFileSync(path.join(import.meta.dirname, '../../db/migrations/0029_stage_decision.sql'), 'utf8')
      .split('--> statement-breakpoint')
      .at(-1)!;
    await t.database.query(sql`UPDATE case_stage SET ended_by = NULL, ended_actor = NULL`);
    await t.database.query(sql.raw(backfill));
    const filled = await t.database.query<{
      id: string;
      ended_by: string | null;
      ended_actor: string | null;
    }>(
      sql`SELECT id, ended_by, ended_actor FROM case_stage
          WHERE stopped_at IS NOT NULL AND stage IN ('accept', 'verify', 'filing', 'dispatch', 'check', 'close')
          ORDER BY id`,
    );
    expect(filled).toEqual(live);
  });
});

describe('working time in SQL', () => {
  it('W(b) − W(a) equals the calendar’s working time, across weekends, the National Day holiday and its make-up days', async () => {
    const calendar = await getCalendar(t.app.db);
    const from = china('2026-09-01T00:00:00');
    const to = china('2026-12-01T00:00:00');
    const wt = workTimeSql(calendar, from, to);
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const span = to.getTime() - from.getTime();
    for (let i = 0; i < 40; i++) {
      const a = new Date(from.getTime() + Math.floor(rand() * span));
      // Within the table's days (instants past its end are clamped to it).
      const b = new Date(Math.min(to.getTime(), a.getTime() + Math.floor(rand() * 20 * 86_400_000)));
      const [row] = await t.database.query<{ ms: string }>(
        sql`SELECT (${wt.workMs(sql`${b}::timestamptz`)} - ${wt.workMs(sql`${a}::timestamptz`)})::text AS ms`,
      );
      expect(Number(row.ms), `${a.toISOString()} → ${b.toISOString()}`).toBe(
        Math.round(calendar.elapsedWorkTime(a, b, 'work_hour') * 3_600_000),
      );
    }
  });
});

describe('who reads the evaluation', () => {
  it('the definitions: every indicator with its description, counted rows and time', async () => {
    const res = await t.as(await t.login('haishu.dispatcher')).get('/api/evaluation/indicators');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as {
      key: string;
      description: { zh: string };
      countsIn: { en: string };
    }[];
    expect(items.map((i) => i.key)).toContain('onTimeDisposalRate');
    for (const i of items) expect(i.description.zh.length).toBeGreaterThan(5);
  });

  it('a district sees its own district only; another district cannot read its figures nor drill into its cases', async () => {
    const jiangbei = await t.login('jiangbei.shift_leader');
    const districts = (
      await t.as(jiangbei).get(`/api/evaluation/figures?subjectType=district&from=${FROM}&to=${TO}`)
    ).json();
    expect(districts.subjects.map((s: { subject: string }) => s.subject)).not.toContain('330203');
    const units = (
      await t.as(jiangbei).get(`/api/evaluation/figures?subjectType=unit&from=${FROM}&to=${TO}`)
    ).json();
    expect(units.subjects).toEqual([]);
    for (const [type, subject] of [
      ['district', '330203'],
      ['unit', unitId],
      ['shift_leader', users['haishu.shift_leader']],
    ]) {
      const drill = await t
        .as(jiangbei)
        .get(
          `/api/evaluation/drill?indicator=filedCount&subjectType=${type}&subject=${subject}&from=${FROM}&to=${TO}`,
        );
      expect(drill.statusCode, `${type} ${drill.body}`).toBe(404);
    }
    // 海曙's own dispatcher reads its district.
    const haishu = await t.login('haishu.dispatcher');
    expect(await figuresOf(haishu, 'district', '330203')).toEqual(counts(DISTRICT));
  });

  it('a unit, an inspector and an acceptor may not read it (403)', async () => {
    for (const u of ['unit.haishu-sanitation', 'haishu.inspector', 'haishu.acceptor']) {
      const res = await t
        .as(await t.login(u))
        .get(`/api/evaluation/figures?subjectType=district&from=${FROM}&to=${TO}`);
      expect(res.statusCode, u).toBe(403);
    }
  });

  it('bad input: an unknown indicator or a reversed period is 400 with a reason', async () => {
    const leader = await t.login('city.leader');
    const a = await t
      .as(leader)
      .get(`/api/evaluation/drill?indicator=nope&subjectType=district&subject=330203&from=${FROM}&to=${TO}`);
    expect(a.statusCode).toBe(400);
    const b = await t.as(leader).get(`/api/evaluation/figures?subjectType=district&from=${TO}&to=${FROM}`);
    expect(b.statusCode).toBe(400);
    const c = await t
      .as(leader)
      .get(
        `/api/evaluation/drill?indicator=missRate&subjectType=unit&subject=${unitId}&from=${FROM}&to=${TO}`,
      );
    expect(c.statusCode).toBe(400);
  });
});

// ---- templates and rankings (issue 11 items 2 and 4)

interface Line {
  subject: string;
  label: string;
  score: number | null;
  grade: string | null;
  rank: number | null;
  previousRank: number | null;
  movement: number | null;
  items: { indicator: string; weight: number; score: number | null }[];
}
const rate = (e: { num: string[]; den: string[] }) => e.num.length / e.den.length;
const round2 = (x: number) => Math.round(x * 100) / 100;
/** U's score under the default unit template, from the counts written out above (UNIT). */
const U_DEFAULT_SCORE = round2(
  (10 * 100 + // 7 filed cases: the band "up to 50" scores 100
    30 * rate(UNIT.closureRate) * 100 +
    30 * rate(UNIT.onTimeDisposalRate) * 100 +
    30 * (1 - rate(UNIT.reworkRate)) * 100) /
    100,
);
const gradeOf = (x: number) => (x >= 90 ? 'A' : x >= 75 ? 'B' : x >= 60 ? 'C' : x >= 40 ? 'D' : 'E');

describe('templates and rankings', () => {
  let published = '';
  let publishedLines: Line[] = [];

  it('every subject type has a template, version 1, the platform default (domain.md §8)', async () => {
    const res = await t.as(await t.login('haishu.dispatcher')).get('/api/evaluation/templates');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as {
      subjectType: string;
      version: number;
      isDefault: boolean;
      definition: { items: { indicator: string; weight: number; score: string }[] };
    }[];
    expect(items.map((i) => i.subjectType).sort()).toEqual(
      [
        'acceptor',
        'community',
        'dispatcher',
        'district',
        'grid',
        'inspector',
        'shift_leader',
        'township',
        'unit',
      ].sort(),
    );
    const unit = items.find((i) => i.subjectType === 'unit')!;
    expect(unit.version).toBe(1);
    expect(unit.isDefault).toBe(true);
    expect(unit.definition.items.map((i) => [i.indicator, i.weight, i.score])).toEqual([
      ['filedCount', 10, 'bands'],
      ['closureRate', 30, 'rate'],
      ['onTimeDisposalRate', 30, 'rate'],
      ['reworkRate', 30, 'inverse'],
    ]);
  });

  it('computes the unit ranking of November as a draft: U scored by hand, ranked, compared with October', async () => {
    const res = await t
      .as(await t.login('city.supervisor'))
      .post('/api/evaluation/rankings', { subjectType: 'unit', from: FROM, to: TO });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r.state).toBe('draft');
    expect(r.version).toBe(1);
    expect(r.templateVersion).toBe(1);
    expect([r.previousFrom, r.previousTo, r.previousSource]).toEqual([
      '2026-10-01',
      '2026-11-01',
      'computed',
    ]);
    const u = (r.lines as Line[]).find((l) => l.subject === unitId)!;
    expect(u.score).toBe(U_DEFAULT_SCORE);
    expect(u.grade).toBe(gradeOf(U_DEFAULT_SCORE));
    expect(u.rank).toBe(1);
    // Q, in October, was U's: U ranked first then too.
    expect([u.previousRank, u.movement]).toEqual([1, 0]);
    expect(u.items.find((i) => i.indicator === 'reworkRate')!.score).toBe(
      round2((1 - rate(UNIT.reworkRate)) * 100),
    );
    published = r.id;
    publishedLines = r.lines;
  });

  it('only a city leader publishes; a published ranking is frozen, even to SQL', async () => {
    const sup = await t
      .as(await t.login('city.supervisor'))
      .post(`/api/evaluation/rankings/${published}/publish`);
    expect(sup.statusCode, sup.body).toBe(403);
    const haishu = await t
      .as(await t.login('haishu.shift_leader'))
      .post(`/api/evaluation/rankings/${published}/publish`);
    expect(haishu.statusCode).toBe(403);
    const leader = await t.login('city.leader');
    const ok = await t.as(leader).post(`/api/evaluation/rankings/${published}/publish`);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().state).toBe('published');
    expect(ok.json().publishedBy).toBeTruthy();
    const again = await t.as(leader).post(`/api/evaluation/rankings/${published}/publish`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/已发布/);
    await expect(
      t.database.db.execute(sql`UPDATE evaluation_ranking SET lines = '[]'::jsonb WHERE id = ${published}`),
    ).rejects.toThrow();
    await expect(
      t.database.db.execute(sql`DELETE FROM evaluation_ranking WHERE id = ${published}`),
    ).rejects.toThrow();
  });

  it('a period to come is not computed; dates outside 2000–2099 are 400 naming the field', async () => {
    const sup = t.as(await t.login('city.supervisor'));
    const leader = t.as(await t.login('city.leader'));
    const future = await sup.post('/api/evaluation/rankings', {
      subjectType: 'district',
      from: '2099-01-01',
      to: '2099-02-01',
    });
    expect(future.statusCode, future.body).toBe(400);
    expect(future.json().error.details[0].field).toBe('body.from');

    for (const [from, to, field] of [
      ['0000-01-01', '2026-12-01', 'from'],
      ['9999-11-01', '9999-12-31', 'from'],
      ['2026-11-01', '10000-01-01', 'to'],
    ]) {
      for (const url of [
        `/api/evaluation/figures?subjectType=district&from=${from}&to=${to}`,
        `/api/decision/trends?from=${from}&to=${to}`,
      ]) {
        const res = await leader.get(url);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
        if (res.json().error.details?.[0]?.field)
          expect(res.json().error.details[0].field).toMatch(new RegExp(field));
      }
    }
    const body = await sup.post('/api/evaluation/rankings', {
      subjectType: 'district',
      from: '2026-11-05',
      to: '2026-11-01',
    });
    expect(body.statusCode).toBe(400);
    expect(body.json().error.details[0].field).toBe('body.to');
  });

  it('a template edit makes a new version; recomputing makes a new ranking version; the published one does not change', async () => {
    const sup = await t.login('city.supervisor');
    const definition = {
      items: [
        { indicator: 'closureRate', weight: 50, score: 'rate' },
        { indicator: 'onTimeDisposalRate', weight: 50, score: 'rate' },
      ],
      grades: [
        { grade: 'A', min: 95 },
        { grade: 'B', min: 80 },
        { grade: 'C', min: 60 },
        { grade: 'D', min: 30 },
        { grade: 'E', min: 0 },
      ],
    };
    const saved = await t
      .as(sup)
      .put('/api/evaluation/templates/unit', { baseVersion: 1, definition, note: '试行' });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().version).toBe(2);
    // The edit started from version 1 again: someone saved meanwhile.
    const stale = await t.as(sup).put('/api/evaluation/templates/unit', { baseVersion: 1, definition });
    expect(stale.statusCode).toBe(409);
    // Saving the same definition again (keys in another order) makes no version: the current one answers.
    const same = await t.as(sup).put('/api/evaluation/templates/unit', {
      baseVersion: 2,
      definition: { grades: definition.grades, items: definition.items },
      note: '未改动',
    });
    expect(same.statusCode, same.body).toBe(200);
    expect([same.json().version, same.json().note]).toEqual([2, '试行']);
    const versions = (await t.as(sup).get('/api/evaluation/templates/unit/versions')).json().items;
    expect(versions.map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([
      [2, true],
      [1, false],
    ]);

    const again = await t
      .as(sup)
      .post('/api/evaluation/rankings', { subjectType: 'unit', from: FROM, to: TO });
    expect(again.statusCode, again.body).toBe(201);
    expect([again.json().version, again.json().templateVersion, again.json().state]).toEqual([2, 2, 'draft']);
    // October's movement now reads the published ranking? No: October has none; November's is v1.
    const u2 = (again.json().lines as Line[]).find((l) => l.subject === unitId)!;
    const expected = round2(
      (50 * rate(UNIT.closureRate) * 100 + 50 * rate(UNIT.onTimeDisposalRate) * 100) / 100,
    );
    expect(u2.score).toBe(expected);

    const v1 = (await t.as(await t.login('city.leader')).get(`/api/evaluation/rankings/${published}`)).json();
    expect(v1.state).toBe('published');
    expect(v1.templateVersion).toBe(1);
    expect(v1.lines).toEqual(publishedLines);
  });

  it('a bad template is 400 naming each problem, in the caller’s language; a district may not edit (403)', async () => {
    const sup = await t.login('city.supervisor');
    const bad = await t.as(sup).put('/api/evaluation/templates/unit', {
      baseVersion: 2,
      definition: {
        items: [
          { indicator: 'validReportRate', weight: 50, score: 'rate' },
          { indicator: 'filedCount', weight: 40, score: 'rate' },
          { indicator: 'closureRate', weight: 0.0000001, score: 'rate' },
        ],
        grades: [
          { grade: 'A', min: 90 },
          { grade: 'B', min: 95 },
          { grade: 'C', min: 60 },
          { grade: 'D', min: 40 },
          { grade: 'E', min: 0 },
        ],
      },
    });
    expect(bad.statusCode).toBe(400);
    const fields = (bad.json().error.details as { field: string }[]).map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.definition.items[0].indicator',
        'body.definition.items[1].score',
        'body.definition.items',
        'body.definition.grades[1].min',
        'body.definition.items[2].weight',
      ]),
    );
    expect(bad.json().error.message).toMatch(/权重合计须为 100/);
    const en = await t
      .as(sup)
      .put(
        '/api/evaluation/templates/unit',
        { baseVersion: 2, definition: { items: [], grades: [] } },
        { 'accept-language': 'en' },
      );
    expect(en.statusCode).toBe(400);
    expect(en.json().error.message).toMatch(/At least one indicator/);
    const district = await t
      .as(await t.login('haishu.shift_leader'))
      .put('/api/evaluation/templates/unit', { baseVersion: 2, definition: { items: [], grades: [] } });
    expect(district.statusCode).toBe(403);
    // Nothing was saved by the refusals.
    const cur = (await t.as(sup).get('/api/evaluation/templates'))
      .json()
      .items.find((i: { subjectType: string }) => i.subjectType === 'unit');
    expect(cur.version).toBe(2);
  });

  it('the public portal shows the published ranking, never the draft, and no people', async () => {
    const res = await t.as(null).get('/api/public/rankings?subjectType=unit');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.ranking.version).toBe(1);
    expect(body.periods).toHaveLength(1);
    const line = body.ranking.lines.find((l: { label: string }) => l.label === '海曙区环境卫生管理处');
    expect(line.score).toBe(U_DEFAULT_SCORE);
    expect(Object.keys(line).sort()).toEqual([
      'grade',
      'items',
      'label',
      'movement',
      'previousRank',
      'rank',
      'score',
    ]);
    const posts = await t.as(null).get('/api/public/rankings?subjectType=inspector');
    expect(posts.statusCode).toBe(400);
    const none = (await t.as(null).get('/api/public/rankings?subjectType=district')).json();
    expect(none.ranking).toBeNull();
  });

  it('a district reads published rankings only, and its own subjects’ lines', async () => {
    const haishu = await t.login('haishu.shift_leader');
    const list = (await t.as(haishu).get('/api/evaluation/rankings?subjectType=unit')).json().items;
    expect(list.map((r: { version: number; state: string }) => [r.version, r.state])).toEqual([
      [1, 'published'],
    ]);
    const drafts = (
      await t.as(await t.login('city.leader')).get('/api/evaluation/rankings?subjectType=unit&state=draft')
    ).json().items;
    expect(drafts).toHaveLength(1);
    expect((await t.as(haishu).get(`/api/evaluation/rankings/${drafts[0].id}`)).statusCode).toBe(404);
    // Drafts asked for by name: none for a district.
    const draftsOfHaishu = (
      await t.as(haishu).get('/api/evaluation/rankings?subjectType=unit&state=draft')
    ).json();
    expect(draftsOfHaishu.items).toEqual([]);
    const mine = (await t.as(haishu).get(`/api/evaluation/rankings/${published}`)).json();
    expect(mine.lines.map((l: Line) => l.subject)).toContain(unitId);
    // Its own district's units only (rankings.test.ts: not a city-level unit's line either).
    expect(mine.lines.every((l: Line & { districtCode: string | null }) => l.districtCode === '330203')).toBe(
      true,
    );
    const jiangbei = (
      await t.as(await t.login('jiangbei.shift_leader')).get(`/api/evaluation/rankings/${published}`)
    ).json();
    expect(jiangbei.lines.map((l: Line) => l.subject)).not.toContain(unitId);
    const unit = await t.as(await t.login('unit.haishu-sanitation')).get('/api/evaluation/rankings');
    expect(unit.statusCode).toBe(403);
  });

  it('exports the ranking: the workbook opened with exceljs, the PDF read back with pdftotext', async () => {
    const leader = await t.login('city.leader');
    const xlsx = await t.as(leader).get(`/api/evaluation/rankings/${published}/export.xlsx`);
    expect(xlsx.statusCode, xlsx.body).toBe(200);
    expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const rows = ws
      .getSheetValues()
      .filter(Boolean)
      .map((r) => (r as unknown[]).slice(1));
    expect(String(rows[0][0])).toContain('综合评价排名');
    const header = rows.find((r) => r[0] === '排名')!;
    expect(header.slice(0, 6)).toEqual(['排名', '考核对象', '得分', '等级', '上期排名', '升降']);
    expect(header.join(' ')).toContain('按期处置率');
    const uRow = rows.find((r) => r[1] === '海曙区环境卫生管理处')!;
    expect(uRow[2]).toBe(U_DEFAULT_SCORE);
    expect(uRow[3]).toBe(gradeOf(U_DEFAULT_SCORE));

    const pdf = await t.as(leader).get(`/api/evaluation/rankings/${published}/export.pdf`);
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ranking-')), 'r.pdf');
    fs.writeFileSync(file, pdf.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('综合评价排名');
    expect(text).toContain('海曙区环境卫生管理处');
    expect(text).toContain('等级分布');
    // The charts' labels are drawn (a white text outline once hid them) and the footer made no page of its own.
    expect(text).toContain('C (1)');
    expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Pages:\s+1\n/);
    expect(text).toMatch(new RegExp(`${U_DEFAULT_SCORE.toFixed(2)}\\s+${gradeOf(U_DEFAULT_SCORE)}`));
    const en = await t
      .as(leader)
      .get(`/api/evaluation/rankings/${published}/export.pdf`, { 'accept-language': 'en' });
    fs.writeFileSync(file, en.rawPayload);
    const enText = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(enText).toContain('Evaluation ranking');
    expect(enText).toContain('Grades');
  });
});
