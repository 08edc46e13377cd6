/**
 * The whole case loop through the API, with every side path: report → accept → file → dispatch →
 * sign → extension refused and approved → parking and resuming → feed back → check fails → rework
 * → check passes → close; return → escalation → city dispatch; voiding; duplicates; idempotency;
 * scope; concurrency.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';

process.env.DEMO_COMPONENTS ??= '500';

let t: TestApp;
let units: Record<string, string>;
let here: { lng: number; lat: number; gridId: string };

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  units = Object.fromEntries(orgs.map((o) => [o.name, o.id]));
  here = await pointIn(t, '330203', 3);
});
afterAll(async () => t?.close());

async function report(username: string, extra: Record<string, unknown> = {}) {
  const token = await t.login(username);
  return t.as(token).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'inspector',
    description: '路边暴露垃圾，影响通行',
    location: { lng: here.lng, lat: here.lat, crs: 'wgs84' },
    matterCode: '06001',
    ...extra,
  });
}

async function filingCondition(code: string) {
  const token = await t.login('haishu.shift_leader');
  const std = (await t.as(token).get(`/api/catalog/standards/${code}`)).json();
  return std.filingConditions[0].id as string;
}

/** Whether the case is in the user's "my work" queue (looked up by its code). */
async function inMyQueue(username: string, code: string) {
  const token = await t.login(username);
  const q = await t.as(token).get(`/api/cases?view=mine&q=${encodeURIComponent(code)}`);
  expect(q.statusCode, q.body).toBe(200);
  return q.json().items.some((i: { code: string }) => i.code === code);
}

async function stateOf(id: string) {
  return (await t.as(await t.login('admin')).get(`/api/cases/${id}`)).json();
}

/** A new case filed and dispatched to 海曙区环境卫生管理处, ready for the unit. */
async function dispatchedCase(near = 0) {
  const p = await pointIn(t, '330203', 10 + near);
  const r = await (async () => {
    const token = await t.login('haishu.acceptor');
    return t.as(token).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'hotline',
      description: '井盖缺失',
      location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
      matterCode: '06002',
      reporter: { name: '张先生', phone: '13800000000' },
    });
  })();
  expect(r.statusCode, r.body).toBe(201);
  const id = r.json().case.id as string;
  expect((await actOn(t, 'haishu.acceptor', id, 'accept_report', { matterType: '06002' })).statusCode).toBe(
    200,
  );
  const file = await actOn(t, 'haishu.shift_leader', id, 'file', {
    matterType: '06002',
    filingConditionId: await filingCondition('06002'),
  });
  expect(file.statusCode, file.body).toBe(200);
  const d = await actOn(t, 'haishu.dispatcher', id, 'dispatch', { unitId: units.海曙区环境卫生管理处 });
  expect(d.statusCode, d.body).toBe(200);
  return id;
}

describe('the main loop', () => {
  it('runs report → close with extension, parking, rework, and records every step', async () => {
    const r = await report('haishu.inspector');
    expect(r.statusCode, r.body).toBe(201);
    const c = r.json().case;
    expect(c.state).toBe('reported');
    expect(c.gridId).toBe(here.gridId);
    expect(c.code).toMatch(/^330203-\d{8}-\d{6}$/);
    expect(c.currentStage).toBe('accept');

    expect(
      (await actOn(t, 'haishu.acceptor', c.id, 'accept_report', { matterType: '06001' })).json().state,
    ).toBe('pending_filing');
    const filed = await actOn(t, 'haishu.shift_leader', c.id, 'file', {
      matterType: '06001',
      filingConditionId: await filingCondition('06001'),
    });
    expect(filed.json().state).toBe('pending_dispatch');
    const dispatched = await actOn(t, 'haishu.dispatcher', c.id, 'dispatch', {
      unitId: units.海曙区环境卫生管理处,
    });
    expect(dispatched.statusCode, dispatched.body).toBe(200);
    expect(dispatched.json().state).toBe('dispatched');
    expect(dispatched.json().currentStage).toBe('dispose');
    const due0 = new Date(dispatched.json().currentDueAt).getTime();
    // The unit's handlers find the new task in their inbox, not only in their queue.
    const unitInbox = (
      await t.as(await t.login('unit.haishu-sanitation')).get('/api/notifications?unread=true&pageSize=100')
    ).json();
    expect(
      unitInbox.items.some(
        (n: { caseId: string; kind: string }) => n.caseId === c.id && n.kind === 'case.dispatch',
      ),
    ).toBe(true);

    expect((await actOn(t, 'unit.haishu-sanitation', c.id, 'sign')).json().state).toBe('in_progress');

    // Extension: refused, then applied again and approved; the due time moves only on approval.
    const ext = { reason: '需要协调物业', extension: { amount: 2, unit: 'work_hour' } };
    expect((await actOn(t, 'unit.haishu-sanitation', c.id, 'apply_extension', ext)).statusCode).toBe(200);
    expect(new Date((await stateOf(c.id)).case.currentDueAt).getTime()).toBe(due0);
    const again = await actOn(t, 'unit.haishu-sanitation', c.id, 'apply_extension', ext);
    expect(again.json().error.code).toBe('WORKFLOW_GUARD_FAILED');
    expect(
      (await actOn(t, 'haishu.dispatcher', c.id, 'refuse_extension', { reason: '时限充足' })).statusCode,
    ).toBe(200);
    expect(new Date((await stateOf(c.id)).case.currentDueAt).getTime()).toBe(due0);
    expect((await actOn(t, 'unit.haishu-sanitation', c.id, 'apply_extension', ext)).statusCode).toBe(200);
    expect((await actOn(t, 'haishu.dispatcher', c.id, 'approve_extension')).statusCode).toBe(200);
    const due1 = new Date((await stateOf(c.id)).case.currentDueAt).getTime();
    expect(due1).toBeGreaterThan(due0);

    // Parking stops the clock; un-parking resumes it with the remaining time.
    expect(
      (await actOn(t, 'unit.haishu-sanitation', c.id, 'apply_parking', { reason: '需市级资金' })).statusCode,
    ).toBe(200);
    const parked = await actOn(t, 'haishu.dispatcher', c.id, 'approve_parking');
    expect(parked.json().state).toBe('parked');
    expect(parked.json().currentDueAt).toBeNull();
    const resumed = await actOn(t, 'haishu.dispatcher', c.id, 'unpark');
    expect(resumed.json().state).toBe('in_progress');
    expect(new Date(resumed.json().currentDueAt).getTime()).toBeGreaterThanOrEqual(due1);

    const unitToken = await t.login('unit.haishu-sanitation');
    const noPhoto = await actOn(t, 'unit.haishu-sanitation', c.id, 'feed_back', { note: '已清理' });
    expect(noPhoto.statusCode).toBe(400);
    expect(noPhoto.json().error.code).toBe('WORKFLOW_FIELD_REQUIRED');
    const fb = await actOn(t, 'unit.haishu-sanitation', c.id, 'feed_back', {
      photos: [await uploadPhoto(t, unitToken)],
      note: '已清理',
    });
    expect(fb.json().state).toBe('fed_back');
    // After feedback the centre's check is timed (核查), not yet the shift leader's closing.
    expect(fb.json().currentStage).toBe('check');
    const runningAfterFeedback = (await stateOf(c.id)).stages
      .filter((st: { stoppedAt: string | null }) => !st.stoppedAt)
      .map((st: { stage: string }) => st.stage);
    expect(runningAfterFeedback).toEqual(['check']);

    // The check fails: rework goes back to the unit.
    expect((await actOn(t, 'haishu.acceptor', c.id, 'request_check')).json().state).toBe('checking');
    const inspector = await t.login('haishu.inspector');
    const fail = await actOn(t, 'haishu.inspector', c.id, 'check_fail', {
      photos: [await uploadPhoto(t, inspector)],
      reason: '仍有残留',
    });
    // 待返工 with the dispatcher's rework stage running (was 待结案 with the close stage).
    expect(fail.json().state).toBe('check_failed');
    expect(fail.json().currentStage).toBe('rework');
    expect((await actOn(t, 'haishu.shift_leader', c.id, 'close')).json().error.code).toBe(
      'WORKFLOW_ACTION_NOT_ALLOWED',
    );
    // A failed check is the dispatcher's work (rework), not the shift leader's (nothing to close).
    expect(await inMyQueue('haishu.dispatcher', c.code)).toBe(true);
    expect(await inMyQueue('haishu.shift_leader', c.code)).toBe(false);
    const rework = await actOn(t, 'haishu.dispatcher', c.id, 'rework', { reason: '核查未通过' });
    expect(rework.json().state).toBe('dispatched');
    expect(rework.json().reworkCount).toBe(1);
    expect((await actOn(t, 'unit.haishu-sanitation', c.id, 'sign')).statusCode).toBe(200);
    expect(
      (
        await actOn(t, 'unit.haishu-sanitation', c.id, 'feed_back', {
          photos: [await uploadPhoto(t, unitToken)],
          note: '已重新清理',
        })
      ).statusCode,
    ).toBe(200);
    expect((await actOn(t, 'haishu.acceptor', c.id, 'request_check')).statusCode).toBe(200);
    expect(
      (await actOn(t, 'haishu.inspector', c.id, 'check_pass', { photos: [await uploadPhoto(t, inspector)] }))
        .statusCode,
    ).toBe(200);
    // A passed check is the shift leader's work (close), no longer the dispatcher's.
    expect(await inMyQueue('haishu.shift_leader', c.code)).toBe(true);
    expect(await inMyQueue('haishu.dispatcher', c.code)).toBe(false);
    const closed = await actOn(t, 'haishu.shift_leader', c.id, 'close');
    expect(closed.json().state).toBe('closed');
    expect(closed.json().closedAt).not.toBeNull();

    const detail = await stateOf(c.id);
    const actions = detail.timeline.map((e: { action: string }) => e.action);
    expect(actions).toEqual([
      'case.report',
      'case.accept_report',
      'case.file',
      'case.dispatch',
      'case.sign',
      'case.apply_extension',
      'case.refuse_extension',
      'case.apply_extension',
      'case.approve_extension',
      'case.apply_parking',
      'case.approve_parking',
      'case.unpark',
      'case.feed_back',
      'case.request_check',
      'case.check_fail',
      'case.rework',
      'case.sign',
      'case.feed_back',
      'case.request_check',
      'case.check_pass',
      'case.close',
    ]);
    expect(detail.stages.every((s: { stoppedAt: string | null }) => s.stoppedAt !== null)).toBe(true);
    expect(detail.tasks.map((x: { kind: string; status: string }) => `${x.kind}:${x.status}`)).toEqual([
      'check:done',
      'check:done',
    ]);

    // The reporter (an inspector) is told of the outcome.
    const inbox = (await t.as(inspector).get('/api/notifications')).json();
    expect(
      inbox.items.some((n: { caseId: string; kind: string }) => n.caseId === c.id && n.kind === 'case.close'),
    ).toBe(true);
  });

  it('return → escalation → city dispatch, and the act-first order', async () => {
    const id = await dispatchedCase(1);
    const ret = await actOn(t, 'unit.haishu-sanitation', id, 'return', {
      reason: '属于供水管网，非本单位职责',
    });
    expect(ret.json().state).toBe('returned');
    const esc = await actOn(t, 'haishu.dispatcher', id, 'escalate', { reason: '责任不清，上报市级协调' });
    expect(esc.json().state).toBe('escalated');
    expect(esc.json().caseLevel).toBe('city');
    // The district can no longer dispatch it; the city can.
    expect(
      (await actOn(t, 'haishu.dispatcher', id, 're_dispatch', { unitId: units.海曙区环境卫生管理处 }))
        .statusCode,
    ).toBeGreaterThanOrEqual(400);
    const cityDispatch = await actOn(t, 'city.dispatcher', id, 'city_dispatch', {
      unitId: units.宁波市水务环境集团有限公司,
    });
    expect(cityDispatch.statusCode, cityDispatch.body).toBe(200);
    expect(cityDispatch.json().state).toBe('dispatched');
    expect(cityDispatch.json().unitId).toBe(units.宁波市水务环境集团有限公司);
    // The water company now sees the case; the district's sanitation unit no longer does.
    expect((await t.as(await t.login('unit.water')).get(`/api/cases/${id}`)).statusCode).toBe(200);
    expect((await t.as(await t.login('unit.haishu-sanitation')).get(`/api/cases/${id}`)).statusCode).toBe(
      404,
    );

    const id2 = await dispatchedCase(2);
    await actOn(t, 'unit.haishu-sanitation', id2, 'return', { reason: '非本单位' });
    await actOn(t, 'haishu.dispatcher', id2, 'escalate', { reason: '上报' });
    const order = await actOn(t, 'city.dispatcher', id2, 'city_order', {
      unitId: units.宁波市市政设施中心,
      reason: '先处置后定责',
    });
    expect(order.json().actFirst).toBe(true);
    await actOn(t, 'unit.municipal', id2, 'sign');
    expect((await actOn(t, 'unit.municipal', id2, 'return', { reason: 'x' })).json().error.code).toBe(
      'WORKFLOW_GUARD_FAILED',
    );
  });

  it('voiding needs the shift leader’s approval', async () => {
    const id = await dispatchedCase(3);
    expect((await actOn(t, 'haishu.acceptor', id, 'approve_void')).statusCode).toBe(403);
    expect((await actOn(t, 'haishu.acceptor', id, 'request_void', { reason: '重复立案' })).statusCode).toBe(
      200,
    );
    const refused = await actOn(t, 'haishu.shift_leader', id, 'refuse_void', { reason: '不属于重复' });
    expect(refused.json().state).toBe('dispatched');
    await actOn(t, 'haishu.acceptor', id, 'request_void', { reason: '重复立案' });
    const voided = await actOn(t, 'haishu.shift_leader', id, 'approve_void');
    expect(voided.json().state).toBe('voided');
  });
});

describe('intake', () => {
  it('merges a report of the same type within 50 m and 24 h into the open case, and informs both reporters', async () => {
    const first = await report('haishu.inspector');
    const p2 = { lng: here.lng + 0.0002, lat: here.lat };
    const second = await report('haishu.acceptor', { location: { ...p2, crs: 'wgs84' }, channel: 'hotline' });
    expect(second.statusCode).toBe(201);
    expect(second.json().merged).toBe(true);
    expect(second.json().case.id).toBe(first.json().case.id);
    const detail = await stateOf(first.json().case.id);
    expect(detail.reports).toHaveLength(2);
    // Each submitter follows their own report; nobody else's.
    const own = await t.as(await t.login('haishu.acceptor')).get(`/api/reports/${second.json().reportId}`);
    expect(own.json()).toMatchObject({ merged: true, case: { id: first.json().case.id } });
    expect(
      (await t.as(await t.login('haishu.inspector')).get(`/api/reports/${second.json().reportId}`))
        .statusCode,
    ).toBe(404);
    // A different type at the same place is a new case.
    const other = await report('haishu.acceptor', { matterCode: '06003' });
    expect(other.json().merged).toBe(false);
  });

  it('the same idempotency key never makes two reports, even at the same moment', async () => {
    const token = await t.login('haishu.inspector');
    const key = randomUUID();
    const body = {
      idempotencyKey: key,
      channel: 'inspector',
      description: '共享单车乱停放',
      location: { lng: here.lng, lat: here.lat, crs: 'wgs84' },
    };
    const [a, b] = await Promise.all([
      t.as(token).post('/api/reports', body),
      t.as(token).post('/api/reports', body),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().reportId).toBe(b.json().reportId);
    const [{ n }] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM report WHERE idempotency_key = ${key}`,
    );
    expect(n).toBe(1);
  });

  it('converts GCJ-02 input to the same grid as its WGS84 point', async () => {
    const { convertLngLat } = await import('../../server/modules/geo/core/crs.ts');
    const [gl, ga] = convertLngLat(here.lng, here.lat, 'wgs84', 'gcj02');
    const r = await report('haishu.inspector', {
      location: { lng: gl, lat: ga, crs: 'gcj02' },
      matterCode: '06005',
    });
    expect(r.json().case.gridId).toBe(here.gridId);
  });

  it('refuses a point outside the managed area and a point in another district', async () => {
    const out = await report('haishu.inspector', { location: { lng: 100, lat: 30, crs: 'wgs84' } });
    expect(out.statusCode).toBe(422);
    expect(out.json().error.code).toBe('OUTSIDE_MANAGED_AREA');
    const jb = await pointIn(t, '330205');
    const other = await report('haishu.inspector', { location: { lng: jb.lng, lat: jb.lat, crs: 'wgs84' } });
    expect(other.json().error.code).toBe('OUTSIDE_SCOPE');
  });

  it("a district's unit reports only in its district and never sees, through intake, a case it could not open", async () => {
    const p = await pointIn(t, '330203', 40);
    const loc = { lng: p.lng, lat: p.lat, crs: 'wgs84' };
    const first = await report('haishu.acceptor', {
      location: loc,
      matterCode: '06020',
      description: '他人上报：小区门口垃圾满溢，电话13911112222',
      address: '某某路18号',
    });
    expect(first.statusCode, first.body).toBe(201);
    const unit = await t.login('unit.haishu-sanitation');
    const dupUrl = `/api/reports/duplicates?lng=${p.lng}&lat=${p.lat}&crs=wgs84&matterCode=06020`;
    // The centre sees the candidate; the unit, to which nothing was dispatched, does not.
    const centre = (await t.as(await t.login('haishu.acceptor')).get(dupUrl)).json();
    expect(centre.items.map((i: { case: { id: string } }) => i.case.id)).toContain(first.json().case.id);
    const forUnit = await t.as(unit).get(dupUrl);
    expect(forUnit.statusCode, forUnit.body).toBe(200);
    expect(forUnit.json().items).toEqual([]);

    // Its report merges (the city's rule), but the answer holds only the unit's own report, its
    // tracking code and public status: not the case (which it could not open), nor routing.
    const mine = await report('unit.haishu-sanitation', {
      location: loc,
      matterCode: '06020',
      description: '作业中发现垃圾满溢',
      channel: 'department',
    });
    expect(mine.statusCode, mine.body).toBe(201);
    expect(mine.json().merged).toBe(true);
    expect(mine.json().case).toBeNull();
    expect(mine.json().report).toMatchObject({
      reportId: mine.json().reportId,
      description: '作业中发现垃圾满溢',
      channel: 'department',
      merged: true,
      status: 'submitted',
    });
    expect(mine.json().suggestions.unit).toBeNull();
    for (const secret of ['13911112222', first.json().case.id, first.json().case.code]) {
      expect(JSON.stringify(mine.json())).not.toContain(secret);
    }
    // The same holds when the request is replayed with its idempotency key.
    const again = await t.as(unit).post('/api/reports', {
      idempotencyKey: (
        await t.database.query<{ k: string }>(
          sql`SELECT idempotency_key AS k FROM report WHERE id = ${mine.json().reportId}`,
        )
      )[0].k,
      channel: 'department',
      description: '作业中发现垃圾满溢',
      location: loc,
      matterCode: '06020',
    });
    expect(again.json().replayed).toBe(true);
    expect(again.json().case).toBeNull();
    expect(again.json().report).toEqual(mine.json().report);
    expect(JSON.stringify(again.json())).not.toContain('13911112222');

    // Another district's street is outside its scope, for reporting and for the duplicate check.
    const jb = await pointIn(t, '330205', 5);
    const before = await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM report`);
    const outside = await report('unit.haishu-sanitation', {
      channel: 'department',
      location: { lng: jb.lng, lat: jb.lat, crs: 'wgs84' },
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error.code).toBe('OUTSIDE_SCOPE');
    const outsideDup = await t
      .as(unit)
      .get(`/api/reports/duplicates?lng=${jb.lng}&lat=${jb.lat}&crs=wgs84&matterCode=06020`);
    expect(outsideDup.json().error.code).toBe('OUTSIDE_SCOPE');
    expect(await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM report`)).toEqual(before);
  });
});

describe('timers', () => {
  it('a due warning and a due overdue fire once each, mark the stage, and reach the unit and the dispatcher', async () => {
    const { sweepTimers } = await import('../../server/modules/cases/timers.ts');
    const id = await dispatchedCase(7);
    await t.database.query(
      sql`UPDATE case_timer SET fire_at = now() - interval '1 second' WHERE case_id = ${id} AND fired_at IS NULL AND cancelled_at IS NULL`,
    );
    expect(await sweepTimers(t.database)).toBeGreaterThanOrEqual(2);
    expect(await sweepTimers(t.database)).toBe(0);
    const detail = await stateOf(id);
    const fired = detail.timeline.filter((e: { action: string }) => e.action.startsWith('case.stage_'));
    expect(fired.map((e: { action: string }) => e.action).sort()).toEqual([
      'case.stage_overdue',
      'case.stage_warning',
    ]);
    const dispose = detail.stages.find((s: { stage: string }) => s.stage === 'dispose');
    expect(dispose.warnedAt).not.toBeNull();
    expect(dispose.overdueAt).not.toBeNull();
    const unitInbox = (
      await t.as(await t.login('unit.haishu-sanitation')).get('/api/notifications?pageSize=100')
    ).json();
    expect(
      unitInbox.items.some(
        (n: { caseId: string; kind: string }) => n.caseId === id && n.kind === 'case.stage_overdue',
      ),
    ).toBe(true);
    // The warning and the overdue count on one unread row of the dispatcher's, which says the
    // latest (issue 9 item 4: there were two rows).
    const dispatcherInbox = (
      await t.as(await t.login('haishu.dispatcher')).get('/api/notifications?pageSize=100')
    ).json();
    expect(
      dispatcherInbox.items
        .filter((n: { caseId: string; kind: string }) => n.caseId === id && n.kind.startsWith('case.stage_'))
        .map((n: { kind: string; count: number }) => [n.kind, n.count]),
    ).toEqual([['case.stage_overdue', 2]]);
  });
});

describe('scope and concurrency', () => {
  it('district B cannot read, list or act on district A’s cases', async () => {
    const id = await dispatchedCase(4);
    const jb = await t.login('jiangbei.dispatcher');
    expect((await t.as(jb).get(`/api/cases/${id}`)).statusCode).toBe(404);
    const list = (await t.as(jb).get('/api/cases?view=all&pageSize=200')).json();
    expect(list.items.every((c: { districtCode: string }) => c.districtCode === '330205')).toBe(true);
    expect((await t.as(jb).get('/api/cases?q=330203')).json().total).toBe(0);
    const r = await t
      .as(jb)
      .post(`/api/cases/${id}/actions/re_dispatch`, { version: 99, unitId: units.江北区环境卫生管理处 });
    expect(r.statusCode).toBe(404);
    const other = await t.as(await t.login('unit.jiangbei-sanitation')).get(`/api/cases/${id}`);
    expect(other.statusCode).toBe(404);
  });

  it('two people acting on one case at once: one succeeds, one gets a conflict', async () => {
    const id = await dispatchedCase(5);
    const version = (await stateOf(id)).case.version;
    const unit = await t.login('unit.haishu-sanitation');
    const dispatcher = await t.login('haishu.dispatcher');
    // Both still see the case whoever wins (re-dispatched to the same unit); had the dispatcher
    // moved it to another unit first, the loser would rightly get 404 (no longer theirs).
    const [a, b] = await Promise.all([
      t.as(unit).post(`/api/cases/${id}/actions/sign`, { version }),
      t
        .as(dispatcher)
        .post(`/api/cases/${id}/actions/re_dispatch`, { version, unitId: units.海曙区环境卫生管理处 }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const events = (await stateOf(id)).timeline.filter(
      (e: { action: string }) => e.action === 'case.sign' || e.action === 'case.re_dispatch',
    );
    expect(events).toHaveLength(1);
  });

  it('the work queue of a dispatcher holds what they can act on, sorted by deadline', async () => {
    await dispatchedCase(6);
    const token = await t.login('unit.haishu-sanitation');
    const q = (await t.as(token).get('/api/cases?view=mine&pageSize=100')).json();
    expect(q.total).toBeGreaterThan(0);
    for (const c of q.items) expect(['dispatched', 'in_progress']).toContain(c.state);
    const dues = q.items.map((c: { currentDueAt: string | null }) => c.currentDueAt ?? '9999');
    expect([...dues].sort()).toEqual(dues);
    // A dispatcher's work is what waits for a dispatcher, not every case a unit is working on.
    const mine = (
      await t.as(await t.login('haishu.dispatcher')).get('/api/cases?view=mine&pageSize=200')
    ).json();
    for (const c of mine.items) {
      const waiting =
        ['pending_dispatch', 'returned', 'parked', 'check_failed'].includes(c.state) ||
        Object.keys(c.pending).length > 0;
      expect(waiting, `${c.code} ${c.state}`).toBe(true);
    }
  });
});
