/**
 * Departments' own checks (部门自查, issue 10 item 6): a collaborating unit reports on the channel
 * `department` — a person of the unit, or its own system through an API key holding `case:report`
 * — and may report a problem it has already fixed (自行处置) with the after photos and what was
 * done. The transition table decides it (`department_dispose`, role `department`, own report
 * only) in intake's transaction; the case then waits on the shift leader, who closes it or files
 * it as an ordinary case. Evaluation counts it by its event (`case.department_dispose`, the unit
 * as the actor's organisation) and its channel.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';

let t: TestApp;
let admin: string;
let unitOrg = '';

const snapshot = async () => {
  const [r] = await t.database.query<{ cases: number; reports: number; events: number }>(
    sql`SELECT (SELECT count(*)::int FROM case_file) AS cases, (SELECT count(*)::int FROM report) AS reports,
        (SELECT count(*)::int FROM event) AS events`,
  );
  return r;
};

async function departmentReport(token: string, index: number, extra: Record<string, unknown> = {}) {
  const p = await pointIn(t, '330203', index);
  return t.as(token).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'department',
    description: '自查发现：解放南路人行道污水井盖松动',
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode: '01002',
    ...extra,
  });
}

/** The case behind a report, as the city admin sees it. */
async function caseOfReport(reportId: string) {
  const [row] = await t.database.query<{ case_id: string }>(
    sql`SELECT case_id FROM report WHERE id = ${reportId}`,
  );
  const res = await t.as(admin).get(`/api/cases/${row.case_id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  unitOrg = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
}, 300_000);
afterAll(async () => t?.close());

describe('a department reports what it found', () => {
  it('a unit sees its own checks screen in the menu; centre staff do not', async () => {
    const me = (await t.as(await t.login('unit.haishu-sanitation')).get('/api/me')).json();
    expect(me.menu).toContain('departmentChecks');
    const acceptor = (await t.as(await t.login('haishu.acceptor')).get('/api/me')).json();
    expect(acceptor.menu).not.toContain('departmentChecks');
    expect(acceptor.menu).toContain('opinion');
  });

  it('an ordinary department report comes in for acceptance like any other', async () => {
    const unit = await t.login('unit.haishu-sanitation');
    const res = await departmentReport(unit, 1);
    expect(res.statusCode, res.body).toBe(201);
    // The unit follows its report; the case is the centre's (not dispatched to the unit).
    expect(res.json().case).toBeNull();
    expect(res.json().report.status).toBe('submitted');
    const c = await caseOfReport(res.json().reportId);
    expect(c.case).toMatchObject({ channel: 'department', state: 'reported' });
  });
});

describe('self-disposed (自行处置)', () => {
  let caseId = '';
  let afterPhoto = '';

  it('a unit person reports a fixed problem with the after photo: the case is self-disposed at once', async () => {
    const unit = await t.login('unit.haishu-sanitation');
    const before = await uploadPhoto(t, unit);
    afterPhoto = await uploadPhoto(t, unit);
    const res = await departmentReport(unit, 2, {
      photos: [before],
      selfDisposal: { note: '已更换井盖并加固井座', photos: [afterPhoto] },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().case).toBeNull();
    expect(res.json().report.status).toBe('in_progress');
    const c = await caseOfReport(res.json().reportId);
    caseId = c.case.id;
    expect(c.case).toMatchObject({ channel: 'department', state: 'self_disposed', currentStage: 'close' });
    const step = c.timeline.find((e: { action: string }) => e.action === 'case.department_dispose');
    expect(step.after.input).toEqual({ note: '已更换井盖并加固井座', photos: [afterPhoto] });
    expect(step.actorName).toBe('unit.haishu-sanitation');
    // The district's shift leader closes it (or files it); the after photo is theirs to see.
    const leader = await t.login('haishu.shift_leader');
    const page = (await t.as(leader).get(`/api/cases/${caseId}`)).json();
    const main = page.actions.map((a: { action: string }) => a.action);
    expect(main).toContain('close');
    expect(main).toContain('file');
    expect((await t.as(leader).get(`/api/photos/${afterPhoto}`)).statusCode).toBe(200);
    // Told: the shift leader; not the acceptor (nothing waits on acceptance).
    const [leaderInbox] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM notification n JOIN app_user u ON u.id = n.user_id
          WHERE u.username = 'haishu.shift_leader' AND n.case_id = ${caseId}`,
    );
    expect(leaderInbox.n).toBe(1);
    const [acceptorInbox] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM notification n JOIN app_user u ON u.id = n.user_id
          WHERE u.username = 'haishu.acceptor' AND n.case_id = ${caseId}`,
    );
    expect(acceptorInbox.n).toBe(0);
  });

  it('the shift leader closes it; it counts as the unit’s self-disposal', async () => {
    const res = await actOn(t, 'haishu.shift_leader', caseId, 'close');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().state).toBe('closed');
    // What evaluation counts: closed cases the unit disposed of itself, by its event.
    const [row] = await t.database.query<{ n: number }>(
      sql`SELECT count(DISTINCT c.id)::int AS n FROM case_file c
          JOIN event e ON e.entity_type = 'case' AND e.entity_id = c.id::text AND e.action = 'case.department_dispose'
          WHERE c.state = 'closed' AND c.channel = 'department' AND e.actor_org_id = ${unitOrg}`,
    );
    expect(row.n).toBe(1);
  });

  it('its system reports the same way through an API key (case:report, and case:read for photos)', async () => {
    // Uploading a photo needs case:read (POST /api/photos); reporting, case:report.
    const key = await t.as(admin).post('/api/api-keys', {
      name: '海曙环卫作业系统',
      orgId: unitOrg,
      permissions: ['case:report', 'case:read'],
    });
    expect(key.statusCode, key.body).toBe(201);
    const secret = key.json().secret as string;
    const photo = await uploadPhoto(t, secret);
    const res = await departmentReport(secret, 3, {
      description: '作业巡查：药行街暴露垃圾已清运',
      matterCode: '06010',
      selfDisposal: { note: '已清运并冲洗路面', photos: [photo] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const c = await caseOfReport(res.json().reportId);
    expect(c.case.state).toBe('self_disposed');
    // The case is the centre's: the unit's key does not see it (it is not dispatched to the unit).
    expect((await t.as(secret).get(`/api/cases/${c.case.id}`)).statusCode).toBe(404);
    // The shift leader finds the fix not good enough and files it as an ordinary case.
    const std = (await t.as(admin).get('/api/catalog/standards/06010')).json();
    const filed = await actOn(t, 'haishu.shift_leader', c.case.id, 'file', {
      matterType: '06010',
      filingConditionId: std.filingConditions[0].id,
    });
    expect(filed.statusCode, filed.body).toBe(200);
    expect(filed.json().state).toBe('pending_dispatch');
  });

  it('a self-disposed report is its own case, never merged into an open one nearby', async () => {
    const hs = await t.login('haishu.acceptor');
    const p = await pointIn(t, '330203', 4);
    const open = await t.as(hs).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'hotline',
      description: '市民来电：污水井盖松动',
      location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
      matterCode: '01002',
    });
    expect(open.statusCode).toBe(201);
    const unit = await t.login('unit.haishu-sanitation');
    const photo = await uploadPhoto(t, unit);
    const res = await departmentReport(unit, 4, { selfDisposal: { note: '已加固', photos: [photo] } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().merged).toBe(false);
    const c = await caseOfReport(res.json().reportId);
    expect(c.case.id).not.toBe(open.json().case.id);
    expect(c.case.state).toBe('self_disposed');
  });
});

describe('refused, with nothing written', () => {
  it.each([
    [
      'on another channel',
      'unit.haishu-sanitation',
      { channel: 'hotline' },
      400,
      'VALIDATION_FAILED',
      'body.channel',
    ],
    [
      "by a centre's acceptor (no department)",
      'haishu.acceptor',
      {},
      403,
      'WORKFLOW_ROLE_NOT_ALLOWED',
      'body.selfDisposal',
    ],
    ['by an inspector', 'haishu.inspector', {}, 403, 'WORKFLOW_ROLE_NOT_ALLOWED', 'body.selfDisposal'],
  ] as const)('%s', async (_what, username, extra, status, code, field) => {
    const token = await t.login(username);
    const photo = await uploadPhoto(t, token);
    const before = await snapshot();
    const res = await departmentReport(token, 5, {
      selfDisposal: { note: '已处理', photos: [photo] },
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.details[0].field).toBe(field);
    expect(await snapshot()).toEqual(before);
  });

  it('without the after photo or the note, or with a photo that is not the reporter’s', async () => {
    const unit = await t.login('unit.haishu-sanitation');
    const before = await snapshot();
    for (const selfDisposal of [
      { note: '已处理', photos: [] },
      { photos: ['a'.repeat(64)] },
      { note: '已处理', photos: [await uploadPhoto(t, await t.login('haishu.inspector'))] },
    ]) {
      const res = await departmentReport(unit, 6, { selfDisposal });
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, res.body).toBeLessThan(500);
    }
    expect((await snapshot()).cases).toBe(before.cases);
  });

  it('a district unit reports only in its district', async () => {
    const unit = await t.login('unit.haishu-sanitation');
    const photo = await uploadPhoto(t, unit);
    const p = await pointIn(t, '330205', 1);
    const res = await t.as(unit).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'department',
      description: '江北的井盖',
      location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
      selfDisposal: { note: '已处理', photos: [photo] },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('OUTSIDE_SCOPE');
  });

  it('no one self-disposes a case through the actions route: a unit does not even see a reported case', async () => {
    const hs = await t.login('haishu.acceptor');
    const p = await pointIn(t, '330203', 7);
    const r = await t.as(hs).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'department',
      description: '部门来函',
      location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    });
    const id = r.json().case.id;
    const photo = await uploadPhoto(t, hs);
    // The acceptor made the report but is no department.
    const mine = await actOn(t, 'haishu.acceptor', id, 'department_dispose', {
      photos: [photo],
      note: '已处理',
    });
    expect(mine.statusCode).toBe(403);
    const unit = await actOn(t, 'unit.haishu-sanitation', id, 'department_dispose', {
      photos: [photo],
      note: '已处理',
    });
    expect(unit.statusCode).toBe(404);
  });
});
