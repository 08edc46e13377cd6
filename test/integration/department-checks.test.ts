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
import { actOn, closeDispatched, pointIn, uploadPhoto } from '../support/cases.ts';

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
    description: '自查发现：解放南路人行道化粪池井盖松动',
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    // 化粪池井盖: routed in 海曙 to its sanitation unit (server/seed/routing.ts), so it may self-dispose it.
    matterCode: '01018',
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
  let trackingCode = '';

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
    trackingCode = res.json().report.trackingCode;
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
    // Whoever holds the tracking code sees the fix as a step and its after photo, as for an
    // inspector's fix on the spot.
    const tracked = await t.app.inject({ method: 'GET', url: `/api/public/reports/${trackingCode}` });
    expect(tracked.statusCode, tracked.body).toBe(200);
    expect(tracked.json().afterPhotos).toEqual([afterPhoto]);
    expect(tracked.json().timeline.map((s: { step: string }) => s.step)).toContain('disposed');
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
    // Dispatched and closed as an ordinary case, it is not the unit's self-disposal in the
    // evaluation: the unit's count stays the one case closed on its fix (above).
    const dispatched = await actOn(t, 'haishu.dispatcher', c.case.id, 'dispatch', { unitId: unitOrg });
    expect(dispatched.statusCode, dispatched.body).toBe(200);
    await closeDispatched(t, c.case.id);
    expect((await t.as(admin).get(`/api/cases/${c.case.id}`)).json().case.state).toBe('closed');
    const day = (d: Date) => d.toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' });
    const figures = await t
      .as(admin)
      .get(
        `/api/evaluation/figures?subjectType=unit&indicator=departmentSelfDisposals&from=${day(new Date(Date.now() - 86_400_000))}&to=${day(new Date(Date.now() + 2 * 86_400_000))}`,
      );
    expect(figures.statusCode, figures.body).toBe(200);
    const mine = (
      figures.json().subjects as { subject: string; figures: { indicator: string; denominator: number }[] }[]
    ).find((x) => x.subject === unitOrg);
    expect(mine?.figures.find((f) => f.indicator === 'departmentSelfDisposals')?.denominator).toBe(1);
  });

  it('a self-disposal of a problem that already has an open case joins it: noted for the shift leader, not closed', async () => {
    const hs = await t.login('haishu.acceptor');
    const p = await pointIn(t, '330203', 4);
    const open = await t.as(hs).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'hotline',
      description: '市民来电：化粪池井盖松动',
      location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
      matterCode: '01018',
    });
    expect(open.statusCode).toBe(201);
    const openId = open.json().case.id as string;
    const unit = await t.login('unit.haishu-sanitation');
    const photo = await uploadPhoto(t, unit);
    const before = await snapshot();
    const res = await departmentReport(unit, 4, { selfDisposal: { note: '已加固井座', photos: [photo] } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().merged).toBe(true);
    expect(res.json().case).toBeNull();
    // One problem, one case: the report joined the open case, no second case.
    expect((await snapshot()).cases).toBe(before.cases);
    const c = await caseOfReport(res.json().reportId);
    expect(c.case.id).toBe(openId);
    // The unit's word does not dispose of the centre's case: it is still waiting on acceptance.
    expect(c.case.state).toBe('reported');
    expect(c.timeline.map((e: { action: string }) => e.action)).not.toContain('case.department_dispose');
    const joined = c.timeline.find((e: { action: string }) => e.action === 'case.report_merged');
    expect(joined.after.selfDisposal).toEqual({ note: '已加固井座', photos: [photo] });
    // The shift leader is told and sees what the unit says it did, with its after photo.
    const leader = await t.login('haishu.shift_leader');
    const seen = (await t.as(leader).get(`/api/cases/${openId}`)).json();
    expect(
      seen.timeline.find((e: { action: string }) => e.action === 'case.report_merged').after.selfDisposal
        .note,
    ).toBe('已加固井座');
    expect((await t.as(leader).get(`/api/photos/${photo}`)).statusCode).toBe(200);
    const [inbox] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM notification n JOIN app_user u ON u.id = n.user_id
          WHERE u.username = 'haishu.shift_leader' AND n.case_id = ${openId} AND n.kind = 'case.report_merged'`,
    );
    expect(inbox.n).toBe(1);
  });

  it('a new report joining a self-disposed department case moves it on to filing: not closed on the unit’s word', async () => {
    const unit = await t.login('unit.haishu-sanitation');
    const photo = await uploadPhoto(t, unit);
    const disposed = await departmentReport(unit, 8, {
      selfDisposal: { note: '已更换井盖', photos: [photo] },
    });
    expect(disposed.statusCode, disposed.body).toBe(201);
    const id = (await caseOfReport(disposed.json().reportId)).case.id as string;
    const p = await pointIn(t, '330203', 8);
    const hs = await t.login('haishu.acceptor');
    const again = await t.as(hs).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'hotline',
      description: '市民来电：化粪池井盖还是松的',
      location: { lng: p.lng + 0.00005, lat: p.lat, crs: 'wgs84' },
      matterCode: '01018',
    });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().merged).toBe(true);
    expect(again.json().case.id).toBe(id);
    const c = await caseOfReport(disposed.json().reportId);
    expect(c.case.state).toBe('pending_filing');
    const moved = c.timeline.find((e: { action: string }) => e.action === 'case.refer_to_filing');
    expect(moved.before.state).toBe('self_disposed');
    expect(moved.reason).toContain('hotline');
    expect(moved.after.cause).toEqual({ reportId: again.json().reportId, channel: 'hotline' });
    // The shift leader decides on filing; closing on the unit's word is no longer offered or taken.
    const page = (await t.as(await t.login('haishu.shift_leader')).get(`/api/cases/${id}`)).json();
    const actions = page.actions.map((a: { action: string }) => a.action);
    expect(actions).toContain('file');
    expect(actions).not.toContain('close');
    const close = await actOn(t, 'haishu.shift_leader', id, 'close');
    expect(close.statusCode).toBe(409);
  });
});

describe('a unit reports on its own channel only, and self-disposes only its own remit', () => {
  it.each(['hotline', 'inspector', 'app'])(
    'a unit person on the channel %s: 422, nothing written',
    async (channel) => {
      const unit = await t.login('unit.haishu-sanitation');
      const before = await snapshot();
      const res = await departmentReport(unit, 9, { channel });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.code).toBe('UNPROCESSABLE');
      expect(res.json().error.details[0].field).toBe('body.channel');
      expect(res.json().error.message).toContain('department');
      expect(await snapshot()).toEqual(before);
    },
  );

  it("a unit's API key on another channel: 422 in the caller's language", async () => {
    const key = await t.as(admin).post('/api/api-keys', {
      name: '海曙环卫系统（渠道）',
      orgId: unitOrg,
      permissions: ['case:report'],
    });
    const secret = key.json().secret as string;
    const before = await snapshot();
    const en = await t.as(secret).post(
      '/api/reports',
      {
        idempotencyKey: randomUUID(),
        channel: 'sensor',
        description: '作业巡查：垃圾满溢',
        location: await pointIn(t, '330203', 9).then((p) => ({ lng: p.lng, lat: p.lat, crs: 'wgs84' })),
      },
      { 'accept-language': 'en' },
    );
    expect(en.statusCode, en.body).toBe(422);
    expect(en.json().error.message).toMatch(/channel `department`/);
    expect(await snapshot()).toEqual(before);
  });

  it('a type routing gives to another unit cannot be self-disposed: 422 naming the unit; reported plainly it comes in', async () => {
    const unit = await t.login('unit.haishu-sanitation');
    const photo = await uploadPhoto(t, unit);
    const before = await snapshot();
    // 污水井盖 belongs to the water group (routing), not to 海曙's sanitation unit.
    const res = await departmentReport(unit, 10, {
      matterCode: '01002',
      selfDisposal: { note: '已更换', photos: [photo] },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.code).toBe('UNPROCESSABLE');
    expect(res.json().error.details[0].field).toBe('body.selfDisposal');
    expect(res.json().error.message).toContain('宁波市水务环境集团有限公司');
    expect(await snapshot()).toEqual(before);
    // Without a type, whose remit it is cannot be told: refused as well.
    const untyped = await departmentReport(unit, 10, {
      matterCode: undefined,
      selfDisposal: { note: '已更换', photos: [photo] },
    });
    expect(untyped.statusCode, untyped.body).toBe(422);
    expect(untyped.json().error.details[0].field).toBe('body.matterCode');
    expect(await snapshot()).toEqual(before);
    // The same problem as a plain department check is accepted, for the centre to dispatch.
    const plain = await departmentReport(unit, 10, { matterCode: '01002' });
    expect(plain.statusCode, plain.body).toBe(201);
    expect((await caseOfReport(plain.json().reportId)).case.state).toBe('reported');
  });

  it('its own type at that place self-disposes (the routing rule names the unit)', async () => {
    const unit = await t.login('unit.haishu-sanitation');
    const photo = await uploadPhoto(t, unit);
    const res = await departmentReport(unit, 11, {
      matterCode: '06010',
      description: '作业巡查：暴露垃圾已清运',
      selfDisposal: { note: '已清运', photos: [photo] },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect((await caseOfReport(res.json().reportId)).case.state).toBe('self_disposed');
  });
});

describe('refused, with nothing written', () => {
  it.each([
    // A unit reports on `department` only, whatever it carries.
    [
      'on another channel',
      'unit.haishu-sanitation',
      { channel: 'hotline' },
      422,
      'UNPROCESSABLE',
      'body.channel',
    ],
    // The channel `department` is a unit's alone (422 before anything else), and self-disposal
    // comes on that channel only (400 on any other): no one else reaches the table's role check.
    ["by a centre's acceptor (no department)", 'haishu.acceptor', {}, 422, 'UNPROCESSABLE', 'body.channel'],
    ['by an inspector', 'haishu.inspector', {}, 422, 'UNPROCESSABLE', 'body.channel'],
    [
      'by an inspector on its own channel',
      'haishu.inspector',
      { channel: 'inspector' },
      400,
      'VALIDATION_FAILED',
      'body.channel',
    ],
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
      // The channel `department` is a unit's alone; the acceptor enters a caller's report.
      channel: 'hotline',
      description: '市民来电：路面破损',
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
