/**
 * "My reports" (GET /api/reports/mine): a submitter lists what they reported, newest first, with
 * each case's state now — and never anybody else's reports: not a colleague's in the same district,
 * not another district's, not another API key's of the same organisation.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';

process.env.DEMO_COMPONENTS ??= '300';

let t: TestApp;
let haishu: { lng: number; lat: number }[];
let jiangbei: { lng: number; lat: number };

beforeAll(async () => {
  t = await createTestApp();
  haishu = await Promise.all([0, 1, 2, 3].map((i) => pointIn(t, '330203', 20 + i)));
  jiangbei = await pointIn(t, '330205', 5);
});
afterAll(async () => t?.close());

async function reportAs(
  token: string,
  at: { lng: number; lat: number },
  extra: Record<string, unknown> = {},
) {
  const res = await t.as(token).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'inspector',
    description: `路边暴露垃圾 ${randomUUID().slice(0, 8)}`,
    location: { lng: at.lng, lat: at.lat, crs: 'wgs84' },
    matterCode: '06010',
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { reportId: string; merged: boolean; case: { id: string; code: string } };
}

const mine = async (token: string, query = '') => {
  const res = await t.as(token).get(`/api/reports/mine${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    items: {
      reportId: string;
      createdAt: string;
      description: string;
      photos: string[];
      merged: boolean;
      case: { id: string; code: string; state: string; closedAt: string | null };
    }[];
    total: number;
    page: number;
    pageSize: number;
  };
};

describe('GET /api/reports/mine', () => {
  it('lists the caller’s own reports, newest first, with the case state now, and nobody else’s', async () => {
    const inspector = await t.login('haishu.inspector');
    const acceptor = await t.login('haishu.acceptor');
    const other = await t.login('jiangbei.inspector');
    expect((await mine(inspector)).total).toBe(0);

    const photo = await uploadPhoto(t, inspector);
    const a = await reportAs(inspector, haishu[0], { photos: [photo] });
    const b = await reportAs(inspector, haishu[1], { matterCode: '07001' });
    const c = await reportAs(inspector, haishu[2], { matterCode: '09006' });
    // A colleague in the same district and an inspector of another district report too.
    const colleague = await reportAs(acceptor, haishu[3], { channel: 'hotline' });
    const elsewhere = await reportAs(other, jiangbei);

    const list = await mine(inspector);
    expect(list).toMatchObject({ total: 3, page: 1, pageSize: 20 });
    expect(list.items.map((i) => i.reportId)).toEqual([c.reportId, b.reportId, a.reportId]);
    expect(list.items[2]).toMatchObject({
      merged: false,
      photos: [photo],
      case: { id: a.case.id, code: a.case.code, state: 'reported', closedAt: null },
    });
    // Each item is exactly what GET /api/reports/:id answers for that report.
    for (const item of list.items) {
      expect((await t.as(inspector).get(`/api/reports/${item.reportId}`)).json()).toEqual(item);
    }

    // Per submitter, whatever the scope: the acceptor sees every case of 海曙 but lists only its own
    // report; the 江北 inspector only theirs.
    expect((await mine(acceptor)).items.map((i) => i.reportId)).toEqual([colleague.reportId]);
    expect((await mine(other)).items.map((i) => i.reportId)).toEqual([elsewhere.reportId]);
    const seen = new Set([
      ...(await mine(acceptor)).items.map((i) => i.reportId),
      ...(await mine(other)).items.map((i) => i.reportId),
    ]);
    for (const r of [a, b, c]) expect(seen.has(r.reportId)).toBe(false);
    // Users without any report (a dispatcher, an administrator) get an empty list, not someone else's.
    expect(await mine(await t.login('haishu.dispatcher'))).toMatchObject({ items: [], total: 0 });
    expect(await mine(await t.login('admin'))).toMatchObject({ items: [], total: 0 });

    // The state follows the case.
    expect(
      (await actOn(t, 'haishu.acceptor', b.case.id, 'accept_report', { matterType: '07001' })).statusCode,
    ).toBe(200);
    expect((await mine(inspector)).items[1].case.state).toBe('pending_filing');
    const rejected = await actOn(t, 'haishu.acceptor', c.case.id, 'reject', { reason: '不属于城管受理范围' });
    expect(rejected.statusCode, rejected.body).toBe(200);
    const now = (await mine(inspector)).items[0];
    expect(now.case.state).toBe('rejected');
    expect(now.case.closedAt).not.toBeNull();

    // Paging.
    const p2 = await mine(inspector, '?page=2&pageSize=2');
    expect(p2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(p2.items.map((i) => i.reportId)).toEqual([a.reportId]);
  });

  it('follows a report merged into another submitter’s case, which does not show it to that submitter', async () => {
    const at = await pointIn(t, '330203', 40);
    const first = await reportAs(await t.login('haishu.inspector'), at, { matterCode: '06042' });
    // The acceptor takes a hotline call about the same thing a few metres away: merged at intake.
    const acceptor = await t.login('haishu.acceptor');
    const second = await reportAs(
      acceptor,
      { lng: at.lng + 0.0001, lat: at.lat },
      {
        matterCode: '06042',
        channel: 'hotline',
      },
    );
    expect(second.merged).toBe(true);
    const item = (await mine(acceptor)).items.find((i) => i.reportId === second.reportId);
    expect(item).toMatchObject({ merged: true, case: { id: first.case.id, code: first.case.code } });
    const inspectorList = (await mine(await t.login('haishu.inspector'))).items.map((i) => i.reportId);
    expect(inspectorList).toContain(first.reportId);
    expect(inspectorList).not.toContain(second.reportId);

    // A case merged later (合并重复案件): its report now follows the surviving case.
    const later = await reportAs(acceptor, await pointIn(t, '330203', 41), { matterCode: '06042' });
    expect(later.merged).toBe(false);
    const merged = await actOn(t, 'haishu.acceptor', later.case.id, 'merge_duplicate', {
      targetCaseId: first.case.id,
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect((await mine(acceptor)).items.find((i) => i.reportId === later.reportId)).toMatchObject({
      merged: true,
      case: { id: first.case.id, state: 'reported' },
    });
  });

  it('an API key sees the reports made with that key, not those of another key of its organisation', async () => {
    const admin = await t.login('admin');
    const centre = (await t.as(admin).get('/api/orgs?kind=district_center&districtCode=330203')).json()
      .items[0] as { id: string };
    const newKey = async (name: string) => {
      const res = await t
        .as(admin)
        .post('/api/api-keys', { name, orgId: centre.id, permissions: ['case:report', 'case:read'] });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().secret as string;
    };
    const app = await newKey('市民随手拍');
    const sensors = await newKey('物联感知平台');
    const at = await pointIn(t, '330203', 50);
    const fromApp = await reportAs(app, at, { channel: 'app', matterCode: '09009' });
    const fromSensors = await reportAs(sensors, await pointIn(t, '330203', 51), {
      channel: 'app',
      matterCode: '01001',
    });
    expect((await mine(app)).items.map((i) => i.reportId)).toEqual([fromApp.reportId]);
    expect((await mine(sensors)).items.map((i) => i.reportId)).toEqual([fromSensors.reportId]);
    // The key's reports are not a user's of the same organisation either, nor the other way round.
    for (const user of ['haishu.inspector', 'haishu.acceptor']) {
      const ids = (await mine(await t.login(user))).items.map((i) => i.reportId);
      expect(ids).not.toContain(fromApp.reportId);
      expect(ids).not.toContain(fromSensors.reportId);
    }
    expect((await t.as(app).get(`/api/reports/${fromSensors.reportId}`)).statusCode).toBe(404);
  });

  it('answers a bad query with VALIDATION_FAILED and an anonymous caller with 401', async () => {
    const inspector = await t.login('haishu.inspector');
    for (const q of ['?pageSize=0', '?pageSize=201', '?page=0', '?page=x', '?mine=false', '?submitter=x']) {
      const res = await t.as(inspector).get(`/api/reports/mine${q}`, { 'accept-language': 'en' });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.code, q).toBe('VALIDATION_FAILED');
    }
    const anon = await t.as(null).get('/api/reports/mine');
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error.code).toBe('AUTH_REQUIRED');
    // The route is in the OpenAPI document with its query and list shape.
    const doc = (await t.as(null).get('/api/openapi.json')).json();
    const op = doc.paths['/api/reports/mine']?.get;
    expect(op).toBeDefined();
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['page', 'pageSize']);
  });
});

describe('POST /api/reports with an idempotency key used before', () => {
  it('answers the same request again with the first report; another request under the key is 409, naming the key', async () => {
    const inspector = await t.login('haishu.inspector');
    const body = {
      idempotencyKey: randomUUID(),
      channel: 'inspector',
      description: '人行道井盖缺失',
      location: { lng: haishu[3].lng, lat: haishu[3].lat, crs: 'wgs84' },
      matterCode: '06010',
    };
    const first = await t.as(inspector).post('/api/reports', body);
    expect(first.statusCode, first.body).toBe(201);
    // The same request, its keys in another order: the first report, nothing new.
    const { idempotencyKey, ...rest } = body;
    const same = await t.as(inspector).post('/api/reports', { ...rest, idempotencyKey });
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json()).toMatchObject({ replayed: true, reportId: first.json().reportId });
    const before = (await mine(inspector)).total;
    for (const other of [
      { description: '另一件事：路灯不亮' },
      { location: { lng: haishu[3].lng + 0.0005, lat: haishu[3].lat, crs: 'wgs84' } },
      { matterCode: '06020' },
      { reporter: { phone: '13900139000' } },
    ]) {
      for (const lang of ['zh-CN', 'en']) {
        const res = await t
          .as(inspector)
          .post('/api/reports', { ...body, ...other }, { 'accept-language': lang });
        expect(res.statusCode, res.body).toBe(409);
        const { error } = res.json();
        expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
        expect(error.message).toMatch(
          lang === 'en' ? /idempotency key.*different content/i : /幂等键.*内容不同/,
        );
        expect(error.details.map((d: { field: string }) => d.field)).toEqual(['body.idempotencyKey']);
        expect(res.body).not.toContain(first.json().report.trackingCode);
      }
    }
    expect((await mine(inspector)).total).toBe(before);
  });
});
