/**
 * The public portal's API (issue 10, item 1; must-show 5, the portal's half): a citizen reports
 * without an account and the report lands with the district's acceptor, who can only send it for
 * verification (核实) — never straight to filing; the tracking view shows the citizen their own
 * report, its public status and steps, and nothing of the staff or of other reporters, the result's
 * photos only once resolved; recent reports nearby are coarse and wordless; reports are throttled
 * per source address (trust-proxy aware, IPv6 per /64) and per phone number without blocking
 * anyone else; oversized, malformed and hostile input is refused with the one error shape in
 * Chinese and English and leaves nothing behind, and a fuzz of the whole public surface finds no
 * 5xx.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACKING_CODE_PATTERN } from '../../common/public-report.ts';
import { buildApp } from '../../server/app.ts';
import { readExifGps } from '../../server/modules/cases/exif-gps.ts';
import { photoPaths } from '../../server/modules/cases/photos.ts';
import type { Config } from '../../server/platform/config.ts';
import type { App } from '../../server/platform/types.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';
import { errorBodyOf, errorShapeProblem } from '../support/error-body.ts';
import {
  anyJson,
  nastyString,
  type OpenApiDocument,
  operationsOf,
  pathFor,
  queryFor,
} from '../support/fuzz.ts';
import {
  BOUNDARY,
  cameraJpeg,
  formBody,
  type Part,
  portalInject,
  type ReportFields,
  reportParts,
  sendReport,
} from '../support/portal.ts';

process.env.DEMO_COMPONENTS ??= '300';

let t: TestApp;
let units: Record<string, string>;
/** Staff with names that must never reach the public. */
const STAFF = {
  inspector: { username: 'pt.inspector', displayName: '核实员赵六', roles: ['inspector'] },
  acceptor: { username: 'pt.acceptor', displayName: '受理员钱七', roles: ['acceptor'] },
  leader: { username: 'pt.leader', displayName: '值班长孙八', roles: ['shift_leader'] },
  dispatcher: { username: 'pt.dispatcher', displayName: '派遣员周九', roles: ['dispatcher'] },
};
const STAFF_PASSWORD = 'portal-staff-2026';

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=200')).json().items as {
    id: string;
    name: string;
  }[];
  units = Object.fromEntries(orgs.map((o) => [o.name, o.id]));
  for (const s of Object.values(STAFF)) {
    const res = await t.as(admin).post('/api/users', {
      ...s,
      orgId: units.海曙区智慧城管中心,
      password: STAFF_PASSWORD,
    });
    expect(res.statusCode, res.body).toBe(201);
  }
}, 300_000);
afterAll(async () => t?.close());

const staff = (who: keyof typeof STAFF) => t.login(STAFF[who].username, STAFF_PASSWORD);
const at = (p: { lng: number; lat: number }) => ({ lng: p.lng, lat: p.lat, crs: 'wgs84' });

async function report(fields: ReportFields, photos: Buffer[] = [], ip?: string) {
  const res = await sendReport(t, reportParts(fields, photos), { ip });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { trackingCode: string; status: string; merged: boolean; photos: number };
}

async function caseOfCode(code: string) {
  const [row] = await t.database.query<{ case_id: string; report_id: string }>(
    sql`SELECT case_id, id AS report_id FROM report WHERE tracking_code = ${code}`,
  );
  return row;
}

const track = (code: string, lang?: string) =>
  portalInject(t, { method: 'GET', url: `/api/public/reports/${code}`, lang });

/** Rows a refused request must not have written. */
async function counts() {
  const [r] = await t.database.query<{
    reports: number;
    events: number;
    photos: number;
    ledger: number;
    uploaders: number;
  }>(
    sql`SELECT (SELECT count(*)::int FROM report) AS reports, (SELECT count(*)::int FROM event) AS events,
      (SELECT count(*)::int FROM photo) AS photos, (SELECT count(*)::int FROM portal_report) AS ledger,
      (SELECT count(*)::int FROM photo_uploader) AS uploaders`,
  );
  return r;
}

async function filingCondition(code: string) {
  const std = (await t.as(await staff('leader')).get(`/api/catalog/standards/${code}`)).json();
  return std.filingConditions[0].id as string;
}

async function act(caseId: string, token: string, action: string, fields: Record<string, unknown> = {}) {
  const version = (await t.as(token).get(`/api/cases/${caseId}`)).json().case.version;
  const res = await t.as(token).post(`/api/cases/${caseId}/actions/${action}`, { version, ...fields });
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  return res.json();
}

/** The staff side of one case, from the report to closed, with words and photos at every step. */
async function closeCase(caseId: string, matterCode: string) {
  const inspector = await staff('inspector');
  const acceptor = await staff('acceptor');
  const leader = await staff('leader');
  const dispatcher = await staff('dispatcher');
  const unit = await t.login('unit.haishu-sanitation');
  await act(caseId, acceptor, 'request_verify');
  await act(caseId, inspector, 'verify_confirm', {
    photos: [await uploadPhoto(t, inspector)],
    note: '核实员赵六：现场属实',
  });
  await act(caseId, leader, 'file', {
    matterType: matterCode,
    filingConditionId: await filingCondition(matterCode),
  });
  await act(caseId, dispatcher, 'dispatch', { unitId: units.海曙区环境卫生管理处, note: '请周九跟进' });
  await act(caseId, unit, 'sign');
  const fixed = await uploadPhoto(t, unit);
  await act(caseId, unit, 'feed_back', { note: '班组长吴十已更换井盖', photos: [fixed] });
  await act(caseId, acceptor, 'request_check');
  const checked = await uploadPhoto(t, inspector);
  await act(caseId, inspector, 'check_pass', { photos: [checked], note: '赵六复核通过' });
  await act(caseId, leader, 'close');
  return { fixed, checked };
}

// ---------------------------------------------------------------------------------------------

describe('a citizen’s report', () => {
  it('arrives with the acceptor on the channel web and is verified on site before filing, never filed straight away', async () => {
    const p = await pointIn(t, '330203', 2);
    const photo = await cameraJpeg();
    const before = await counts();
    const got = await report(
      {
        description: '人行道上的污水井盖破了一个洞',
        location: at(p),
        matterCode: '06002',
        phone: '+86 138-0013-8000',
      },
      [photo],
    );
    expect(got).toMatchObject({ status: 'submitted', merged: false, photos: 1 });
    expect(got.trackingCode).toMatch(new RegExp(TRACKING_CODE_PATTERN));
    const after = await counts();
    expect(after.reports - before.reports).toBe(1);
    expect(after.ledger - before.ledger).toBe(1);
    // One request, one audit event: the report's, which names its photo.
    expect(after.events - before.events).toBe(1);

    const { case_id: caseId } = await caseOfCode(got.trackingCode);
    const acceptor = await staff('acceptor');
    const page = (await t.as(acceptor).get(`/api/cases/${caseId}`)).json();
    expect(page.case).toMatchObject({ channel: 'web', state: 'reported', districtCode: '330203' });
    // The buttons the acceptor is offered: verification, not acceptance.
    const offered = (page.actions as { action: string }[]).map((a) => a.action);
    expect(offered).toContain('request_verify');
    expect(offered).not.toContain('accept_report');
    // The report as staff see it: the citizen's words, the phone (whole for the acceptor, masked
    // for the dispatcher), no account behind it.
    expect(page.reports).toHaveLength(1);
    expect(page.reports[0]).toMatchObject({
      channel: 'web',
      description: '人行道上的污水井盖破了一个洞',
      reporterPhone: '13800138000',
      reporterName: null,
      account: null,
      contactMasked: false,
    });
    const dispatcherView = (await t.as(await staff('dispatcher')).get(`/api/cases/${caseId}`)).json();
    expect(dispatcherView.reports[0]).toMatchObject({ reporterPhone: '138****8000', contactMasked: true });
    // Who reported: the portal, anonymous; the acceptors heard of it.
    const [ev] = await t.database.query<{ actor_type: string; actor_name: string; source_ip: string }>(
      sql`SELECT actor_type, actor_name, source_ip FROM event WHERE entity_id = ${caseId} AND action = 'case.report'`,
    );
    expect(ev).toMatchObject({ actor_type: 'anonymous', actor_name: 'portal', source_ip: '198.51.100.7' });
    const inbox = (await t.as(acceptor).get('/api/notifications?pageSize=50')).json().items as {
      caseId: string;
    }[];
    expect(inbox.some((n) => n.caseId === caseId)).toBe(true);

    // Straight to filing is refused, by the table, with the reason — for the demo's acceptor too;
    // verification is the way on.
    const demo = await actOn(t, 'haishu.acceptor', caseId, 'accept_report', { matterType: '06002' });
    expect(demo.statusCode, demo.body).toBe(422);
    const direct = await t.as(acceptor).post(`/api/cases/${caseId}/actions/accept_report`, {
      version: page.case.version,
      matterType: '06002',
    });
    expect(direct.statusCode, direct.body).toBe(422);
    expect(direct.json().error).toMatchObject({
      code: 'WORKFLOW_GUARD_FAILED',
      message: '公众自行上报的问题须先派监督员现场核实，不能直接受理',
    });
    expect((await t.as(acceptor).get(`/api/cases/${caseId}`)).json().case.state).toBe('reported');
    expect((await act(caseId, acceptor, 'request_verify')).state).toBe('verifying');
    const inspector = await staff('inspector');
    const tasks = (await t.as(inspector).get(`/api/cases/${caseId}`)).json().tasks;
    expect(tasks).toMatchObject([{ kind: 'verify', status: 'open' }]);
    const confirmed = await act(caseId, inspector, 'verify_confirm', {
      photos: [await uploadPhoto(t, inspector)],
    });
    expect(confirmed.state).toBe('pending_filing');

    // The photo was re-encoded: an image, with neither the camera's tags nor where it was taken.
    const [ph] = (await t.as(acceptor).get(`/api/cases/${caseId}`)).json().reports[0].photos as string[];
    const stored = fs.readFileSync(photoPaths(t.config.dataDir, ph).original);
    const meta = await sharp(stored).metadata();
    expect(meta.format).toBe('jpeg');
    expect(readExifGps(meta.exif)).toBeNull();
    for (const secret of ['CitizenPhone', 'Li Si']) expect(stored.includes(secret), secret).toBe(false);
    expect((await sharp(photo).metadata()).exif).toBeDefined();
  });

  it('sent again with its idempotency key answers the same report and writes nothing', async () => {
    const p = await pointIn(t, '330203', 4);
    const parts = reportParts({ description: '路边垃圾桶满了', location: at(p) }, [await cameraJpeg()]);
    const first = await sendReport(t, parts);
    expect(first.statusCode, first.body).toBe(201);
    const before = await counts();
    const again = await sendReport(t, parts, { ip: '198.51.100.99' });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ replayed: true, trackingCode: first.json().trackingCode });
    // Nothing at all: no report, no ledger row, no photo row or uploader, no event.
    expect(await counts()).toEqual(before);
  });

  it('the same key with other words, place or photos is refused (409) and tells nothing of the first report', async () => {
    const p = await pointIn(t, '330203', 5);
    const key = randomUUID();
    const jpeg = await cameraJpeg();
    const first = await sendReport(
      t,
      reportParts({ idempotencyKey: key, description: '人行道井盖松动', location: at(p) }, [jpeg]),
    );
    expect(first.statusCode, first.body).toBe(201);
    const code = first.json().trackingCode as string;
    const before = await counts();
    for (const other of [
      { description: '别人写的另一件事', location: at(p) },
      { description: '人行道井盖松动', location: at({ lng: p.lng + 0.001, lat: p.lat }) },
      { description: '人行道井盖松动', location: at(p), phone: '13900139000' },
    ]) {
      const res = await sendReport(t, reportParts({ idempotencyKey: key, ...other }, [jpeg]), {
        ip: '203.0.113.77',
      });
      expect(res.statusCode, res.body).toBe(409);
      expect(errorBodyOf(res).error.details.map((d) => d.field)).toContain('body.report.idempotencyKey');
      expect(res.body).not.toContain(code);
    }
    // Without the photo, too: the photos are part of what was said.
    const noPhoto = await sendReport(
      t,
      reportParts({ idempotencyKey: key, description: '人行道井盖松动', location: at(p) }),
    );
    expect(noPhoto.statusCode, noPhoto.body).toBe(409);
    expect(await counts()).toEqual(before);
    // The very same report again is still the retry it always was.
    const same = await sendReport(
      t,
      reportParts({ idempotencyKey: key, description: '人行道井盖松动', location: at(p) }, [jpeg]),
    );
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json()).toMatchObject({ replayed: true, trackingCode: code });
  });
});

describe('following a report by its tracking code', () => {
  it('shows the citizen’s own report, its steps and — once resolved — the result’s photos; no staff, no other reporter', async () => {
    const p = await pointIn(t, '330203', 6);
    const mine = await cameraJpeg();
    const first = await report(
      {
        description: '小区门口井盖松动，走上去会响',
        location: at(p),
        matterCode: '06002',
        phone: '13900001111',
        address: '丽景社区北门',
      },
      [mine],
    );
    // Another citizen reports the same problem a few metres away: joins the case.
    const theirs = await cameraJpeg();
    const second = await report(
      {
        description: '另一位市民：井盖松了，电话13722223333',
        location: at({ lng: p.lng + 0.0001, lat: p.lat }),
        matterCode: '06002',
        phone: '13722223333',
        address: '某某路88号',
      },
      [theirs],
    );
    expect(second.merged).toBe(true);
    const { case_id: caseId } = await caseOfCode(first.trackingCode);
    expect((await caseOfCode(second.trackingCode)).case_id).toBe(caseId);

    const view0 = (await track(first.trackingCode)).json();
    expect(view0).toMatchObject({
      trackingCode: first.trackingCode,
      status: 'submitted',
      description: '小区门口井盖松动，走上去会响',
      address: '丽景社区北门',
      merged: false,
      afterPhotos: [],
      rating: null,
      canRate: false,
      closedAt: null,
    });
    expect(view0.photos).toHaveLength(1);
    expect(view0.timeline.map((s: { step: string }) => s.step)).toEqual(['submitted']);
    // The second reporter sees their own words, and not the first one's address.
    const view2 = (await track(second.trackingCode)).json();
    expect(view2).toMatchObject({
      merged: true,
      address: null,
      description: '另一位市民：井盖松了，电话13722223333',
    });

    // Photos through the code: its own; not the other reporter's, not the result's before the end.
    const ownPhoto = view0.photos[0] as string;
    const otherPhoto = view2.photos[0] as string;
    const photoUrl = (code: string, id: string, thumb = false) =>
      `/api/public/reports/${code}/photos/${id}${thumb ? '/thumb' : ''}`;
    for (const thumb of [false, true]) {
      const res = await portalInject(t, {
        method: 'GET',
        url: photoUrl(first.trackingCode, ownPhoto, thumb),
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(thumb ? 'image/webp' : 'image/jpeg');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(
      (await portalInject(t, { method: 'GET', url: photoUrl(first.trackingCode, otherPhoto) })).statusCode,
    ).toBe(404);

    const { fixed, checked } = await closeCase(caseId, '06002');
    const closed = await track(first.trackingCode);
    expect(closed.statusCode).toBe(200);
    expect(closed.headers['cache-control']).toBe('no-store');
    const view = closed.json();
    expect(view.status).toBe('resolved');
    expect(view.closedAt).not.toBeNull();
    expect(view.matterType).toMatchObject({ code: '06002' });
    expect(view.timeline.map((s: { step: string }) => s.step)).toEqual([
      'submitted',
      'accepted',
      'verified',
      'filed',
      'dispatched',
      'disposed',
      'checked',
      'resolved',
    ]);
    expect(new Set(view.afterPhotos)).toEqual(new Set([fixed, checked]));
    for (const id of [fixed, checked]) {
      expect(
        (await portalInject(t, { method: 'GET', url: photoUrl(first.trackingCode, id) })).statusCode,
      ).toBe(200);
    }
    expect(
      (await portalInject(t, { method: 'GET', url: photoUrl(first.trackingCode, otherPhoto) })).statusCode,
    ).toBe(404);

    // Nothing of the staff (names, accounts, words, the unit) nor of the other reporter (words,
    // phone, address, photo), nor the case itself (id, code, grid, state).
    const text = JSON.stringify(view);
    const detail = (await t.as(await staff('acceptor')).get(`/api/cases/${caseId}`)).json();
    const secrets = [
      ...Object.values(STAFF).flatMap((s) => [s.username, s.displayName]),
      '赵六',
      '周九',
      '吴十',
      'unit.haishu-sanitation',
      '海曙区环境卫生管理处',
      '现场属实',
      '更换井盖',
      '另一位市民',
      '13722223333',
      '137****3333',
      '某某路88号',
      '13900001111',
      otherPhoto,
      caseId,
      detail.case.code,
      detail.case.gridId,
    ];
    for (const s of secrets) expect(text, s).not.toContain(s);
    for (const field of [
      'state',
      'gridId',
      'unitId',
      'caseId',
      'reporterPhone',
      'actorName',
      'note',
      'reason',
    ])
      expect(text, field).not.toContain(`"${field}"`);
  });

  it('the code’s holder rates a resolved report once; not before it is resolved, not twice', async () => {
    const p = await pointIn(t, '330203', 24);
    const a = await report({ description: '垃圾桶满溢，异味很大', location: at(p), matterCode: '06002' });
    const b = await report({
      description: '这里的垃圾桶满了',
      location: at({ lng: p.lng, lat: p.lat + 0.0001 }),
      matterCode: '06002',
    });
    expect(b.merged).toBe(true);
    const rate = (code: string, body: unknown, lang?: string) =>
      portalInject(t, {
        method: 'POST',
        url: `/api/public/reports/${code}/rating`,
        payload: body as object,
        lang,
      });
    // The merged report follows the case but does not rate it: its holder is someone else.
    expect((await track(b.trackingCode)).json()).toMatchObject({ merged: true, canRate: false });
    const early = await rate(a.trackingCode, { result: 'satisfied' });
    expect(early.statusCode, early.body).toBe(422);
    expect(errorBodyOf(early).error.message).toBe('问题办结后才能评价');
    expect((await track(a.trackingCode)).json()).toMatchObject({ canRate: false, rating: null });

    const { case_id: caseId } = await caseOfCode(a.trackingCode);
    await closeCase(caseId, '06002');
    expect((await track(a.trackingCode)).json()).toMatchObject({
      status: 'resolved',
      canRate: true,
      rating: null,
    });
    // A stranger who got a report merged into this case cannot rate it — nor reopen it by 不满意.
    expect((await track(b.trackingCode)).json()).toMatchObject({ status: 'resolved', canRate: false });
    const stranger = await rate(b.trackingCode, { result: 'dissatisfied', note: '没处理' });
    expect(stranger.statusCode, stranger.body).toBe(422);
    expect(errorBodyOf(stranger).error.message).toContain('由首位上报人评价');
    expect((await track(a.trackingCode)).json()).toMatchObject({ status: 'resolved', canRate: true });

    for (const [body, field] of [
      [{ result: 'great' }, 'body.result'],
      [{ result: 'satisfied', note: 'x'.repeat(501) }, 'body.note'],
      [{ result: 'satisfied', stars: 5 }, 'body.stars'],
      [{}, 'body.result'],
    ] as const) {
      const bad = await rate(a.trackingCode, body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorBodyOf(bad).error.details.map((d) => d.field)).toContain(field);
    }
    expect((await rate('0000000000ZZ', { result: 'satisfied' })).statusCode).toBe(404);

    const before = await counts();
    const rated = await rate(a.trackingCode, {
      result: 'basically_satisfied',
      note: '处理及时，但地面还有污渍',
    });
    expect(rated.statusCode, rated.body).toBe(201);
    expect(rated.json()).toMatchObject({
      status: 'resolved',
      canRate: false,
      rating: { result: 'basically_satisfied' },
    });
    expect((await counts()).events).toBe(before.events + 1);
    // Once per closing: again with the same code is refused.
    const again = await rate(a.trackingCode, { result: 'dissatisfied' }, 'en');
    expect(again.statusCode, again.body).toBe(409);
    expect(errorBodyOf(again).error.code).toBe('DUPLICATE');
    // …naming where the first rating came from: the portal, not the phone.
    expect(errorBodyOf(again).error.details).toEqual([{ field: 'source', message: 'portal' }]);
    expect(errorBodyOf(again).error.message).toContain('from portal');
    const viewB = (await track(b.trackingCode)).json();
    expect(viewB).toMatchObject({ canRate: false, rating: { result: 'basically_satisfied' } });
    // The rating's words are the rater's: not in the other reporter's view.
    expect(JSON.stringify(viewB)).not.toContain('地面还有污渍');
    // The centre sees it on the case's timeline, recorded by nobody in particular.
    const [ev] = await t.database.query<{ actor_type: string; after: { result: string; source: string } }>(
      sql`SELECT actor_type, after FROM event WHERE entity_id = ${caseId} AND action = 'satisfaction.record'`,
    );
    expect(ev).toMatchObject({
      actor_type: 'anonymous',
      after: { result: 'basically_satisfied', source: 'portal' },
    });
  });

  it('不满意 reopens the case (the city’s setting): the report is in progress again, its steps say so', async () => {
    const p = await pointIn(t, '330203', 26);
    const { trackingCode } = await report({
      description: '路面坑洼积水',
      location: at(p),
      matterCode: '06002',
    });
    const { case_id: caseId } = await caseOfCode(trackingCode);
    await closeCase(caseId, '06002');
    const res = await portalInject(t, {
      method: 'POST',
      url: `/api/public/reports/${trackingCode}/rating`,
      payload: { result: 'dissatisfied', note: '坑还在' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json();
    expect(view).toMatchObject({ status: 'in_progress', canRate: false, rating: null, afterPhotos: [] });
    expect(view.timeline.at(-1).step).toBe('reopened');
    const page = (await t.as(await staff('dispatcher')).get(`/api/cases/${caseId}`)).json();
    expect(page.case.state).toBe('pending_dispatch');

    // Disposed and closed again: a second 不满意 from the portal is recorded, but reopens nothing —
    // a code's holder cannot keep a case open forever (the centre's call-back still can).
    const dispatcher = await staff('dispatcher');
    const unit = await t.login('unit.haishu-sanitation');
    const inspector = await staff('inspector');
    await act(caseId, dispatcher, 'dispatch', { unitId: units.海曙区环境卫生管理处 });
    await act(caseId, unit, 'sign');
    await act(caseId, unit, 'feed_back', { note: '已重新修补', photos: [await uploadPhoto(t, unit)] });
    await act(caseId, await staff('acceptor'), 'request_check');
    await act(caseId, inspector, 'check_pass', { photos: [await uploadPhoto(t, inspector)] });
    await act(caseId, await staff('leader'), 'close');
    const second = await portalInject(t, {
      method: 'POST',
      url: `/api/public/reports/${trackingCode}/rating`,
      payload: { result: 'dissatisfied', note: '还是不行' },
    });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json()).toMatchObject({
      status: 'resolved',
      canRate: false,
      rating: { result: 'dissatisfied' },
    });
    const after = (await t.as(dispatcher).get(`/api/cases/${caseId}`)).json();
    expect(after.case.state).toBe('closed');
  });

  it('forgives case and look-alikes in a typed code; an unknown or malformed one is refused plainly', async () => {
    const p = await pointIn(t, '330203', 8);
    const { trackingCode } = await report({ description: '路灯不亮', location: at(p) });
    const typed = trackingCode.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l');
    expect((await track(typed)).json().trackingCode).toBe(trackingCode);
    const unknown = await track('0000000000ZZ');
    expect(unknown.statusCode).toBe(404);
    expect(errorBodyOf(unknown).error.message).toBe('查询码对应的上报不存在：0000000000ZZ');
    const unknownEn = await track('0000000000ZZ', 'en');
    expect(errorBodyOf(unknownEn).error.message).toBe('Report for tracking code not found: 0000000000ZZ');
    const bad = await track('short');
    expect(bad.statusCode).toBe(400);
    expect(errorBodyOf(bad).error.details.map((d) => d.field)).toContain('params.code');
  });

  it('never writes a tracking code into the logs: whoever reads the logs cannot read the report or rate it', async () => {
    const p = await pointIn(t, '330203', 9);
    const { trackingCode } = await report({
      description: '护栏被撞歪了',
      location: at(p),
      phone: '13900002222',
    });
    const before = t.logLines.length;
    expect((await track(trackingCode)).statusCode).toBe(200);
    await t.as(null).get(`/api/public/reports/${trackingCode}/photos/00000000-0000-0000-0000-000000000000`);
    const lines = t.logLines.slice(before).join('\n');
    // The requests were logged (so the check below can fail), with the code cut out of their URLs.
    expect(lines).toContain('/api/public/reports/[redacted]');
    expect(lines).not.toContain(trackingCode);
  });
});

describe('recent public reports nearby', () => {
  it('lists the public’s reports around a point, newest first: type, status, dates and a coarse place only', async () => {
    const p = await pointIn(t, '330203', 12);
    await report({ description: '私人信息：我家住3号楼 13611112222', location: at(p), phone: '13611112222' });
    // An inspector's own report there is the platform's patrol, not the public's.
    const inspector = await t.login('haishu.inspector');
    const own = await t.as(inspector).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'inspector',
      description: '巡查发现占道经营',
      location: at(p),
      matterCode: '09006',
    });
    expect(own.statusCode, own.body).toBe(201);

    const res = await portalInject(t, {
      method: 'GET',
      url: `/api/public/nearby?lng=${p.lng}&lat=${p.lat}&radius=300`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ radiusM: 300, days: 30 });
    expect(body.items.length).toBeGreaterThanOrEqual(1);
    for (const item of body.items) {
      expect(Object.keys(item).sort()).toEqual([
        'closedAt',
        'distanceM',
        'location',
        'matterType',
        'ref',
        'reportedAt',
        'status',
      ]);
      expect(item.location.coarse).toBe(true);
      expect(Math.round(item.location.lng * 1000)).toBeCloseTo(item.location.lng * 1000, 6);
      expect(item.distanceM).toBeLessThanOrEqual(400);
    }
    const text = JSON.stringify(body);
    for (const s of ['私人信息', '13611112222', '巡查发现占道经营', own.json().case.id, own.json().case.code])
      expect(text, s).not.toContain(s);
    const times = body.items.map((i: { reportedAt: string }) => i.reportedAt);
    expect([...times].sort().reverse()).toEqual(times);

    for (const [q, field] of [
      [`lng=${p.lng}&lat=${p.lat}&radius=5000`, 'querystring.radius'],
      [`lng=${p.lng}&lat=${p.lat}&radius=10`, 'querystring.radius'],
      [`lng=${p.lng}&lat=${p.lat}&limit=1000`, 'querystring.limit'],
      [`lng=${p.lng}&lat=91`, 'querystring.lat'],
      [`lng=${p.lng}`, 'querystring.lat'],
    ]) {
      const r = await portalInject(t, { method: 'GET', url: `/api/public/nearby?${q}` });
      expect(r.statusCode, q).toBe(400);
      expect(errorBodyOf(r).error.details.map((d) => d.field)).toContain(field);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Throttling

/** Another app on the same database with its own throttles (and trust in a proxy, when given). */
async function appWith(overrides: Partial<Config>): Promise<App> {
  const app = await buildApp({
    config: { ...t.config, ...overrides },
    database: t.database,
    serveWeb: false,
    logger: false,
  });
  await app.ready();
  return app;
}

const injectReport = (
  app: App,
  fields: ReportFields,
  ip: string,
  headers: Record<string, string> = {},
  lang?: string,
) =>
  app.inject({
    method: 'POST',
    url: '/api/public/reports',
    remoteAddress: ip,
    headers: {
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      ...(lang ? { 'accept-language': lang } : {}),
      ...headers,
    },
    payload: formBody(reportParts(fields)),
  });

describe('what the report form reads', () => {
  const ask = (method: 'GET' | 'POST', url: string, payload?: object) =>
    portalInject(t, { method, url, ...(payload ? { payload } : {}) });

  it('types to browse by class, and types suggested from the words by the classifier (the point counts)', async () => {
    const types = await ask('GET', '/api/public/types');
    expect(types.statusCode, types.body).toBe(200);
    const { majors, items } = types.json() as {
      majors: { code: string; name: string }[];
      items: { code: string; name: string; majorCode: string }[];
    };
    expect(items.find((i) => i.code === '01002')).toMatchObject({ name: '污水井盖异常', majorCode: '01' });
    // Every type's class is listed, and every class listed has types.
    const classes = new Set(majors.map((m) => m.code));
    expect(items.every((i) => classes.has(i.majorCode))).toBe(true);
    expect(majors.every((m) => items.some((i) => i.majorCode === m.code))).toBe(true);

    const text = '盖子翘起来了，车开过去哐哐响';
    const plain = await ask('POST', '/api/public/suggest', { text });
    expect(plain.statusCode, plain.body).toBe(200);
    const suggested = plain.json().matterTypes as { code: string; majorCode: string; score: number }[];
    expect(suggested.length).toBeGreaterThan(0);
    expect(suggested.length).toBeLessThanOrEqual(5);
    for (const s of suggested) {
      expect(s.majorCode).toBe(items.find((i) => i.code === s.code)?.majorCode);
      expect(s.score).toBeGreaterThan(0);
    }
    // Only types: never the places the words name with their grid ids (the staff's).
    expect(Object.keys(plain.json())).toEqual(['matterTypes']);
    // At a manhole cover of the inventory, the same words lean to its anomaly.
    const admin = await t.login('admin');
    const c = (await t.as(admin).get('/api/components?pageSize=1&typeCode=01011')).json().items[0] as {
      lng: number;
      lat: number;
    };
    const there = await ask('POST', '/api/public/suggest', { text, lng: c.lng, lat: c.lat });
    expect(there.statusCode, there.body).toBe(200);
    const score = (list: { code: string; score: number }[]) =>
      list.find((m) => m.code === '01011')?.score ?? 0;
    expect(score(there.json().matterTypes)).toBeGreaterThan(score(suggested));
    // A point needs both halves.
    const half = await ask('POST', '/api/public/suggest', { text, lng: c.lng });
    expect(half.statusCode, half.body).toBe(400);
    expect(half.json().error.details[0].field).toBe('body.lat');
  });

  it('the address search and the place check answer names, never grid ids', async () => {
    const found = await ask('GET', `/api/public/places?q=${encodeURIComponent('天一广场')}`);
    expect(found.statusCode, found.body).toBe(200);
    const [first] = found.json().items as Record<string, unknown>[];
    expect(first).toMatchObject({ name: '天一广场', district: '海曙区', inside: true });
    expect(Object.keys(first).sort()).toEqual(
      ['community', 'distanceM', 'district', 'generated', 'id', 'inside', 'kind', 'name', 'point'].sort(),
    );
    expect(JSON.stringify(found.json())).not.toMatch(/\b\d{15}\b/);

    const p = first.point as { lng: number; lat: number };
    const inside = await ask('GET', `/api/public/locate?lng=${p.lng}&lat=${p.lat}`);
    expect(inside.statusCode, inside.body).toBe(200);
    expect(inside.json()).toMatchObject({ inside: true, district: '海曙区' });
    expect(Object.keys(inside.json()).sort()).toEqual(['community', 'district', 'inside', 'township']);
    // The sea east of the city: no district, and the form says so before sending.
    const sea = await ask('GET', '/api/public/locate?lng=123.5&lat=29.5');
    expect(sea.json()).toEqual({ inside: false, district: null, township: null, community: null });
  });
});

describe('throttling', () => {
  it('a flood of reports from one address is held back with a clear 429; other addresses still get through', async () => {
    const app = await appWith({ portalReportsPerHour: 3, portalRequestsPerMinute: 5 });
    try {
      const p = await pointIn(t, '330203', 14);
      const flood = '203.0.113.10';
      for (let i = 0; i < 3; i++) {
        const ok = await injectReport(app, { description: `第${i}次上报：垃圾堆放`, location: at(p) }, flood);
        expect(ok.statusCode, ok.body).toBe(201);
      }
      const before = await counts();
      const held = await injectReport(app, { description: '第4次', location: at(p) }, flood);
      expect(held.statusCode).toBe(429);
      expect(Number(held.headers['retry-after'])).toBeGreaterThan(3000);
      const zh = errorBodyOf(held).error;
      expect(zh.code).toBe('RATE_LIMITED');
      expect(zh.message).toMatch(/^您所在的网络提交上报过于频繁，请 \d+ 分钟后再试；紧急情况请拨打城管热线$/);
      const en = errorBodyOf(
        await injectReport(app, { description: '第5次', location: at(p) }, flood, {}, 'en'),
      ).error;
      expect(en.message).toMatch(/^Too many reports from your network; try again in \d+ minutes/);
      // Even a bad form is counted and refused before its body is read.
      const bad = await app.inject({
        method: 'POST',
        url: '/api/public/reports',
        remoteAddress: flood,
        headers: { 'content-type': 'application/json' },
        payload: '{',
      });
      expect(bad.statusCode).toBe(429);
      expect(await counts()).toEqual(before);
      // Someone else — another address — reports as usual, and the flooding address can still read.
      const other = await injectReport(
        app,
        { description: '另一位市民上报：垃圾堆放', location: at(p) },
        '203.0.113.11',
      );
      expect(other.statusCode, other.body).toBe(201);
      const code = other.json().trackingCode;
      expect(
        (await app.inject({ method: 'GET', url: `/api/public/reports/${code}`, remoteAddress: flood }))
          .statusCode,
      ).toBe(200);

      // Reads have their own allowance per address.
      const reader = '203.0.113.20';
      for (let i = 0; i < 5; i++) {
        expect(
          (await app.inject({ method: 'GET', url: `/api/public/reports/${code}`, remoteAddress: reader }))
            .statusCode,
        ).toBe(200);
      }
      const slow = await app.inject({
        method: 'GET',
        url: `/api/public/reports/${code}`,
        remoteAddress: reader,
      });
      expect(slow.statusCode).toBe(429);
      expect(errorBodyOf(slow).error.message).toMatch(/^请求过于频繁，请 \d+ 秒后再试$/);
      expect(
        (
          await app.inject({
            method: 'GET',
            url: `/api/public/reports/${code}`,
            remoteAddress: '203.0.113.21',
          })
        ).statusCode,
      ).toBe(200);

      // IPv6: one /64 is one address (a host picks any of its 2^64); the next /64 is another.
      for (let i = 0; i < 3; i++) {
        const r = await injectReport(
          app,
          { description: `IPv6 上报 ${i}`, location: at(p) },
          `2001:db8:1:2::${i + 1}`,
        );
        expect(r.statusCode, r.body).toBe(201);
      }
      expect(
        (await injectReport(app, { description: 'IPv6 再报', location: at(p) }, '2001:db8:1:2:ffff::9'))
          .statusCode,
      ).toBe(429);
      expect(
        (await injectReport(app, { description: 'IPv6 邻居', location: at(p) }, '2001:db8:1:3::1'))
          .statusCode,
      ).toBe(201);
    } finally {
      await app.close();
    }
  });

  it('behind a trusted proxy the client’s forwarded address is what counts; an untrusted peer cannot pick one', async () => {
    const app = await appWith({ portalReportsPerHour: 2, trustProxy: ['10.0.0.5'] });
    try {
      const p = await pointIn(t, '330203', 16);
      const via = (client: string) => ({ 'x-forwarded-for': client });
      for (let i = 0; i < 2; i++) {
        expect(
          (
            await injectReport(
              app,
              { description: `代理后上报${i}`, location: at(p) },
              '10.0.0.5',
              via('198.51.100.50'),
            )
          ).statusCode,
        ).toBe(201);
      }
      expect(
        (
          await injectReport(
            app,
            { description: '代理后再报', location: at(p) },
            '10.0.0.5',
            via('198.51.100.50'),
          )
        ).statusCode,
      ).toBe(429);
      // The proxy itself carries other clients on.
      expect(
        (
          await injectReport(
            app,
            { description: '另一客户端', location: at(p) },
            '10.0.0.5',
            via('198.51.100.51'),
          )
        ).statusCode,
      ).toBe(201);
      // A peer that is not the proxy: its own address counts, whatever header it writes.
      for (let i = 0; i < 2; i++) {
        expect(
          (
            await injectReport(
              app,
              { description: `伪造${i}`, location: at(p) },
              '192.0.2.9',
              via(`198.51.100.${60 + i}`),
            )
          ).statusCode,
        ).toBe(201);
      }
      expect(
        (
          await injectReport(
            app,
            { description: '伪造再报', location: at(p) },
            '192.0.2.9',
            via('198.51.100.99'),
          )
        ).statusCode,
      ).toBe(429);
    } finally {
      await app.close();
    }
  });

  it('one phone number may send so many reports a day, from wherever; the one over leaves nothing behind', async () => {
    const app = await appWith({ portalReportsPerPhonePerDay: 2 });
    try {
      const p = await pointIn(t, '330203', 18);
      const phone = `139${String(Date.now()).slice(-8)}`;
      const firstParts = reportParts({ description: '手机号限额 1', location: at(p), phone });
      const first = await app.inject({
        method: 'POST',
        url: '/api/public/reports',
        remoteAddress: '198.51.100.71',
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        payload: formBody(firstParts),
      });
      expect(first.statusCode, first.body).toBe(201);
      // The same number written another way is the same number.
      const second = await injectReport(
        app,
        { description: '手机号限额 2', location: at(p), phone: `+86 ${phone.slice(0, 3)}-${phone.slice(3)}` },
        '198.51.100.72',
      );
      expect(second.statusCode, second.body).toBe(201);
      // The first was sent 5 hours ago: the window is rolling, so the number may send again in 19 h.
      await t.database.query(
        sql`UPDATE portal_report SET created_at = created_at - interval '5 hours'
            WHERE report_id = (SELECT id FROM report WHERE tracking_code = ${first.json().trackingCode})`,
      );
      const before = await counts();
      const third = await injectReport(
        app,
        { description: '手机号限额 3', location: at(p), phone },
        '198.51.100.73',
      );
      expect(third.statusCode).toBe(429);
      // The answer says when, in words and in Retry-After: when the first report leaves the window.
      const retryAfter = Number(third.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(18.9 * 3600);
      expect(retryAfter).toBeLessThanOrEqual(19 * 3600);
      expect(errorBodyOf(third).error).toMatchObject({
        code: 'RATE_LIMITED',
        message: '同一手机号 24 小时内最多上报 2 次，请 19 小时后再试；紧急情况请拨打城管热线',
        details: [{ field: 'body.report.phone' }],
      });
      const thirdEn = await injectReport(
        app,
        { description: '手机号限额 3', location: at(p), phone },
        '198.51.100.73',
        {},
        'en',
      );
      expect(errorBodyOf(thirdEn).error.message).toBe(
        'One phone number may send at most 2 reports in 24 hours; try again in 19 h, or call the city hotline if it is urgent',
      );
      expect(await counts()).toEqual(before);
      // Another number, and the same report sent again (a retry), go through.
      expect(
        (
          await injectReport(
            app,
            { description: '另一个号码', location: at(p), phone: '13512345678' },
            '198.51.100.73',
          )
        ).statusCode,
      ).toBe(201);
      const retry = await app.inject({
        method: 'POST',
        url: '/api/public/reports',
        remoteAddress: '198.51.100.74',
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        payload: formBody(firstParts),
      });
      expect(retry.statusCode, retry.body).toBe(200);
      expect(retry.json().trackingCode).toBe(first.json().trackingCode);
    } finally {
      await app.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Refusals

/** A PNG whose header claims `w`×`h` pixels over a few bytes of data (a decompression bomb). */
function pngClaiming(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

interface Refusal {
  name: string;
  send(p: { lng: number; lat: number }, lang?: string): Promise<LightMyRequestResponse>;
  status: number;
  code: string;
  field?: string;
  /** Words the Chinese and English messages must hold. */
  zh?: string;
  en?: string;
}

const good = (p: { lng: number; lat: number }, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: randomUUID(),
  description: '井盖坏了',
  location: at(p),
  ...extra,
});
const form = (parts: Part[], lang?: string, headers: Record<string, string> = {}) =>
  sendReport(t, parts, { lang, headers, ip: '192.0.2.200' });
const json = (value: unknown) => ({ name: 'report', value: JSON.stringify(value) });
const file = (value: Buffer, contentType = 'image/jpeg', name = 'photos') => ({
  name,
  value,
  filename: 'x.jpg',
  contentType,
});

const REFUSALS: Refusal[] = [
  {
    name: 'a description of white space and invisible characters only',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body.report.description',
    zh: '问题描述至少需要 2 个可见字符',
    en: 'The description needs at least 2 visible characters',
    send: async (p, lang) => form([json(good(p, { description: '   \n\t \u200b\u0007\u202e ' }))], lang),
  },
  {
    name: 'a photo over 10 MB',
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    field: 'body.photos',
    zh: '每张照片不能超过 10 MB',
    en: 'Each photo may be at most 10 MB',
    send: async (p, lang) => form([json(good(p)), file(Buffer.alloc(10 * 1024 * 1024 + 1, 0xff))], lang),
  },
  {
    name: 'four photos',
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    field: 'body.photos',
    zh: '照片最多 3 张',
    en: 'At most 3 photos',
    send: async (p, lang) => {
      const jpeg = await cameraJpeg();
      return form([json(good(p)), file(jpeg), file(jpeg), file(jpeg), file(jpeg)], lang);
    },
  },
  {
    name: 'a text file as a photo',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    zh: '照片须为 JPEG、PNG、WebP 或 HEIF/AVIF 图片',
    en: 'A photo must be a JPEG',
    send: async (p, lang) => form([json(good(p)), file(Buffer.from('just some words'), 'text/plain')], lang),
  },
  {
    name: 'an HTML page sent as a JPEG',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    send: async (p, lang) =>
      form([json(good(p)), file(Buffer.from('<html><script>alert(document.cookie)</script></html>'))], lang),
  },
  {
    name: 'a truncated JPEG',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    send: async (p, lang) => {
      const jpeg = await cameraJpeg({ width: 400, height: 300 });
      return form([json(good(p)), file(jpeg.subarray(0, Math.floor(jpeg.length / 3)))], lang);
    },
  },
  {
    name: 'a PNG claiming 20 gigapixels',
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    field: 'file',
    zh: '照片像素过多',
    en: 'megapixels',
    send: async (p, lang) => form([json(good(p)), file(pngClaiming(200_000, 100_000), 'image/png')], lang),
  },
  {
    name: 'an empty photo',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body.photos[0]',
    zh: '照片是空文件',
    send: async (p, lang) => form([json(good(p)), file(Buffer.alloc(0))], lang),
  },
  {
    name: 'a report field that is not JSON',
    status: 400,
    code: 'MALFORMED_JSON',
    field: 'body.report',
    zh: 'report 字段不是有效的 JSON',
    en: 'The report field is not valid JSON',
    send: async (_p, lang) => form([{ name: 'report', value: "{'description': 'x'" }], lang),
  },
  {
    name: 'a prototype-polluting key in the report',
    status: 400,
    code: 'UNSAFE_JSON_KEY',
    field: 'body.report',
    send: async (p, lang) =>
      form(
        [{ name: 'report', value: `{"__proto__":{"isAdmin":true},${JSON.stringify(good(p)).slice(1)}` }],
        lang,
      ),
  },
  {
    name: 'an unknown field in the report',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body.report.channel',
    send: async (p, lang) => form([json(good(p, { channel: 'inspector' }))], lang),
  },
  {
    name: 'a description with a NUL character',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body.report.description',
    send: async (p, lang) => form([json(good(p, { description: '井盖\u0000坏了' }))], lang),
  },
  {
    name: 'a description over 1000 characters',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body.report.description',
    send: async (p, lang) => form([json(good(p, { description: '长'.repeat(1001) }))], lang),
  },
  {
    name: 'a phone that is not a phone number',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body.report.phone',
    send: async (p, lang) => form([json(good(p, { phone: 'call me maybe' }))], lang),
  },
  {
    name: 'an idempotency key that is not a uuid',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body.report.idempotencyKey',
    send: async (p, lang) => form([json(good(p, { idempotencyKey: 'abc12345' }))], lang),
  },
  {
    name: 'a report field over 16 KB',
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    field: 'body.report',
    zh: 'report 字段过长',
    send: async (p, lang) => form([json(good(p, { address: 'x'.repeat(17 * 1024) }))], lang),
  },
  {
    name: 'no report field',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body.report',
    zh: '缺少 report 字段',
    send: async (_p, lang) => form([file(await cameraJpeg())], lang),
  },
  {
    name: 'an unknown part',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body.avatar',
    send: async (p, lang) => form([json(good(p)), file(await cameraJpeg(), 'image/jpeg', 'avatar')], lang),
  },
  {
    name: 'JSON instead of a form',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    field: 'headers.content-type',
    zh: '请以 multipart/form-data 提交',
    send: async (p, lang) =>
      portalInject(t, {
        method: 'POST',
        url: '/api/public/reports',
        ip: '192.0.2.200',
        lang,
        payload: good(p),
      }),
  },
  {
    name: 'a form cut off in the middle',
    status: 400,
    code: 'BAD_REQUEST',
    zh: '表单格式错误',
    send: async (p, lang) =>
      portalInject(t, {
        method: 'POST',
        url: '/api/public/reports',
        ip: '192.0.2.200',
        lang,
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        payload: formBody([json(good(p)), file(await cameraJpeg())]).subarray(0, 300),
      }),
  },
  {
    name: 'a point outside the managed area',
    status: 422,
    code: 'OUTSIDE_MANAGED_AREA',
    send: async (_p, lang) => form([json(good({ lng: 0, lat: 0 }))], lang),
  },
  {
    name: 'an unknown matter type',
    status: 422,
    code: 'INVALID_REFERENCE',
    field: 'body.matterCode',
    send: async (p, lang) => form([json(good(p, { matterCode: '98765' }))], lang),
  },
  {
    name: 'a post from another site',
    status: 403,
    code: 'CROSS_SITE_REQUEST',
    send: async (p, lang) => form([json(good(p))], lang, { 'sec-fetch-site': 'cross-site' }),
  },
];

describe('the portal refuses oversized, malformed and hostile input in the one error shape', () => {
  let p: { lng: number; lat: number };
  beforeAll(async () => {
    p = await pointIn(t, '330203', 20);
  });
  for (const r of REFUSALS) {
    it(`${r.name} → ${r.status} ${r.code}, nothing written`, async () => {
      const before = await counts();
      const zh = await r.send(p);
      expect(zh.statusCode, zh.body).toBe(r.status);
      const body = errorBodyOf(zh).error;
      expect(body.code).toBe(r.code);
      if (r.field) expect(body.details.map((d) => d.field)).toContain(r.field);
      if (r.zh) expect(body.message).toContain(r.zh);
      expect(body.message).toMatch(/[\u4e00-\u9fff]/);
      const en = errorBodyOf(await r.send(p, 'en')).error;
      expect(en.code).toBe(r.code);
      if (r.en) expect(en.message).toContain(r.en);
      expect(en.message).not.toMatch(/[\u4e00-\u9fff]/);
      const after = await counts();
      expect({ ...after }).toEqual({ ...before });
    });
  }

  it('drops control and bidirectional-override characters from what a citizen typed; keeps line breaks', async () => {
    const { trackingCode } = await report({
      description: '井盖\u0007\u001b[31m坏了\u202eLTR\u202c\n第二行\ufeff',
      location: at(p),
      address: '\u2066天一广场\u2069',
    });
    const view = (await track(trackingCode)).json();
    expect(view.description).toBe('井盖[31m坏了LTR\n第二行');
    expect(view.address).toBe('天一广场');
  });

  it('hostile words are kept as words: stored and answered verbatim as JSON, never as markup', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)> "\'&amp; {{7*7}} \u0024{7*7}';
    const { trackingCode } = await report({ description: hostile, location: at(p), address: '<b>地址</b>' });
    const res = await track(trackingCode);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.json()).toMatchObject({ description: hostile, address: '<b>地址</b>' });
  });
});

// ---------------------------------------------------------------------------------------------
// Fuzz

const FUZZ_SEED = 20_261_010;

const PART_NAMES = [
  'report',
  'photos',
  'report',
  'photos',
  '__proto__',
  'constructor',
  'x',
  '',
  'report[]',
  'a"b',
];

/** Random forms: parts of odd names, JSON and not, bytes of every kind, broken boundaries and headers. */
const formArb = (p: { lng: number; lat: number }) =>
  fc.record({
    parts: fc.array(
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .record(
              {
                idempotencyKey: fc.oneof(fc.uuid(), nastyString),
                description: fc.oneof(nastyString, fc.string({ maxLength: 30 })),
                location: fc.oneof(
                  fc.constant(at(p)),
                  fc.record({
                    lng: fc.double(),
                    lat: fc.double(),
                    crs: fc.constantFrom('wgs84', 'gcj02', 'x'),
                  }),
                  anyJson,
                ),
                matterCode: fc.oneof(fc.constantFrom('06002', '99999', 'ZZZZZ'), nastyString),
                phone: fc.oneof(fc.constantFrom('13800138000', '+86 138 0013 8000'), nastyString),
                address: nastyString,
                extra: anyJson,
              },
              { requiredKeys: [] },
            )
            .map((v): Part => ({ name: 'report', value: JSON.stringify(v) })),
        },
        { weight: 2, arbitrary: fc.record({ name: fc.constantFrom(...PART_NAMES), value: nastyString }) },
        {
          weight: 2,
          arbitrary: fc.record({
            name: fc.constantFrom(...PART_NAMES),
            value: fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
            filename: fc.oneof(fc.constant('p.jpg'), nastyString),
            contentType: fc.constantFrom('image/jpeg', 'image/png', 'text/html', 'application/json', 'x/y'),
          }),
        },
      ),
      { maxLength: 6 },
    ),
    boundary: fc.constantFrom(BOUNDARY, BOUNDARY, 'x', ''),
    declared: fc.constantFrom(
      `multipart/form-data; boundary=${BOUNDARY}`,
      `multipart/form-data; boundary=${BOUNDARY}`,
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'multipart/mixed; boundary=x',
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
    ),
    cut: fc.option(fc.nat({ max: 4000 }), { nil: undefined }),
    lang: fc.constantFrom(undefined, 'en', 'zh-CN', '*'),
  });

describe('fuzzing the public surface', () => {
  it('finds no 5xx and no answer outside the one error shape', async () => {
    const p = await pointIn(t, '330203', 22);
    const failures: string[] = [];
    let requests = 0;
    const check = (what: string, res: LightMyRequestResponse) => {
      requests++;
      if (res.statusCode >= 500) failures.push(`${what} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      else if (res.statusCode >= 400) {
        const problem = errorShapeProblem(res);
        if (problem) failures.push(`${what} → ${res.statusCode} without the error shape: ${problem}`);
      }
    };
    // The report form.
    const out = await fc.check(
      fc.asyncProperty(formArb(p), async (f) => {
        let body = formBody(f.parts, f.boundary || BOUNDARY);
        if (f.cut !== undefined) body = body.subarray(0, f.cut);
        const res = await portalInject(t, {
          method: 'POST',
          url: '/api/public/reports',
          ip: '192.0.2.201',
          lang: f.lang,
          headers: { 'content-type': f.declared.replace(BOUNDARY, f.boundary) },
          payload: body,
        });
        check(`POST /api/public/reports (${f.parts.length} parts, ${f.declared})`, res);
        return true;
      }),
      { numRuns: 150, seed: FUZZ_SEED, includeErrorInReport: true },
    );
    expect(out.failed, fc.defaultReportMessage(out) ?? '').toBe(false);

    // Every other public operation, from the OpenAPI document: paths, queries and JSON bodies.
    const doc = (await t.as(null).get('/api/openapi.json')).json() as OpenApiDocument;
    const ops = operationsOf(doc).filter(
      (o) => o.path.startsWith('/api/public/') && o.path !== '/api/public/reports',
    );
    expect(ops.length).toBeGreaterThanOrEqual(9);
    const { trackingCode } = await report({ description: '模糊测试用上报', location: at(p) }, [
      await cameraJpeg(),
    ]);
    const pools = {
      ids: [],
      byField: {
        code: [trackingCode, trackingCode.toLowerCase(), '0000000000ZZ'],
        id: [(await track(trackingCode)).json().photos[0], '0'.repeat(64)],
        lng: [p.lng, 121.55, 0],
        lat: [p.lat, 29.87, 0],
        q: ['天一广场', '鼓楼', '%', ''],
        text: ['井盖坏了', '', '<script>'],
        z: [12, 0, 22],
        x: [3430, 0],
        y: ['1713.mvt', '0.mvt'],
      },
    };
    for (const [i, op] of ops.entries()) {
      const res = await fc.check(
        fc.asyncProperty(
          pathFor(op, pools, 100),
          queryFor(op.queryParams, pools),
          op.body
            ? fc.oneof(fc.constant(undefined), anyJson, fc.record({ text: nastyString }))
            : fc.constant(undefined),
          async (path, query, payload) => {
            const r = await portalInject(t, {
              method: op.method,
              url: query ? `${path}?${query}` : path,
              ip: '192.0.2.202',
              ...(payload === undefined
                ? {}
                : { payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }),
            });
            check(`${op.method} ${op.path}`, r);
            return true;
          },
        ),
        { numRuns: 25, seed: FUZZ_SEED + i + 1, includeErrorInReport: true },
      );
      if (res.failed) failures.push(fc.defaultReportMessage(res) ?? op.path);
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(150 + ops.length * 25);
  }, 600_000);
});
