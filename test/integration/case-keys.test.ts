/**
 * A key that reports acts in no loop. Reporting (`case:report`) lets a machine — a sensor
 * gateway, the public's app — send reports and nothing else: walked through every action of the
 * transition table on cases standing in every state that has one, a reporting key, a reporting key
 * that also reads cases, and a city key with every permission a key may hold are all refused and
 * change nothing (no merge, no unpark, no urge, no step). The `system` role of the table belongs to
 * the server's own processes only. Reporting with the same keys still works.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../common/identity.ts';
import {
  CASE_ACTIONS,
  type CaseState,
  ruleFor,
  TRANSITIONS,
  transition,
  type WorkflowRole,
} from '../../common/workflow.ts';
import { ERRORS } from '../../server/platform/errors.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';

process.env.DEMO_COMPONENTS ??= '300';

let t: TestApp;
let admin: string;
let unitId: string;
let haishuCentre: string;
let cityCentre: string;
/** A full, valid set of fields, so a refusal is never just a missing or a wrong field. */
let fullInput: Record<string, unknown>;
const casesByState = new Map<CaseState, string>();
let grid = 0;

async function newCase() {
  const p = await pointIn(t, '330203', 30 + grid++);
  const r = await t.as(await t.login('haishu.acceptor')).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'hotline',
    description: '井盖破损，存在安全隐患',
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode: '06004',
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().case.id as string;
}

async function drive(id: string, steps: [string, string, Record<string, unknown>?][]) {
  for (const [user, action, fields] of steps) {
    const r = await actOn(t, user, id, action, fields);
    if (r.statusCode !== 200) throw new Error(`${action}: ${r.statusCode} ${r.body}`);
  }
}

/** What a refused action must leave as it was: the row, its stages, tasks, events and inbox. */
async function snapshot(id: string) {
  const [row] = await t.database.query<Record<string, unknown>>(
    sql`SELECT c.state, c.version, c.updated_at::text AS updated, c.pending::text AS pending, c.unit_id,
               c.urge_count, c.merged_into, c.important, c.urgency,
               (SELECT count(*)::int FROM event e WHERE e.entity_id = c.id::text) AS events,
               (SELECT count(*)::int FROM case_stage s WHERE s.case_id = c.id) AS stages,
               (SELECT count(*)::int FROM case_task k WHERE k.case_id = c.id) AS tasks,
               (SELECT count(*)::int FROM notification n WHERE n.case_id = c.id) AS inbox,
               (SELECT count(*)::int FROM report r WHERE r.case_id = c.id) AS reports
        FROM case_file c WHERE c.id = ${id}`,
  );
  return row;
}

async function newKey(name: string, orgId: string, permissions: readonly Permission[]) {
  const res = await t.as(admin).post('/api/api-keys', { name, orgId, permissions });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().secret as string;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=100')).json().items as {
    id: string;
    name: string;
    kind: string;
    districtCode: string | null;
  }[];
  unitId = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
  haishuCentre = orgs.find((o) => o.kind === 'district_center' && o.districtCode === '330203')!.id;
  cityCentre = orgs.find((o) => o.kind === 'city_center')!.id;
  const std = (await t.as(admin).get('/api/catalog/standards/06004')).json();
  const unitPhoto = await uploadPhoto(t, await t.login('unit.haishu-sanitation'));
  const inspectorPhoto = await uploadPhoto(t, await t.login('haishu.inspector'));
  // The merge target: an open case of the same district, so a merge would go through if allowed.
  const target = await newCase();
  fullInput = {
    reason: '测试原因',
    note: '说明',
    photos: [inspectorPhoto],
    unitId,
    matterType: '06004',
    filingConditionId: std.filingConditions[0].id,
    targetCaseId: target,
    extension: { amount: 1, unit: 'work_hour' },
    rating: 5,
  };
  const accept: [string, string, Record<string, unknown>] = [
    'haishu.acceptor',
    'accept_report',
    { matterType: '06004' },
  ];
  const file: [string, string, Record<string, unknown>] = [
    'haishu.shift_leader',
    'file',
    { matterType: '06004', filingConditionId: std.filingConditions[0].id },
  ];
  const dispatched = [accept, file, ['haishu.dispatcher', 'dispatch', { unitId }]] as [
    string,
    string,
    Record<string, unknown>?,
  ][];
  const working = [...dispatched, ['unit.haishu-sanitation', 'sign']] as typeof dispatched;
  const fedBack = [
    ...working,
    ['unit.haishu-sanitation', 'feed_back', { photos: [unitPhoto], note: '已清理' }],
  ] as typeof dispatched;
  const checking = [...fedBack, ['haishu.acceptor', 'request_check']] as typeof dispatched;
  const pendingClose = [
    ...checking,
    ['haishu.inspector', 'check_pass', { photos: [inspectorPhoto] }],
  ] as typeof dispatched;
  const plan: [CaseState, typeof dispatched][] = [
    ['reported', []],
    ['verifying', [['haishu.acceptor', 'request_verify']]],
    ['pending_filing', [accept]],
    ['self_disposed', [['haishu.inspector', 'self_dispose', { photos: [inspectorPhoto] }]]],
    ['rejected', [['haishu.acceptor', 'reject', { reason: '不属于城管受理范围' }]]],
    ['pending_dispatch', [accept, file]],
    ['escalated', [accept, file, ['haishu.dispatcher', 'escalate', { reason: '跨部门' }]]],
    ['dispatched', dispatched],
    ['returned', [...dispatched, ['unit.haishu-sanitation', 'return', { reason: '非本单位职责' }]]],
    ['in_progress', working],
    [
      'parked',
      [
        ...working,
        ['unit.haishu-sanitation', 'apply_parking', { reason: '需列入年度计划' }],
        ['haishu.dispatcher', 'approve_parking'],
      ],
    ],
    ['fed_back', fedBack],
    ['checking', checking],
    [
      'check_failed',
      [...checking, ['haishu.inspector', 'check_fail', { photos: [inspectorPhoto], reason: '仍有残留' }]],
    ],
    ['pending_close', pendingClose],
    ['closed', [...pendingClose, ['haishu.shift_leader', 'close']]],
  ];
  for (const [state, steps] of plan) {
    const id = await newCase();
    await drive(id, steps);
    casesByState.set(state, id);
  }
}, 180_000);
afterAll(async () => t?.close());

describe('an API key acts in no role of the loop', () => {
  it('the cases stand in every state that has an action, and every rule of the table is walked', () => {
    const walked = new Set(TRANSITIONS.filter((r) => r.from.some((s) => casesByState.has(s))));
    expect(walked.size).toBe(TRANSITIONS.length);
    // The rules that name `system` are among them: merge, unpark, urge, and the call-back's
    // reopen of a closed case a citizen is dissatisfied with, and the referral to filing of a
    // self-disposed case a new report joins.
    const system = TRANSITIONS.filter((r) => r.roles.includes('system')).map((r) => r.action);
    expect(new Set(system)).toEqual(
      new Set(['merge_duplicate', 'unpark', 'urge', 'reopen', 'refer_to_filing']),
    );
  });

  const keys: {
    name: string;
    org: () => string;
    permissions: readonly Permission[];
    /** What every action answers: the table's refusal for an actor without a role, or a fixed code. */
    expect: 'table' | { status: number; code: string };
  }[] = [
    // May not read cases at all: refused for want of case:read, as GET /api/cases/{id} answers it.
    {
      name: '物联感知平台 (report only)',
      org: () => haishuCentre,
      permissions: ['case:report'],
      expect: { status: 403, code: 'FORBIDDEN' },
    },
    // Sees its district's cases, so the table itself answers: no role may act.
    {
      name: '视频智能分析 (report and read)',
      org: () => haishuCentre,
      permissions: ['case:report', 'case:read'],
      expect: 'table',
    },
    {
      name: '市级数据中台 (everything but unit feedback)',
      org: () => cityCentre,
      permissions: PERMISSIONS.filter((p) => p !== 'case:unit_feedback'),
      expect: 'table',
    },
    // A key holding unit feedback must sign its actions with its unit's endpoint secret; the city
    // centre has none, so each call is refused before the case is even read.
    {
      name: '市级全权限密钥 (every permission)',
      org: () => cityCentre,
      permissions: PERMISSIONS,
      expect: { status: 401, code: 'SIGNATURE_INVALID' },
    },
  ];

  for (const k of keys) {
    it(`${k.name}: every action refused, nothing changed; reporting still works`, async () => {
      const key = await newKey(k.name, k.org(), k.permissions);
      let refused = 0;
      for (const [state, id] of casesByState) {
        const before = (await t.as(admin).get(`/api/cases/${id}`)).json();
        expect(before.case.state).toBe(state);
        const start = await snapshot(id);
        // Every action the table has in this state (elsewhere the state alone refuses it).
        for (const action of CASE_ACTIONS.filter((a) => ruleFor(state, a))) {
          const res = await t
            .as(key)
            .post(`/api/cases/${id}/actions/${action}`, { version: before.case.version, ...fullInput });
          const label = `${state} × ${action}: ${res.body}`;
          if (k.expect === 'table') {
            // No role may act, also where the rule names \`system\`.
            const none: WorkflowRole[] = [];
            const expected = transition(state, action, none, { input: { version: 1, ...fullInput } });
            expect(expected.ok).toBe(false);
            if (expected.ok) continue;
            expect(expected.code).toBe('WORKFLOW_ROLE_NOT_ALLOWED');
            expect(res.statusCode, label).toBe(ERRORS[expected.code].status);
            expect(res.json().error.code, label).toBe(expected.code);
          } else {
            expect(res.statusCode, label).toBe(k.expect.status);
            expect(res.json().error.code, label).toBe(k.expect.code);
          }
          refused++;
        }
        expect(await snapshot(id), state).toEqual(start);
        // The case page offers it no button.
        const page = await t.as(key).get(`/api/cases/${id}`);
        if (page.statusCode === 200) expect(page.json().actions, state).toEqual([]);
      }
      const rules = [...casesByState.keys()].reduce(
        (n, s) => n + CASE_ACTIONS.filter((a) => ruleFor(s, a)).length,
        0,
      );
      expect(refused).toBe(rules);
      // The merge target was not touched either, and no action of the key reached the audit trail.
      expect((await t.as(admin).get(`/api/cases/${fullInput.targetCaseId}`)).json().case.state).toBe(
        'reported',
      );
      const [{ n }] = await t.database.query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM event e JOIN api_key k ON k.id::text = e.actor_id
            WHERE k.name = ${k.name} AND e.action LIKE 'case.%'`,
      );
      expect(n).toBe(0);

      // Reporting: the key's whole purpose, unchanged.
      const p = await pointIn(t, '330203', 80 + keys.indexOf(k));
      const report = await t.as(key).post('/api/reports', {
        idempotencyKey: randomUUID(),
        channel: 'app',
        description: '井盖倾斜告警',
        location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
      });
      expect(report.statusCode, report.body).toBe(201);
      expect((await t.as(key).get(`/api/reports/${report.json().reportId}`)).statusCode).toBe(200);
    }, 120_000);
  }
});
