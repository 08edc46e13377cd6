/**
 * A reporter who cannot open the case learns about their own report only: its words, place and
 * photos, its public tracking code and its public status — in the answer to the report, when it is
 * replayed, in GET /api/reports/:id and /mine, and in their inbox. Not the case's id, code,
 * state, channel, grid, urgency, clock or units, not another reporter's words; also when the report
 * joins (or is later merged into) someone else's case. Whether the reporter may open the case is
 * decided on every read: a unit sees it while it is dispatched to it, a person moved to another
 * district no longer does. A reporter who can open the case gets it in full, as before.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACKING_CODE_PATTERN } from '../../common/public-report.ts';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';

process.env.DEMO_COMPONENTS ??= '300';

let t: TestApp;
let admin: string;
let units: Record<string, string>;

const PUBLIC_FIELDS = [
  'channel',
  'closedAt',
  'createdAt',
  'description',
  'location',
  'merged',
  'photos',
  'reportId',
  'status',
  'trackingCode',
];

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items;
  units = Object.fromEntries(orgs.map((o: { id: string; name: string }) => [o.name, o.id]));
});
afterAll(async () => t?.close());

async function reportAs(
  token: string,
  at: { lng: number; lat: number },
  extra: Record<string, unknown> = {},
) {
  const res = await t.as(token).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'app',
    description: `路灯不亮 ${randomUUID().slice(0, 8)}`,
    location: { lng: at.lng, lat: at.lat, crs: 'wgs84' },
    matterCode: '06030',
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/**
 * The case behind a report as the centre sees it, less the caller's own report: what must never
 * reach a reporter who cannot open the case (ids, code, grid, other reporters' words).
 */
async function caseSecrets(caseId: string, ownReportId: string) {
  const d = (await t.as(admin).get(`/api/cases/${caseId}`)).json();
  const others = (d.reports as { id: string; description: string }[]).filter((r) => r.id !== ownReportId);
  const ownWords = d.reports.find((r: { id: string }) => r.id === ownReportId)?.description;
  return [
    d.case.id,
    d.case.code,
    d.case.gridId,
    ...(d.case.description === ownWords ? [] : [d.case.description]),
    ...others.flatMap((r) => [r.id, r.description]),
  ];
}

/** The answer is the public view and nothing of the case. */
function expectPublicOnly(body: Record<string, unknown>, secrets: string[]) {
  const text = JSON.stringify(body);
  for (const s of secrets) expect(text, s).not.toContain(s);
  for (const field of ['gridId', 'urgency', 'currentDueAt', 'districtCode', 'unitId', 'state', 'version'])
    expect(text, field).not.toContain(`"${field}"`);
}

const own = async (token: string, reportId: string) => {
  const res = await t.as(token).get(`/api/reports/${reportId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const mineItem = async (token: string, reportId: string) => {
  const res = await t.as(token).get('/api/reports/mine?pageSize=100');
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items.find((i: { reportId: string }) => i.reportId === reportId);
};

describe('a report merged into a case outside the reporter’s scope', () => {
  it('tells a unit its own report, tracking code and public status only — in the answer and in every later read', async () => {
    const at = await pointIn(t, '330203', 12);
    const acceptor = await t.login('haishu.acceptor');
    // Someone else's case: a hotline call with the caller's phone in the description.
    const first = await reportAs(acceptor, at, {
      channel: 'hotline',
      description: '市民来电：路灯不亮，联系电话13700001111',
      address: '某某路9号',
    });
    const secrets = [...(await caseSecrets(first.case.id, '')), 'hotline', '13700001111', '某某路9号'];

    // A district unit reports the same thing a few metres away: it joins the open case.
    const unit = await t.login('unit.haishu-sanitation');
    const photo = await uploadPhoto(t, unit);
    const body = {
      idempotencyKey: randomUUID(),
      // A unit reports its own checks on the channel `department` (no other is taken from it).
      channel: 'department',
      description: '巡查发现路灯不亮',
      location: { lng: at.lng + 0.0001, lat: at.lat, crs: 'wgs84' },
      matterCode: '06030',
      photos: [photo],
    };
    const res = await t.as(unit).post('/api/reports', body);
    expect(res.statusCode, res.body).toBe(201);
    const answer = res.json();
    expect(Object.keys(answer).sort()).toEqual([
      'case',
      'merged',
      'replayed',
      'report',
      'reportId',
      'suggestions',
    ]);
    expect(answer).toMatchObject({ merged: true, replayed: false, case: null, suggestions: { unit: null } });
    expect(Object.keys(answer.report).sort()).toEqual(PUBLIC_FIELDS);
    expect(answer.report).toMatchObject({
      reportId: answer.reportId,
      channel: 'department',
      description: '巡查发现路灯不亮',
      photos: [photo],
      merged: true,
      status: 'submitted',
      closedAt: null,
    });
    expect(answer.report.trackingCode).toMatch(new RegExp(TRACKING_CODE_PATTERN));
    expect(answer.report.location.lng).toBeCloseTo(at.lng + 0.0001, 9);
    expectPublicOnly(answer, secrets);

    // Replayed with its idempotency key: the same.
    const again = await t.as(unit).post('/api/reports', body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ replayed: true, case: null, report: answer.report });
    expectPublicOnly(again.json(), secrets);

    // Followed later: the same view, with the case set to null.
    const got = await own(unit, answer.reportId);
    expect(got).toEqual({ ...answer.report, case: null });
    expect(await mineItem(unit, answer.reportId)).toEqual(got);
    expectPublicOnly(got, secrets);

    // The status follows the case, in public words.
    const std = (await t.as(admin).get('/api/catalog/standards/06030')).json();
    expect(
      (await actOn(t, 'haishu.acceptor', first.case.id, 'accept_report', { matterType: '06030' })).statusCode,
    ).toBe(200);
    expect((await own(unit, answer.reportId)).status).toBe('accepted');
    const filed = await actOn(t, 'haishu.shift_leader', first.case.id, 'file', {
      matterType: '06030',
      filingConditionId: std.filingConditions[0].id,
    });
    expect(filed.statusCode, filed.body).toBe(200);
    const dispatched = await actOn(t, 'haishu.dispatcher', first.case.id, 'dispatch', {
      unitId: units.海曙区园林绿化管理中心,
    });
    expect(dispatched.statusCode, dispatched.body).toBe(200);
    const later = await own(unit, answer.reportId);
    expect(later).toMatchObject({ status: 'in_progress', case: null });
    expectPublicOnly(later, secrets);

    // Dispatched to the reporter's own unit, the case is theirs to open: the full view.
    const redispatch = await actOn(t, 'haishu.dispatcher', first.case.id, 're_dispatch', {
      unitId: units.海曙区环境卫生管理处,
    });
    expect(redispatch.statusCode, redispatch.body).toBe(200);
    const theirs = await own(unit, answer.reportId);
    expect(theirs).toMatchObject({ status: 'in_progress', case: { id: first.case.id, state: 'dispatched' } });
    expect((await t.as(unit).get(`/api/cases/${first.case.id}`)).statusCode).toBe(200);
  });

  it('tells a sensor key the same, and a centre reporter who can open the case the whole of it', async () => {
    const centre = (await t.as(admin).get('/api/orgs?kind=district_center&districtCode=330203')).json()
      .items[0] as { id: string };
    const keyRes = await t
      .as(admin)
      .post('/api/api-keys', { name: '井盖传感网关', orgId: centre.id, permissions: ['case:report'] });
    expect(keyRes.statusCode, keyRes.body).toBe(201);
    const sensor = keyRes.json().secret as string;

    const at = await pointIn(t, '330203', 14);
    const inspector = await t.login('haishu.inspector');
    const first = await reportAs(inspector, at, { matterCode: '06034', channel: 'inspector' });
    const secrets = [...(await caseSecrets(first.case.id, '')), '"inspector"'];
    const fromSensor = await reportAs(
      sensor,
      { lng: at.lng, lat: at.lat + 0.0001 },
      {
        matterCode: '06034',
        // A key that is not a unit's reports on `app` (the channel follows the sender).
        channel: 'app',
        description: '井盖位移告警',
      },
    );
    expect(fromSensor).toMatchObject({
      merged: true,
      case: null,
      report: { status: 'submitted', channel: 'app' },
    });
    expectPublicOnly(fromSensor, secrets);
    const followed = await own(sensor, fromSensor.reportId);
    expect(followed).toEqual({ ...fromSensor.report, case: null });
    expectPublicOnly(followed, secrets);
    expectPublicOnly((await t.as(sensor).get('/api/reports/mine')).json(), secrets);

    // The acceptor's report of the same thing joins too, and the acceptor may open the case.
    const acceptor = await t.login('haishu.acceptor');
    const fromHotline = await reportAs(
      acceptor,
      { lng: at.lng, lat: at.lat - 0.0001 },
      {
        matterCode: '06034',
        channel: 'hotline',
      },
    );
    expect(fromHotline).toMatchObject({
      merged: true,
      case: { id: first.case.id, code: first.case.code, gridId: first.case.gridId },
      report: { status: 'submitted', merged: true },
    });
    expect(await own(acceptor, fromHotline.reportId)).toMatchObject({
      ...fromHotline.report,
      case: { id: first.case.id, code: first.case.code, state: 'reported' },
    });
    // Each report has its own tracking code.
    const codes = [
      first.report.trackingCode,
      fromSensor.report.trackingCode,
      fromHotline.report.trackingCode,
    ];
    expect(new Set(codes).size).toBe(3);
  });

  it('a case merged later (合并重复案件) into one outside the scope: the view and the inbox say only the public status', async () => {
    const at = await pointIn(t, '330203', 16);
    const inspector = await t.login('haishu.inspector');
    const target = await reportAs(inspector, at, { matterCode: '06032', channel: 'inspector' });
    // The unit's report makes its own case elsewhere (too far to join at intake)…
    const unit = await t.login('unit.haishu-sanitation');
    const elsewhere = await pointIn(t, '330203', 17);
    const mine = await reportAs(unit, elsewhere, {
      channel: 'department',
      matterCode: '06032',
      description: '路灯杆倾斜',
    });
    expect(mine).toMatchObject({ merged: false, case: null, report: { status: 'submitted' } });
    const [{ id: ownCaseId }] = await t.database.query<{ id: string }>(
      // The test reads the row directly: the unit's answers never name its case.
      sql`SELECT case_id::text AS id FROM report WHERE id = ${mine.reportId}`,
    );
    // …which the centre then merges into the inspector's case.
    const merged = await actOn(t, 'haishu.acceptor', ownCaseId, 'merge_duplicate', {
      targetCaseId: target.case.id,
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const secrets = [...(await caseSecrets(target.case.id, mine.reportId)), ownCaseId];
    const followed = await own(unit, mine.reportId);
    expect(followed).toMatchObject({ merged: true, status: 'submitted', case: null });
    expectPublicOnly(followed, secrets);

    // The unit's handlers were told about their report, not about a case.
    const inbox = (await t.as(unit).get('/api/notifications?pageSize=50')).json();
    const notice = inbox.items.find(
      (n: { params: { reportId?: string } }) => n.params.reportId === mine.reportId,
    );
    expect(notice).toMatchObject({
      kind: 'report.status',
      caseId: null,
      params: { reportId: mine.reportId, trackingCode: mine.report.trackingCode, status: 'submitted' },
    });
    expectPublicOnly(notice, secrets);
    // (The inbox holds the unit's notifications about cases dispatched to it too; none names these.)
    for (const x of secrets) expect(JSON.stringify(inbox)).not.toContain(x);

    // Closed without the unit ever seeing it: rejected → declined, with when.
    const rejected = await actOn(t, 'haishu.acceptor', target.case.id, 'reject', {
      reason: '已由其他部门处理',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    const done = await own(unit, mine.reportId);
    expect(done).toMatchObject({ status: 'declined', case: null });
    expect(done.closedAt).not.toBeNull();
    const inbox2 = (await t.as(unit).get('/api/notifications?pageSize=50')).json();
    expect(
      inbox2.items
        .filter(
          (n: { kind: string; params: { reportId?: string; status?: string } }) =>
            n.params.reportId === mine.reportId,
        )
        .map((n: { params: { status?: string } }) => n.params.status),
    ).toEqual(['declined', 'submitted']);
    for (const x of secrets) expect(JSON.stringify(inbox2)).not.toContain(x);
    // The inspector, who may open the case, hears about the case itself.
    const centreInbox = (await t.as(inspector).get('/api/notifications?pageSize=50')).json();
    expect(centreInbox.items).toContainEqual(
      expect.objectContaining({
        caseId: target.case.id,
        kind: 'case.reject',
        params: { code: target.case.code, state: 'rejected' },
      }),
    );
  });

  it('a person moved to another district follows their old report by its public view only', async () => {
    const at = await pointIn(t, '330211', 3);
    const token = await t.login('zhenhai.inspector');
    const r = await reportAs(token, at, { matterCode: '06033', channel: 'inspector' });
    expect(r.case).not.toBeNull();
    expect((await own(token, r.reportId)).case).toMatchObject({ id: r.case.id });

    const user = (await t.as(admin).get('/api/users?q=zhenhai.inspector')).json().items[0];
    const fenghua = (await t.as(admin).get('/api/orgs?kind=district_center&districtCode=330213')).json()
      .items[0];
    const moved = await t
      .as(admin)
      .patch(`/api/users/${user.id}`, { version: user.version, orgId: fenghua.id });
    expect(moved.statusCode, moved.body).toBe(200);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'zhenhai.inspector', password: DEMO_PASSWORD },
    });
    const fresh = login.json().token as string;
    const followed = await own(fresh, r.reportId);
    expect(followed).toMatchObject({ reportId: r.reportId, trackingCode: r.report.trackingCode, case: null });
    expectPublicOnly(followed, await caseSecrets(r.case.id, r.reportId));
  });
});
