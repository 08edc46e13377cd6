/**
 * Across channels, one problem is one case (issue 10 item 8): the duplicate check of the one
 * intake covers every channel — a portal report without a type is checked as the classifier's
 * confident suggestion, a hotline caller without a map point is placed by the address (an open
 * case at the same address, else the gazetteer, else 422) — with the radius and window of the
 * type's family, within the district; and each reporter of the merged case hears the outcome on
 * their own channel: a call-back each, the portal's tracking page, Open311's status_notes (also
 * for a merge made later by staff).
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callback } from '../../server/modules/callbacks/tables.ts';
import { caseFile, report } from '../../server/modules/cases/tables.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';
import { FORM_TYPE, form, readAnswer } from '../support/open311.ts';
import { portalInject, reportParts, sendReport } from '../support/portal.ts';

let t: TestApp;
let telephony: string;
let unitId: string;
let appKey: string;

async function must<T = any>(p: Promise<{ statusCode: number; body: string }>, status: number, what: string) {
  const r = await p;
  if (r.statusCode !== status) throw new Error(`${what}: ${r.statusCode} ${r.body}`);
  return (r.body ? JSON.parse(r.body) : null) as T;
}

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=200')).json().items as {
    id: string;
    name: string;
    kind: string;
  }[];
  unitId = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
  const city = orgs.find((o) => o.kind === 'city_center')!.id;
  const key = async (permissions: string[]) =>
    (
      await must(
        t.as(admin).post('/api/api-keys', { name: `dup-${randomUUID()}`, orgId: city, permissions }),
        201,
        'key',
      )
    ).secret as string;
  telephony = await key(['hotline:call']);
  appKey = await key(['case:report']);
});
afterAll(async () => t?.close());

/** A point `m` metres north of `p`. */
const north = (p: { lng: number; lat: number }, m: number) => ({ lng: p.lng, lat: p.lat + m / 111_320 });

/** A staff report (the district's acceptor) of a type at a point; its answer. */
async function staffReport(
  p: { lng: number; lat: number },
  matterCode: string,
  extra: Record<string, unknown> = {},
  who = 'haishu.acceptor',
) {
  return must(
    t.as(await t.login(who)).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'inspector',
      description: `巡查发现问题 ${randomUUID().slice(0, 6)}`,
      location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
      matterCode,
      ...extra,
    }),
    201,
    'staff report',
  );
}

/** A call rung on the 12345 line (to a district's desk when given), taken by `operator`. */
async function takenCall(operator: string, caller: string, districtCode?: string) {
  const call = await must(
    t.as(telephony).post('/api/hotline/calls', {
      line: '12345',
      callerNumber: caller,
      ...(districtCode ? { districtCode } : {}),
    }),
    201,
    'ring',
  );
  await must(t.as(operator).post(`/api/hotline/calls/${call.id}/answer`, { version: 1 }), 200, 'answer');
  return call.id as string;
}

const callReport = async (operator: string, callId: string, body: Record<string, unknown>) =>
  t.as(operator).post(`/api/hotline/calls/${callId}/report`, { version: 2, ...body });

const caseOfReport = async (reportId: string) =>
  (await t.app.db.select({ caseId: report.caseId }).from(report).where(eq(report.id, reportId)))[0].caseId;

async function caseRow(id: string) {
  return (await t.app.db.select().from(caseFile).where(eq(caseFile.id, id)))[0];
}

/** Drives a 海曙 case to closed (verified first when it came from the public's own channel). */
async function closeCase(id: string, matterCode: string) {
  const step = async (who: string, action: string, fields: Record<string, unknown> = {}) =>
    must(actOn(t, who, id, action, fields), 200, action);
  const std = (
    await t.as(await t.login('haishu.shift_leader')).get(`/api/catalog/standards/${matterCode}`)
  ).json();
  const c = await caseRow(id);
  if (['web', 'app', 'wechat'].includes(c.channel)) {
    await step('haishu.acceptor', 'request_verify');
    await step('haishu.inspector', 'verify_confirm', {
      photos: [await uploadPhoto(t, await t.login('haishu.inspector'))],
    });
  } else await step('haishu.acceptor', 'accept_report', { matterType: matterCode });
  await step('haishu.shift_leader', 'file', {
    matterType: matterCode,
    filingConditionId: std.filingConditions[0].id,
  });
  await step('haishu.dispatcher', 'dispatch', { unitId });
  await step('unit.haishu-sanitation', 'sign');
  await step('unit.haishu-sanitation', 'feed_back', {
    note: '已处置',
    photos: [await uploadPhoto(t, await t.login('unit.haishu-sanitation'))],
  });
  await step('haishu.acceptor', 'request_check');
  await step('haishu.inspector', 'check_pass', {
    photos: [await uploadPhoto(t, await t.login('haishu.inspector'))],
  });
  await step('haishu.shift_leader', 'close');
}

const open311Get = async (id: string) =>
  (
    readAnswer(
      'requests',
      await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.json` }),
      'json',
    ) as {
      status: string;
      status_notes: string;
    }[]
  )[0];

const track = async (code: string) =>
  must(portalInject(t, { method: 'GET', url: `/api/public/reports/${code}` }), 200, 'track');

describe('one problem from the portal, the hotline and an Open311 app is one case', () => {
  let caseId: string;
  let portalCode: string;
  let hotlineReport: { reportId: string; trackingCode: string };
  let open311Id: string;

  it('the portal report without a type opens a case checked as the classifier’s confident type', async () => {
    const p = await pointIn(t, '330203', 200);
    const res = await sendReport(
      t,
      reportParts({
        description: '开明街人行道上的污水井盖破了，很危险',
        location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
        phone: '13900001111',
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().merged).toBe(false);
    portalCode = res.json().trackingCode;
    const [r] = await t.app.db.select().from(report).where(eq(report.trackingCode, portalCode));
    caseId = r.caseId;
    const c = await caseRow(caseId);
    expect(c).toMatchObject({ matterCode: null, suggestedMatterCode: '01002' });
  });

  it('a hotline caller’s report of it 20 m away joins that case, and the operator is told so', async () => {
    const c = await caseRow(caseId);
    const operator = await t.login('hotline.operator');
    const callId = await takenCall(operator, '13900002222');
    const made = await must(
      callReport(operator, callId, {
        description: '人行道污水井盖碎了',
        location: { ...north(c, 20), crs: 'wgs84' },
        matterCode: '01002',
        callerName: '钱先生',
      }),
      201,
      'hotline report',
    );
    expect(made.report).toMatchObject({ merged: true, locatedBy: 'point', caseCode: c.code });
    hotlineReport = made.report;
    expect(await caseOfReport(made.report.reportId)).toBe(caseId);
  });

  it('an Open311 app’s request of it joins too, and its status_notes say merged', async () => {
    const c = await caseRow(caseId);
    const res = await t.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': FORM_TYPE },
      payload: form({
        api_key: appKey,
        service_code: '01002',
        lat: north(c, -10).lat,
        long: c.lng,
        description: '污水井盖破损',
        phone: '13900003333',
      }),
    });
    expect(res.statusCode, res.body).toBe(200);
    open311Id = JSON.parse(res.body)[0].service_request_id;
    expect(await caseOfReport(open311Id)).toBe(caseId);
    const before = await open311Get(open311Id);
    expect(before.status).toBe('open');
    expect(before.status_notes).toMatch(/合并/);
  });

  it('closed: every reporter with a phone gets a call-back of their own, named in the queue', async () => {
    await closeCase(caseId, '01002');
    const rows = await t.app.db.select().from(callback).where(eq(callback.caseId, caseId));
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.status === 'pending')).toBe(true);
    const operator = await t.login('hotline.operator');
    const code = (await caseRow(caseId)).code;
    const queue = await must(t.as(operator).get(`/api/callbacks?caseCode=${code}`), 200, 'queue');
    expect(queue.total).toBe(3);
    const phones = (queue.items as { reporter: { phone: string; merged: boolean; channel: string } }[])
      .map((i) => [i.reporter.channel, i.reporter.phone, i.reporter.merged])
      .sort();
    expect(phones).toEqual([
      ['app', '13900003333', true],
      ['hotline', '13900002222', true],
      ['web', '13900001111', false],
    ]);
    // Each caller is heard: the hotline caller's 满意 completes their entry only.
    const mine = (queue.items as { id: string; reporter: { channel: string } }[]).find(
      (i) => i.reporter.channel === 'hotline',
    )!;
    await must(
      t.as(operator).post(`/api/callbacks/${mine.id}/result`, { result: 'satisfied' }),
      200,
      'result',
    );
    const other = (queue.items as { id: string; reporter: { channel: string } }[]).find(
      (i) => i.reporter.channel === 'app',
    )!;
    await must(
      t.as(operator).post(`/api/callbacks/${other.id}/result`, { result: 'basically_satisfied' }),
      200,
      'result 2',
    );
    const after = await t.app.db.select().from(callback).where(eq(callback.caseId, caseId));
    expect(after.map((r) => r.status).sort()).toEqual(['done', 'done', 'pending']);
    // A call-back answered once is not answered again.
    const again = await t.as(operator).post(`/api/callbacks/${mine.id}/result`, { result: 'dissatisfied' });
    expect(again.statusCode).toBe(409);
    // The portal reporter rates on the portal: that completes their own entry.
    await must(
      portalInject(t, {
        method: 'POST',
        url: `/api/public/reports/${portalCode}/rating`,
        payload: { result: 'satisfied' },
      }),
      201,
      'portal rating',
    );
    const last = await t.app.db.select().from(callback).where(eq(callback.caseId, caseId));
    expect(last.every((r) => r.status === 'done')).toBe(true);
  });

  it('Open311 and the portal tell the merged reporters the outcome', async () => {
    const closed = await open311Get(open311Id);
    expect(closed.status).toBe('closed');
    expect(closed.status_notes).toMatch(/已办结/);
    expect(closed.status_notes).toMatch(/合并/);
    const view = await track(hotlineReport.trackingCode);
    expect(view).toMatchObject({ merged: true, status: 'resolved', canRate: false });
    expect(view.closedAt).not.toBeNull();
  });
});

describe('a hotline caller without a map point', () => {
  let c: { id: string; code: string; lng: number; lat: number };

  beforeAll(async () => {
    const p = await pointIn(t, '330203', 260);
    const made = await staffReport(p, '06002', { address: '海曙区开明街 88 号' });
    c = { ...made.case };
    const row = await caseRow(made.case.id);
    c.lng = row.lng;
    c.lat = row.lat;
  });

  it('an address matching an open case of the type joins it at its point', async () => {
    const operator = await t.login('hotline.operator');
    const callId = await takenCall(operator, '13900004444');
    const made = await must(
      callReport(operator, callId, {
        description: '人行道上井盖缺失',
        address: '开明街８８號门口',
        matterCode: '06002',
      }),
      201,
      'address report',
    );
    expect(made.report).toMatchObject({ merged: true, locatedBy: 'case_address', caseCode: c.code });
    const [r] = await t.app.db.select().from(report).where(eq(report.id, made.report.reportId));
    expect([r.caseId, r.lng, r.lat]).toEqual([c.id, c.lng, c.lat]);
  });

  it('a district’s operator does not reach another district’s case through its address', async () => {
    const operator = await t.login('jiangbei.hotline_operator');
    const callId = await takenCall(operator, '13900005555', '330205');
    const res = await callReport(operator, callId, {
      description: '人行道上井盖缺失',
      address: '开明街88号',
      matterCode: '06002',
    });
    // Not joined: the gazetteer's 开明街 is in 海曙, outside the operator's district.
    expect(res.statusCode, res.body).not.toBe(201);
    expect(
      (await t.app.db.select().from(report).where(eq(report.caseId, c.id))).map((r) => r.reporterPhone),
    ).not.toContain('13900005555');
  });

  it('the same address with open cases in two districts is ambiguous to the city’s operator: asked where, joined to neither', async () => {
    const hs = await pointIn(t, '330203', 262);
    const jb = await pointIn(t, '330205', 262);
    const inHaishu = await staffReport(hs, '01037', { address: '解放路100号' });
    const inJiangbei = await staffReport(jb, '01037', { address: '解放路100号' }, 'jiangbei.acceptor');
    const operator = await t.login('hotline.operator');
    const callId = await takenCall(operator, '13900006666');
    const res = await callReport(operator, callId, {
      description: '路灯杆歪了',
      address: '解放路100号',
      matterCode: '01037',
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.message).toContain('海曙区');
    expect(res.json().error.message).toContain('江北区');
    for (const id of [inHaishu.case.id, inJiangbei.case.id]) {
      expect(
        (await t.app.db.select().from(report).where(eq(report.caseId, id))).map((r) => r.reporterPhone),
      ).not.toContain('13900006666');
    }
  });

  it('an address only the gazetteer knows is placed there and checked for duplicates', async () => {
    const admin = await t.login('admin');
    const place = (await t.as(admin).get(`/api/geo/places?q=${encodeURIComponent('天一广场')}`)).json()
      .items[0];
    expect(place.name).toBe('天一广场');
    // An open case of the type a few metres from the place (no address of its own).
    const near = await staffReport(north(place.point, 5), '01003');
    const operator = await t.login('hotline.operator');
    const callId = await takenCall(operator, '13900006666');
    const made = await must(
      callReport(operator, callId, {
        description: '雨水井盖不见了',
        address: '天一广场',
        matterCode: '01003',
      }),
      201,
      'gazetteer report',
    );
    expect(made.report).toMatchObject({
      merged: true,
      locatedBy: 'gazetteer',
      place: { name: '天一广场' },
      caseCode: near.case.code,
    });
  });

  it('an unknown address is refused with 422 asking for a map point; nothing is written', async () => {
    const operator = await t.login('hotline.operator');
    const callId = await takenCall(operator, '13900007777');
    const before = (await t.app.db.select().from(report)).length;
    const res = await callReport(operator, callId, {
      description: '井盖缺失',
      address: '不存在的路 999 号',
      matterCode: '06002',
    });
    expect(res.statusCode).toBe(422);
    const err = res.json().error;
    expect(err.details[0].field).toBe('body.location');
    expect(err.message).toMatch(/不存在的路 999 号/);
    expect(err.message).toMatch(/地图上选点/);
    const en = await t
      .as(operator)
      .post(
        `/api/hotline/calls/${callId}/report`,
        { version: 2, description: '井盖缺失', address: '不存在的路 999 号', matterCode: '06002' },
        { 'accept-language': 'en' },
      );
    expect(en.json().error.message).toMatch(/Pick the point on the map/);
    expect((await t.app.db.select().from(report)).length).toBe(before);
    // Neither a point nor an address: 400 naming the location.
    const none = await callReport(operator, callId, { description: '井盖缺失', matterCode: '06002' });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details[0].field).toBe('body.location');
  });
});

describe('the radius and window of the type’s family', () => {
  it('a street-order report 80 m away merges; a manhole report 80 m away does not', async () => {
    const p1 = await pointIn(t, '330203', 320);
    const vending = await staffReport(p1, '09006');
    const again = await staffReport(north(p1, 80), '09006');
    expect(again.merged).toBe(true);
    expect(again.case.id).toBe(vending.case.id);

    const p2 = await pointIn(t, '330203', 380);
    const manhole = await staffReport(p2, '01002');
    const other = await staffReport(north(p2, 80), '01002');
    expect(other.merged).toBe(false);
    expect(other.case.id).not.toBe(manhole.case.id);
    // Within its own 30 m it does.
    expect((await staffReport(north(p2, 20), '01002')).case.id).toBe(manhole.case.id);
  });

  it('a street-order case older than its 4 h window is not merged into; a manhole one of 5 days is', async () => {
    const p1 = await pointIn(t, '330203', 440);
    const old = await staffReport(p1, '09006');
    await t.app.db.execute(
      sql`UPDATE case_file SET created_at = now() - interval '5 hours' WHERE id = ${old.case.id}`,
    );
    expect((await staffReport(p1, '09006')).merged).toBe(false);

    const p2 = await pointIn(t, '330203', 500);
    const cover = await staffReport(p2, '01002');
    await t.app.db.execute(
      sql`UPDATE case_file SET created_at = now() - interval '5 days' WHERE id = ${cover.case.id}`,
    );
    expect((await staffReport(p2, '01002')).case.id).toBe(cover.case.id);
  });

  it('GET /api/reports/duplicates uses the family’s radius', async () => {
    const p = await pointIn(t, '330203', 560);
    const first = await staffReport(p, '09006');
    const acceptor = await t.login('haishu.acceptor');
    const q = (m: number, type: string) => {
      const at = north(p, m);
      return t
        .as(acceptor)
        .get(`/api/reports/duplicates?lng=${at.lng}&lat=${at.lat}&crs=wgs84&matterCode=${type}`);
    };
    const hits = (await q(80, '09006')).json().items as { case: { id: string } }[];
    expect(hits.map((h) => h.case.id)).toContain(first.case.id);
    const p2 = await pointIn(t, '330203', 620);
    const cover = await staffReport(p2, '01002');
    const none = (
      await t
        .as(acceptor)
        .get(`/api/reports/duplicates?lng=${p2.lng}&lat=${north(p2, 80).lat}&crs=wgs84&matterCode=01002`)
    ).json().items as { case: { id: string } }[];
    expect(none.map((h) => h.case.id)).not.toContain(cover.case.id);
  });

  it('a district never merges into another district’s case, even at its border', async () => {
    // Two reports of one type at one point, made by the city: the district is the point's, so a
    // 江北 report joins only 江北 cases — here none exists, so a 江北 report near a 海曙 case opens its own.
    const hs = await pointIn(t, '330203', 680);
    const jb = await pointIn(t, '330205', 5);
    const a = await staffReport(hs, '09006');
    const b = await staffReport(jb, '09006', {}, 'jiangbei.acceptor');
    expect(b.case?.id ?? null).not.toBe(a.case.id);
    const rows = await t.app.db
      .select({ d: caseFile.districtCode })
      .from(report)
      .innerJoin(caseFile, eq(caseFile.id, report.caseId))
      .where(and(eq(report.id, b.reportId)));
    expect(rows[0].d).toBe('330205');
  });
});

describe('a report joining a case fixed on the spot', () => {
  it('an inspector’s self-disposed case, reported again from the portal, goes on to filing: no close on the fixer’s word', async () => {
    const p = await pointIn(t, '330203', 800);
    // The inspector reports and fixes it on the spot: it waits on the shift leader to close.
    const found = await staffReport(p, '09006', { channel: 'inspector' }, 'haishu.inspector');
    const id = found.case.id as string;
    const fixed = await actOn(t, 'haishu.inspector', id, 'self_dispose', {
      photos: [await uploadPhoto(t, await t.login('haishu.inspector'))],
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json().state).toBe('self_disposed');
    // A citizen still sees the problem 20 m away and reports it on the portal.
    const sent = await sendReport(
      t,
      reportParts({
        description: '路边有人占道摆摊卖水果，堵住了人行道',
        location: { ...north(p, 20), crs: 'wgs84' },
        matterCode: '09006',
      }),
    );
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json().merged).toBe(true);
    const c = await caseRow(id);
    expect(c.state).toBe('pending_filing');
    const [ev] = await t.database.query<{ reason: string; before: { state: string } }>(
      sql`SELECT reason, before FROM event WHERE entity_id = ${id} AND action = 'case.refer_to_filing'`,
    );
    expect(ev.before.state).toBe('self_disposed');
    expect(ev.reason).toMatch(/not closed on the fixer’s word alone/);
    const close = await actOn(t, 'haishu.shift_leader', id, 'close');
    expect(close.statusCode).toBe(409);
    const std = (await t.as(await t.login('haishu.shift_leader')).get('/api/catalog/standards/09006')).json();
    const filed = await actOn(t, 'haishu.shift_leader', id, 'file', {
      matterType: '09006',
      filingConditionId: std.filingConditions[0].id,
    });
    expect(filed.statusCode, filed.body).toBe(200);
    expect(filed.json().state).toBe('pending_dispatch');
  });
});

describe('a merge made later by staff', () => {
  it('the moved report’s Open311 status_notes and portal page say merged and follow the surviving case', async () => {
    const p = await pointIn(t, '330203', 740);
    const target = await staffReport(p, '06002');
    // Another type far enough not to merge at intake: an Open311 app's request.
    const q = north(p, 300);
    const res = await t.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': FORM_TYPE },
      payload: form({
        api_key: appKey,
        service_code: '06002',
        lat: q.lat,
        long: q.lng,
        description: '井盖缺失了',
      }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const id = JSON.parse(res.body)[0].service_request_id as string;
    const own = await caseOfReport(id);
    expect(own).not.toBe(target.case.id);
    expect((await open311Get(id)).status_notes).not.toMatch(/合并/);
    const [r] = await t.app.db.select().from(report).where(eq(report.id, id));
    await must(
      actOn(t, 'haishu.acceptor', own, 'merge_duplicate', { targetCaseId: target.case.id }),
      200,
      'merge',
    );
    expect(await caseOfReport(id)).toBe(target.case.id);
    const merged = await open311Get(id);
    expect(merged).toMatchObject({ status: 'open' });
    expect(merged.status_notes).toMatch(/合并/);
    const view = await track(r.trackingCode);
    expect(view).toMatchObject({ merged: true, status: 'submitted', canRate: false });
    await closeCase(target.case.id, '06002');
    const closed = await open311Get(id);
    expect(closed.status).toBe('closed');
    expect(closed.status_notes).toMatch(/已办结/);
    expect((await track(r.trackingCode)).status).toBe('resolved');
  });
});
