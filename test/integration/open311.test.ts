/**
 * Open311 GeoReport v2 (issue 10, item 2; must show 1). Every answer — in JSON and in XML — is
 * validated against JSON Schemas written from the spec (test/support/open311-schemas/), and the
 * XML form is parsed and compared with the JSON form of the same call. A request is a report
 * through the one intake (grid, duplicate check, the key's own district), its public view is all
 * a GET shows. At the end, the outbox's Open311 client round trip: another platform (a second
 * app with its own database) forwards a dispatched case to this server listening on a port, and
 * reads back what this server's staff did with it onto the case's timeline.
 *
 * Hostile and malformed input and the throttle: open311-bad-input.test.ts.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePlaces } from '../../server/modules/geo/index.ts';
import { postRemoteRequest } from '../../server/modules/open311/index.ts';
import { ForwardPoller } from '../../server/modules/outbox/index.ts';
import { OutboxWorker } from '../../server/modules/outbox/worker.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, dispatchCase, pointIn, uploadPhoto } from '../support/cases.ts';
import { type Document, FORM_TYPE, form, readAnswer } from '../support/open311.ts';

let t: TestApp;
let admin: string;
const orgs: Record<string, string> = {};
const keys: Record<string, { secret: string; id: string }> = {};
let hs: { lng: number; lat: number };
let jb: { lng: number; lat: number };

const BASE = '/open311/v2';

async function newKey(name: string, orgId: string, permissions: string[]) {
  const res = await t.as(admin).post('/api/api-keys', { name, orgId, permissions });
  expect(res.statusCode, res.body).toBe(201);
  return { secret: res.json().secret as string, id: res.json().key.id as string };
}

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: `${BASE}${url}`, headers });

const post = (fmt: 'xml' | 'json', fields: Record<string, string | number | undefined>, headers = {}) =>
  t.app.inject({
    method: 'POST',
    url: `${BASE}/requests.${fmt}`,
    headers: { 'content-type': FORM_TYPE, ...headers },
    payload: form(fields),
  });

/**
 * One call in both forms: both valid against the spec's schema (the errors schema for a 4xx), the
 * same status, and the XML saying what the JSON says. Returns the status and the JSON form.
 */
function compare(doc: Document, j: LightMyRequestResponse, x: LightMyRequestResponse) {
  expect(x.statusCode, x.body).toBe(j.statusCode);
  const d = j.statusCode >= 400 ? 'errors' : doc;
  const fromJson = readAnswer(d, j, 'json');
  const fromXml = readAnswer(d, x, 'xml');
  expect(fromXml).toEqual(fromJson);
  return { status: j.statusCode, body: fromJson as any };
}

/** A GET (with its query) in both forms. */
async function both(doc: Document, path: string, headers: Record<string, string> = {}, query = '') {
  const j = await get(`${path}.json${query ? `?${query}` : ''}`, headers);
  const x = await get(`${path}.xml${query ? `?${query}` : ''}`, headers);
  return compare(doc, j, x);
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const list = (await t.as(admin).get('/api/orgs?pageSize=200')).json().items as {
    id: string;
    name: string;
    kind: string;
    districtCode: string | null;
  }[];
  for (const o of list) orgs[o.name] = o.id;
  const centre = (code: string) =>
    list.find((o) => o.kind === 'district_center' && o.districtCode === code)!.id;
  const city = list.find((o) => o.kind === 'city_center')!.id;
  keys.hsApp = await newKey('海曙随手拍', centre('330203'), ['case:report']);
  keys.cityApp = await newKey('市民App', city, ['case:report']);
  keys.unit = await newKey('海曙环卫自查', orgs.海曙区环境卫生管理处, ['case:report']);
  keys.reader = await newKey('只读', city, ['case:read']);
  hs = await pointIn(t, '330203', 3);
  jb = await pointIn(t, '330205', 3);
});
afterAll(async () => t?.close());

describe('discovery and services', () => {
  it('discovery says where the endpoint is, its formats, whom to contact and how to get a key', async () => {
    const { status, body } = await both('discovery', '/discovery');
    expect(status).toBe(200);
    expect(body.endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: 'http://localhost:80/open311/v2',
      type: 'production',
      formats: ['text/xml', 'application/json'],
    });
    expect(body.key_service).toContain('case:report');
    expect(body.contact).toContain('12345');
    const en = await both('discovery', '/discovery', { 'accept-language': 'en' });
    expect(en.body.key_service).toMatch(/API keys/);
  });

  it('lists the enabled matter types, grouped by category, and hides a disabled one', async () => {
    const { status, body } = await both('services', '/services');
    expect(status).toBe(200);
    const catalog = (
      await t.as(admin).get('/api/catalog/types?kind=matter&enabled=true&pageSize=500')
    ).json();
    expect(body.map((s: { service_code: string }) => s.service_code).sort()).toEqual(
      catalog.items.map((i: { code: string }) => i.code).sort(),
    );
    const one = body.find((s: { service_code: string }) => s.service_code === '06010');
    const type = catalog.items.find((i: { code: string }) => i.code === '06010');
    expect(one).toMatchObject({
      service_name: type.name,
      group: type.majorName,
      type: 'realtime',
      metadata: true,
    });

    const t1 = (await t.as(admin).get('/api/catalog/types/matter/06003')).json();
    const off = await t
      .as(admin)
      .patch('/api/catalog/types/matter/06003', { enabled: false, version: t1.version });
    expect(off.statusCode, off.body).toBe(200);
    const after = (await both('services', '/services')).body;
    expect(after.some((s: { service_code: string }) => s.service_code === '06003')).toBe(false);
    expect((await both('service-definition', '/services/06003')).status).toBe(404);
    const on = await t
      .as(admin)
      .patch('/api/catalog/types/matter/06003', { enabled: true, version: t1.version + 1 });
    expect(on.statusCode, on.body).toBe(200);
  });

  it("defines a service by its type's disposal standard, as display-only attributes", async () => {
    const { status, body } = await both('service-definition', '/services/06010');
    expect(status).toBe(200);
    const std = (await t.as(admin).get('/api/catalog/standards/06010')).json();
    expect(body.service_code).toBe('06010');
    expect(body.attributes.map((a: { code: string }) => a.code)).toEqual([
      'filing_conditions',
      'time_limits',
      'closing_conditions',
    ]);
    expect(body.attributes.every((a: { variable: boolean }) => a.variable === false)).toBe(true);
    expect(body.attributes[0].description).toContain(std.filingConditions[0].text);
    expect(body.attributes[2].description).toContain(std.closingConditions[0].text);
    const missing = await both('service-definition', '/services/99999');
    expect(missing.status).toBe(404);
    expect(missing.body[0].description).toContain('99999');
  });
});

/** A refused POST: the same error in both forms, and no report written by either. */
async function refused(
  fields: Record<string, string | number | undefined>,
  headers: Record<string, string> = {},
) {
  const before = await reportCount();
  const out = compare('errors', await post('json', fields, headers), await post('xml', fields, headers));
  expect(await reportCount()).toBe(before);
  return out;
}
const reportCount = async () =>
  Number((await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM report`))[0].n);

/** What the test created, for the GET checks. */
const made: Record<string, string> = {};

describe('POST requests', () => {
  it('makes a report through intake, in either form, with the key as reporter', async () => {
    const res = await post('json', {
      api_key: keys.hsApp.secret,
      service_code: '06010',
      lat: hs.lat,
      long: hs.lng,
      description: '小区门口垃圾三天没人清了',
      first_name: '明',
      last_name: '王',
      phone: '13800138000',
      email: 'wang@example.cn',
      media_url: 'https://img.example.cn/p/1.jpg',
      account_id: 'acct-7',
    });
    expect(res.statusCode, res.body).toBe(200);
    const [created] = readAnswer('request-created', res, 'json') as {
      service_request_id: string;
      service_notice: string;
      account_id: string;
    }[];
    expect(created.account_id).toBe('acct-7');
    const [row] = await t.database.query<Record<string, unknown>>(
      sql`SELECT r.channel, r.submitter, r.media_url, r.reporter_name, r.reporter_phone, r.tracking_code,
        r.case_id, c.matter_code, c.district_code, c.state
        FROM report r JOIN case_file c ON c.id = r.case_id WHERE r.id = ${created.service_request_id}`,
    );
    expect(row).toMatchObject({
      channel: 'app',
      submitter: keys.hsApp.id,
      media_url: 'https://img.example.cn/p/1.jpg',
      reporter_name: '王明',
      reporter_phone: '13800138000',
      matter_code: '06010',
      district_code: '330203',
      state: 'reported',
    });
    expect(created.service_notice).toContain(String(row.tracking_code));
    made.app = created.service_request_id;
    made.appToken = String(row.tracking_code);
    made.appCase = String(row.case_id);
    // Nothing the platform does not use is kept: the e-mail and account id appear nowhere.
    const [{ n }] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM event WHERE after::text LIKE '%wang@example.cn%' OR after::text LIKE '%acct-7%'`,
    );
    expect(n).toBe(0);
    // Staff see the reporter's link on the case page (as a link; the server never fetched it).
    const page = (await t.as(admin).get(`/api/cases/${row.case_id}`)).json();
    expect(page.reports[0].mediaUrl).toBe('https://img.example.cn/p/1.jpg');
    expect(page.timeline[0]).toMatchObject({ action: 'case.report', actorType: 'api_key' });

    // A unit's key: the department's own system reporting; answered in XML.
    const x = await post('xml', {
      api_key: keys.unit.secret,
      service_code: '06010',
      lat: hs.lat + 0.004,
      long: hs.lng,
      description: '自查：护栏旁积存垃圾',
    });
    expect(x.statusCode, x.body).toBe(200);
    const [fromXml] = readAnswer('request-created', x, 'xml') as { service_request_id: string }[];
    const [unitRow] = await t.database.query<{ channel: string }>(
      sql`SELECT channel FROM report WHERE id = ${fromXml.service_request_id}`,
    );
    expect(unitRow.channel).toBe('department');
    made.unit = fromXml.service_request_id;
  });

  it('joins an open case of the same type nearby, says so, and replays an Idempotency-Key', async () => {
    const fields = {
      api_key: keys.cityApp.secret,
      service_code: '06010',
      lat: hs.lat + 0.0001,
      long: hs.lng,
      description: '同一处垃圾',
    };
    const key = { 'idempotency-key': `retry-${randomUUID()}` };
    const first = await post('json', fields, key);
    expect(first.statusCode, first.body).toBe(200);
    const [a] = readAnswer('request-created', first, 'json') as {
      service_request_id: string;
      service_notice: string;
    }[];
    expect(a.service_notice).toMatch(/合并/);
    const [{ case_id }] = await t.database.query<{ case_id: string }>(
      sql`SELECT case_id FROM report WHERE id = ${a.service_request_id}`,
    );
    expect(case_id).toBe(made.appCase);
    const before = await reportCount();
    const again = await post('xml', fields, key);
    const [b] = readAnswer('request-created', again, 'xml') as { service_request_id: string }[];
    expect(b.service_request_id).toBe(a.service_request_id);
    expect(await reportCount()).toBe(before);
    made.merged = a.service_request_id;
  });

  it('finds the place of an address_string or address_id in the gazetteer', async () => {
    const places = (
      await t.as(admin).get(`/api/geo/places?q=${encodeURIComponent('天一广场')}&limit=1`)
    ).json();
    const place = places.items[0];
    expect(place.district.code).toBe('330203');
    const byText = await post('json', {
      api_key: keys.cityApp.secret,
      service_code: '01037',
      address_string: `宁波市海曙区${place.name}东门`,
      description: '广场东门路灯不亮',
    });
    expect(byText.statusCode, byText.body).toBe(200);
    const [r1] = readAnswer('request-created', byText, 'json') as { service_request_id: string }[];
    const [loc] = await t.database.query<{ lng: number; lat: number; address: string }>(
      sql`SELECT r.lng, r.lat, c.address FROM report r JOIN case_file c ON c.id = r.case_id WHERE r.id = ${r1.service_request_id}`,
    );
    expect([loc.lng, loc.lat]).toEqual([place.point.lng, place.point.lat]);
    expect(loc.address).toBe(`宁波市海曙区${place.name}东门`);

    const byId = await post('xml', {
      api_key: keys.cityApp.secret,
      service_code: '01039',
      address_id: place.id,
    });
    expect(byId.statusCode, byId.body).toBe(200);

    // One name in two districts: ambiguous, unless the address names the district.
    const hsRoad = await pointIn(t, '330203', 12);
    const jbRoad = await pointIn(t, '330205', 12);
    await t.database.db.transaction((tx) =>
      writePlaces(
        tx,
        [
          { id: 'test-hs-xingfu', name: '幸福路', kind: 'road' as const, ...hsRoad, districtCode: '330203' },
          { id: 'test-jb-xingfu', name: '幸福路', kind: 'road' as const, ...jbRoad, districtCode: '330205' },
        ].map(({ gridId: _g, ...p }) => ({ ...p, generated: true, source: 'import' as const })),
        false,
      ),
    );
    const ambiguous = await refused({
      api_key: keys.cityApp.secret,
      service_code: '06011',
      address_string: '幸福路',
    });
    expect(ambiguous.body[0].description).toMatch(/幸福路.*海曙区.*江北区|幸福路.*江北区.*海曙区/);
    const named = await post('json', {
      api_key: keys.cityApp.secret,
      service_code: '06011',
      address_string: '江北区幸福路12号门口',
    });
    expect(named.statusCode, named.body).toBe(200);
    const [n1] = readAnswer('request-created', named, 'json') as { service_request_id: string }[];
    const [at] = await t.database.query<{ lng: number; lat: number }>(
      sql`SELECT lng, lat FROM report WHERE id = ${n1.service_request_id}`,
    );
    expect([at.lng, at.lat]).toEqual([jbRoad.lng, jbRoad.lat]);

    const nowhere = await refused({
      api_key: keys.cityApp.secret,
      service_code: '09006',
      address_string: '火星北路九十九号',
    });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body[0].description).toMatch(/地名地址库.*lat 与 long/);
    const unknownId = await refused({
      api_key: keys.cityApp.secret,
      service_code: '09006',
      address_id: 'no-such-place',
    });
    expect(unknownId.body[0].description).toContain('address_id');
    const none = await refused({ api_key: keys.cityApp.secret, service_code: '09006' });
    expect(none.body[0].description).toMatch(/缺少位置/);
    const half = await refused({ api_key: keys.cityApp.secret, service_code: '09006', lat: hs.lat });
    expect(half.body[0].description).toMatch(/^long: /);
  });

  it('answers 403 for a missing, wrong, revoked or non-reporting key, and for a session token', async () => {
    const base = { service_code: '06010', lat: hs.lat, long: hs.lng, description: '测试' };
    const session = await t.login('haishu.acceptor');
    const revoked = await newKey('已吊销', orgs.海曙区环境卫生管理处, ['case:report']);
    expect((await t.as(admin).delete(`/api/api-keys/${revoked.id}`)).statusCode).toBe(204);
    for (const api_key of [undefined, 'cok_nope_nope', session, keys.reader.secret, revoked.secret]) {
      const r = await refused({ ...base, api_key });
      expect(r.status, String(api_key)).toBe(403);
      expect(r.body[0].code).toBe(403);
    }
    const en = await refused({ ...base, api_key: 'cok_nope_nope' }, { 'accept-language': 'en' });
    expect(en.body[0].description).toMatch(/Invalid or revoked api_key/);
  });

  it("answers 404 for an unknown service or jurisdiction, and accepts this city's", async () => {
    const base = { api_key: keys.cityApp.secret, lat: hs.lat, long: hs.lng, description: '测试' };
    expect((await refused({ ...base, service_code: '99999' })).status).toBe(404);
    const j = await refused({ ...base, service_code: '06010', jurisdiction_id: 'sfgov.org' });
    expect(j.status).toBe(404);
    expect(j.body[0].description).toContain('sfgov.org');
    for (const jurisdiction_id of ['ningbo.gov.cn', '330200', '']) {
      const ok = await post('json', { ...base, service_code: '07001', lat: hs.lat - 0.003, jurisdiction_id });
      expect(ok.statusCode, ok.body).toBe(200);
    }
  });

  it("keeps a district's key to its district: 江北 is refused to a 海曙 key, and nothing is written", async () => {
    const r = await refused({
      api_key: keys.hsApp.secret,
      service_code: '06010',
      lat: jb.lat,
      long: jb.lng,
      description: '江北的问题',
    });
    expect(r.status).toBe(400);
    expect(r.body[0].description).toMatch(/江北区.*不在本区管辖范围/);
    // The city's key reports there.
    const city = await post('json', {
      api_key: keys.cityApp.secret,
      service_code: '06010',
      lat: jb.lat,
      long: jb.lng,
      description: '江北的问题',
    });
    expect(city.statusCode, city.body).toBe(200);
    made.jb = (
      readAnswer('request-created', city, 'json') as { service_request_id: string }[]
    )[0].service_request_id;
  });
});

describe('GET requests', () => {
  it('shows the public reports as their public view, and nothing else', async () => {
    // Not public: an inspector's report, and a call the hotline took.
    const inspector = await t.login('haishu.inspector');
    const acceptor = await t.login('haishu.acceptor');
    const p = await pointIn(t, '330203', 8);
    const own = await t.as(inspector).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'inspector',
      description: '巡查发现垃圾',
      location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
      matterCode: '06010',
    });
    expect(own.statusCode, own.body).toBe(201);
    const call = await t.as(acceptor).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'hotline',
      description: '张先生来电：楼下垃圾',
      location: { lng: p.lng + 0.003, lat: p.lat, crs: 'wgs84' },
      matterCode: '06010',
      reporter: { name: '张三', phone: '13900001111' },
    });
    expect(call.statusCode, call.body).toBe(201);
    const web = await t.as(acceptor).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'web',
      description: '网站上报：人行道垃圾',
      location: { lng: p.lng - 0.003, lat: p.lat, crs: 'wgs84' },
      matterCode: '06010',
    });
    expect(web.statusCode, web.body).toBe(201);
    made.web = web.json().reportId;

    const { status, body } = await both('requests', '/requests');
    expect(status).toBe(200);
    const ids = body.map((r: { service_request_id: string }) => r.service_request_id);
    for (const k of ['app', 'unit', 'merged', 'jb', 'web']) expect(ids, k).toContain(made[k]);
    expect(ids).not.toContain(own.json().reportId);
    expect(ids).not.toContain(call.json().reportId);
    // Newest first.
    const times = body.map((r: { requested_datetime: string }) => Date.parse(r.requested_datetime));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // The public view: the reporter's own words and place, the type, the status; no reporter, no key.
    const app = body.find((r: { service_request_id: string }) => r.service_request_id === made.app);
    expect(app).toMatchObject({
      status: 'open',
      status_notes: '待受理',
      service_code: '06010',
      description: '小区门口垃圾三天没人清了',
      media_url: 'https://img.example.cn/p/1.jpg',
      agency_responsible: '海曙区智慧城管中心',
      lat: hs.lat,
      long: hs.lng,
    });
    expect(app.address).toMatch(/^海曙区/);
    expect(app.requested_datetime).toMatch(/\+08:00$/);
    const merged = body.find((r: { service_request_id: string }) => r.service_request_id === made.merged);
    expect(merged.status_notes).toMatch(/合并/);
    const text = JSON.stringify(body);
    for (const secret of [
      '王明',
      '13800138000',
      '张三',
      '13900001111',
      '海曙随手拍',
      'acct-7',
      made.appToken,
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('maps the state to open/closed with notes, and filters by status, type, id and dates', async () => {
    const rejected = await actOn(t, 'jiangbei.acceptor', (await caseOf(made.jb))!, 'reject', {
      reason: '重复来电',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    const closed = (await both('requests', '/requests', {}, 'status=closed')).body;
    expect(closed.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([made.jb]);
    expect(closed[0]).toMatchObject({ status: 'closed', status_notes: '不予受理' });
    const en = (await both('requests', '/requests', { 'accept-language': 'en' }, 'status=closed')).body;
    expect(en[0].status_notes).toBe('Declined');
    const open = (await both('requests', '/requests', {}, 'status=open')).body;
    expect(open.every((r: { status: string }) => r.status === 'open')).toBe(true);
    expect(open.length).toBeGreaterThan(3);
    const all = (await both('requests', '/requests', {}, 'status=open,closed')).body;
    expect(all.length).toBe(open.length + closed.length);

    const lights = (await both('requests', '/requests', {}, 'service_code=01037,01039')).body;
    expect(new Set(lights.map((r: { service_code: string }) => r.service_code))).toEqual(
      new Set(['01037', '01039']),
    );

    // service_request_id overrides every other filter, unknown and malformed ids are simply not there.
    const byId = (
      await both(
        'requests',
        '/requests',
        {},
        `service_request_id=${made.jb},${made.app},${randomUUID()},x&status=open&service_code=07001`,
      )
    ).body;
    expect(byId.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual(
      [made.app, made.jb].sort(),
    );

    // Dates: with their zone; a range of at most 90 days; the default window is the last 90 days.
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const recent = (
      await both('requests', '/requests', {}, `start_date=${encodeURIComponent(iso(now - 3600_000))}`)
    ).body;
    expect(recent.length).toBe(all.length);
    const future = (
      await both('requests', '/requests', {}, `start_date=${encodeURIComponent(iso(now + 3600_000))}`)
    ).body;
    expect(future).toEqual([]);
    await t.database.query(
      sql`UPDATE report SET created_at = now() - interval '100 days' WHERE id = ${made.web}`,
    );
    const dflt = (await both('requests', '/requests')).body.map(
      (r: { service_request_id: string }) => r.service_request_id,
    );
    expect(dflt).not.toContain(made.web);
    const old = (
      await both(
        'requests',
        '/requests',
        {},
        `start_date=${iso(now - 101 * 86_400_000)}&end_date=${iso(now - 99 * 86_400_000)}`,
      )
    ).body;
    expect(old.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([made.web]);
    for (const [query, param] of [
      [`start_date=${iso(now - 91 * 86_400_000)}&end_date=${iso(now)}`, 'end_date'],
      [`start_date=${iso(now)}&end_date=${iso(now - 86_400_000)}`, 'end_date'],
      ['start_date=2026-04-01T00:00:00', 'start_date'],
      ['start_date=2026-02-30T00:00:00Z', 'start_date'],
      ['status=pending', 'status'],
      ['page=2', 'page'],
    ] as const) {
      const bad = await both('requests', '/requests', {}, query);
      expect(bad.status, query).toBe(400);
      expect(bad.body[0].description, query).toMatch(new RegExp(`^${param}|${param}`));
    }
  });

  it('stops showing the words of a request whose case was voided, and still tells its outcome', async () => {
    const caseId = (await caseOf(made.unit))!;
    const std = (await t.as(admin).get('/api/catalog/standards/06010')).json();
    for (const [who, action, fields] of [
      ['haishu.acceptor', 'accept_report', { matterType: '06010' }],
      ['haishu.shift_leader', 'file', { matterType: '06010', filingConditionId: std.filingConditions[0].id }],
      ['haishu.acceptor', 'request_void', { reason: '恶意上报' }],
      ['haishu.shift_leader', 'approve_void', {}],
    ] as const) {
      const res = await actOn(t, who, caseId, action, fields);
      expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
    }
    const [voided] = (await both('requests', `/requests/${made.unit}`)).body;
    expect(voided).toMatchObject({ status: 'closed', status_notes: '不予受理' });
    expect(voided.description).toBeUndefined();
    expect(voided.media_url).toBeUndefined();
  });

  it('answers at most 1,000 requests, the newest', async () => {
    // 1,005 web reports on one case (generated here, in one statement): the newest 1,000 come back.
    await t.database.query(sql`
      INSERT INTO report (submitter, idempotency_key, channel, description, raw_lng, raw_lat, crs, lng, lat, case_id, created_at)
      SELECT 'bulk', 'bulk-' || g, 'web', '批量生成的测试上报 ' || g, lng, lat, 'wgs84', lng, lat, id, now() - g * interval '1 second'
      FROM case_file, generate_series(1, 1005) g WHERE id = ${made.appCase}`);
    const { body } = await both('requests', '/requests');
    expect(body.length).toBe(1000);
    expect(body.at(-1).description).not.toBe('批量生成的测试上报 1005');
  });

  it('reads one request, and a token (tracking code) as its request id', async () => {
    const one = await both('requests', `/requests/${made.app}`);
    expect(one.status).toBe(200);
    expect(one.body).toHaveLength(1);
    expect(one.body[0].service_request_id).toBe(made.app);
    for (const id of [randomUUID(), 'not-an-id']) {
      const missing = await both('requests', `/requests/${id}`);
      expect(missing.status).toBe(404);
      expect(missing.body[0].code).toBe(404);
    }
    const token = await both('token', `/tokens/${made.appToken}`);
    expect(token.body).toEqual([{ service_request_id: made.app, token: made.appToken }]);
    expect((await both('token', '/tokens/0000000000ZZ')).status).toBe(404);
    // A hotline call's tracking code is no public request.
    const [call] = await t.database.query<{ tracking_code: string; id: string }>(
      sql`SELECT tracking_code, id FROM report WHERE channel = 'hotline' LIMIT 1`,
    );
    expect((await both('token', `/tokens/${call.tracking_code}`)).status).toBe(404);
    expect((await both('requests', `/requests/${call.id}`)).status).toBe(404);
  });
});

async function caseOf(reportId: string) {
  const [row] = await t.database.query<{ case_id: string }>(
    sql`SELECT case_id FROM report WHERE id = ${reportId}`,
  );
  return row?.case_id;
}

// ---------------------------------------------------------------------------------------------
// The client round trip: our platform forwards a case to a department running an Open311 server
// (the CityOps above, listening on a port) and reads back what the department did with it.

let city: TestApp;
/** The department: the server under test above, listening on a port. */
let dept: TestApp;
let base: string;
let deptKey: string;
let cityAdmin: string;
const units: Record<string, string> = {};

const worker = () =>
  new OutboxWorker(city.database, city.app.outbound, {
    baseDelayMs: 5,
    maxDelayMs: 20,
    jitter: 0,
    maxAttempts: 3,
  });
// Every due request is read at once; the next read of each waits an interval (here: none).
const poller = () => new ForwardPoller(city.database, city.app.outbound, { intervalMs: 0 });

async function forwardsOf(caseId: string) {
  return city.database.query<{
    service_request_id: string | null;
    status: string | null;
    status_notes: string | null;
    last_error: string | null;
  }>(
    sql`SELECT service_request_id, status, status_notes, last_error FROM forwarded_request
        WHERE case_id = ${caseId} ORDER BY created_at`,
  );
}

async function timelineOf(caseId: string) {
  const page = (await city.as(cityAdmin).get(`/api/cases/${caseId}`)).json();
  return page.timeline as { action: string; actorName: string | null; after: Record<string, unknown> }[];
}

async function setOpen311(orgId: string, open311: Record<string, unknown>, url = `${base}/open311/v2`) {
  const res = await city.as(cityAdmin).put(`/api/endpoints/${orgId}`, {
    url,
    sender: 'open311',
    enabled: true,
    open311,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** The department's case behind a request id (its report). */
async function deptCaseOf(serviceRequestId: string) {
  const [row] = await dept.database.query<{ case_id: string; channel: string; description: string }>(
    sql`SELECT case_id, channel, description FROM report WHERE id = ${serviceRequestId}`,
  );
  return row;
}

describe('the Open311 client against our own server', () => {
  beforeAll(async () => {
    // The department: the CityOps under test above, with its own database, serving Open311 on a port.
    dept = t;
    await dept.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(dept.app.server.address() as AddressInfo).port}`;
    const deptAdmin = await dept.login('admin');
    const deptCity = (await dept.as(deptAdmin).get('/api/me')).json().org.id;
    const key = await dept.as(deptAdmin).post('/api/api-keys', {
      name: '市智慧城管中心转办',
      orgId: deptCity,
      permissions: ['case:report'],
    });
    expect(key.statusCode, key.body).toBe(201);
    deptKey = key.json().secret;

    city = await createTestApp({
      outboundAllow: loadConfig({ OUTBOUND_ALLOW: '127.0.0.1/32' }).outboundAllow,
    });
    cityAdmin = await city.login('admin');
    const allowHttp = (await city.as(cityAdmin).get('/api/settings/outbound.allowHttp')).json();
    expect(
      (
        await city
          .as(cityAdmin)
          .put('/api/settings/outbound.allowHttp', { value: true, version: allowHttp.version })
      ).statusCode,
    ).toBe(200);
    const orgs = (await city.as(cityAdmin).get('/api/orgs?kind=unit&pageSize=100')).json().items;
    for (const o of orgs as { id: string; name: string }[]) units[o.name] = o.id;
  }, 600_000);

  afterAll(async () => city?.close());

  describe('an Open311 endpoint', () => {
    it('is set with the key the department issued, which is never shown again', async () => {
      const unit = units.海曙区环境卫生管理处;
      const first = await city.as(cityAdmin).put(`/api/endpoints/${unit}`, {
        url: `${base}/open311/v2`,
        sender: 'open311',
        enabled: true,
      });
      expect(first.statusCode).toBe(400);
      expect(first.json().error.details[0].field).toBe('body.open311.apiKey');
      const set = await setOpen311(unit, {
        apiKey: deptKey,
        format: 'xml',
        serviceCodes: { '06010': '06010' },
      });
      expect(set.endpoint.open311).toEqual({
        apiKeySet: true,
        jurisdictionId: null,
        format: 'xml',
        serviceCodes: { '06010': '06010' },
        defaultServiceCode: null,
      });
      const list = await city.as(cityAdmin).get('/api/endpoints?pageSize=100');
      expect(list.body).not.toContain(deptKey);
      const [{ n }] = await city.database.query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM event WHERE after::text LIKE ${`%${deptKey}%`}`,
      );
      expect(n).toBe(0);
      // Kept when omitted.
      const again = await setOpen311(unit, { jurisdictionId: '330200' });
      expect(again.endpoint.open311).toMatchObject({
        apiKeySet: true,
        jurisdictionId: '330200',
        format: 'xml',
      });
      const bad = await city.as(cityAdmin).put(`/api/endpoints/${unit}`, {
        url: `${base}/open311/v2`,
        sender: 'open311',
        enabled: true,
        open311: { serviceCodes: { gutter: 'X' } },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details[0].field).toBe('body.open311.serviceCodes.gutter');
    });
  });

  describe('forwarding a case to a department', () => {
    it('posts the dispatched case as a request, and reads its status and notes back onto the timeline', async () => {
      const unit = units.海曙区环境卫生管理处;
      const caseId = await dispatchCase(city, unit, 40, {
        description: '垃圾桶满溢 <已两天>',
        matterCode: '06010',
      });
      const sent = await worker().drain();
      expect(sent).toMatchObject({ delivered: 1, dead: 0 });
      const [fwd] = await forwardsOf(caseId);
      expect(fwd.service_request_id).toMatch(/^[0-9a-f-]{36}$/);
      // The department has it as a report of ours, in our words (angle brackets made plain text).
      const remote = await deptCaseOf(fwd.service_request_id!);
      expect(remote).toMatchObject({ channel: 'app', description: '垃圾桶满溢 ＜已两天＞' });
      const forwarded = (await timelineOf(caseId)).find((e) => e.action === 'case.forwarded');
      expect(forwarded?.after).toMatchObject({ orgId: unit, serviceRequestId: fwd.service_request_id });

      // First read: open, waiting for the department's acceptor.
      expect(await poller().runOnce()).toMatchObject({ claimed: 1, changed: 1, failed: 0 });
      expect((await forwardsOf(caseId))[0]).toMatchObject({ status: 'open', status_notes: '待受理' });
      // Nothing changed: a read writes no event.
      const events = (await timelineOf(caseId)).length;
      expect(await poller().runOnce()).toMatchObject({ claimed: 1, changed: 0 });
      expect((await timelineOf(caseId)).length).toBe(events);

      // The department takes it up — a request from a citizen's app (channel app) is verified on
      // site before filing — then declines it.
      expect((await actOn(dept, 'haishu.acceptor', remote.case_id, 'request_verify')).statusCode).toBe(200);
      const seen = await uploadPhoto(dept, await dept.login('haishu.inspector'));
      expect(
        (await actOn(dept, 'haishu.inspector', remote.case_id, 'verify_confirm', { photos: [seen] }))
          .statusCode,
      ).toBe(200);
      await poller().runOnce();
      expect((await forwardsOf(caseId))[0]).toMatchObject({ status: 'open', status_notes: '已受理' });
      const declined = await actOn(dept, 'haishu.shift_leader', remote.case_id, 'reject', {
        reason: '不属本部门职责',
      });
      expect(declined.statusCode, declined.body).toBe(200);
      await poller().runOnce();
      expect((await forwardsOf(caseId))[0]).toMatchObject({ status: 'closed', status_notes: '不予受理' });
      const statuses = (await timelineOf(caseId)).filter((e) => e.action === 'case.forward_status');
      expect(statuses.map((e) => [e.after.status, e.after.statusNotes])).toEqual([
        ['open', '待受理'],
        ['open', '已受理'],
        ['closed', '不予受理'],
      ]);
      expect(statuses.every((e) => e.actorName === 'outbox')).toBe(true);
      // A closed request is not read again.
      expect(await poller().runOnce()).toMatchObject({ claimed: 0 });
    });

    it('sends a case once while the request is open, and again after the department closed it', async () => {
      const unit = units.海曙区园林绿化管理中心;
      await setOpen311(unit, { apiKey: deptKey, format: 'json', defaultServiceCode: '06010' });
      const caseId = await dispatchCase(city, unit, 44, {
        description: '绿化带里堆放垃圾',
        matterCode: '06011',
      });
      await worker().drain();
      const [first] = await forwardsOf(caseId);
      expect(first.service_request_id).toBeTruthy();
      const [d] = await city.database.query<{ id: string }>(
        sql`SELECT id FROM delivery WHERE case_id = ${caseId} AND org_id = ${unit}`,
      );
      // The delivery sent again (an admin's replay) while the request is open: nothing more is posted.
      const replay = () => city.as(cityAdmin).post(`/api/deliveries/${d.id}/replay`);
      expect((await replay()).statusCode).toBe(200);
      expect(await worker().drain()).toMatchObject({ delivered: 1 });
      expect(await forwardsOf(caseId)).toHaveLength(1);
      // Sent to the unit again (a re-dispatch) while the request is open: nothing more is posted.
      const deptReports = async () =>
        Number((await dept.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM report`))[0].n);
      const before = await deptReports();
      const again = await actOn(city, 'haishu.dispatcher', caseId, 're_dispatch', {
        unitId: unit,
        note: '请尽快处理',
      });
      expect(again.statusCode, again.body).toBe(200);
      expect(await worker().drain()).toMatchObject({ delivered: 1 });
      expect(await forwardsOf(caseId)).toHaveLength(1);
      expect(await deptReports()).toBe(before);
      // Closed on the other side: the next delivery (another re-dispatch) posts a new request.
      const remote = await deptCaseOf(first.service_request_id!);
      expect(
        (await actOn(dept, 'haishu.acceptor', remote.case_id, 'reject', { reason: '已处理' })).statusCode,
      ).toBe(200);
      await poller().runOnce();
      expect((await forwardsOf(caseId))[0].status).toBe('closed');
      const third = await actOn(city, 'haishu.dispatcher', caseId, 're_dispatch', {
        unitId: unit,
        note: '问题仍在',
      });
      expect(third.statusCode, third.body).toBe(200);
      await worker().drain();
      const rows = await forwardsOf(caseId);
      expect(rows).toHaveLength(2);
      expect(rows[1].service_request_id).not.toBe(first.service_request_id);
      expect(await deptReports()).toBe(before + 1);
    });

    it('records a refused key as a failed delivery, with a status and a class only', async () => {
      const unit = units.海曙区园林绿化管理中心;
      await setOpen311(unit, { apiKey: 'cok_wrong_key', format: 'xml' });
      const caseId = await dispatchCase(city, unit, 46, { description: '钥匙错了' });
      const sent = await worker().drain();
      expect(sent).toMatchObject({ delivered: 0, dead: 1 });
      const [row] = await city.database.query<{ last_error: string; status: string }>(
        sql`SELECT last_error, status FROM delivery WHERE case_id = ${caseId}`,
      );
      expect(row).toEqual({ last_error: 'HTTP 403 (http_error)', status: 'dead' });
      expect(await forwardsOf(caseId)).toEqual([]);
    });

    it('answers a retried POST with the first request when it carries the same Idempotency-Key', async () => {
      const env = { outbound: city.app.outbound, allowHttp: true, timeoutMs: 5_000 };
      const target = { baseUrl: `${base}/open311/v2/`, apiKey: deptKey, format: 'json' as const };
      const p = await pointIn(city, '330203', 50);
      const r = { serviceCode: '06010', lat: p.lat, long: p.lng, description: '重试' };
      const a = await postRemoteRequest(env, target, r, 'same-key-123');
      const b = await postRemoteRequest(env, target, r, 'same-key-123');
      expect(a.ok && b.ok).toBe(true);
      if (a.ok && b.ok) expect(b.value.serviceRequestId).toBe(a.value.serviceRequestId);
    });
  });
});

// After the GET checks, which count what the requests above made.
describe('POST requests: keys and places that disagree', () => {
  it('refuses another request under a used Idempotency-Key (409, both forms, both languages); the same one replays', async () => {
    const fields = {
      api_key: keys.cityApp.secret,
      service_code: '06010',
      lat: hs.lat + 0.0003,
      long: hs.lng,
      description: '重试时内容须相同',
    };
    const key = { 'idempotency-key': `reuse-${randomUUID()}` };
    const first = await post('json', fields, key);
    expect(first.statusCode, first.body).toBe(200);
    const [a] = readAnswer('request-created', first, 'json') as { service_request_id: string }[];
    for (const other of [
      { description: '另一件事' },
      { lat: hs.lat + 0.0004 },
      { service_code: '06011' },
      { phone: '13900139000' },
    ]) {
      const zh = await refused({ ...fields, ...other }, key);
      expect(zh.status).toBe(409);
      expect(zh.body).toEqual([{ code: 409, description: expect.stringMatching(/幂等键.*内容不同/) }]);
      const en = await refused({ ...fields, ...other }, { ...key, 'accept-language': 'en' });
      expect(en.body[0].description).toMatch(/idempotency key.*different content/i);
      expect(JSON.stringify(zh.body) + JSON.stringify(en.body)).not.toContain(a.service_request_id);
    }
    // The very same form again: the first request.
    const again = await post('xml', fields, key);
    expect(again.statusCode, again.body).toBe(200);
    const [b] = readAnswer('request-created', again, 'xml') as { service_request_id: string }[];
    expect(b.service_request_id).toBe(a.service_request_id);
  });

  it('takes address_id with an address_string naming the same place; two different places are a 400 naming both', async () => {
    const [place] = (
      await t.as(admin).get(`/api/geo/places?q=${encodeURIComponent('天一广场')}&limit=1`)
    ).json().items;
    const roads = (await t.as(admin).get(`/api/geo/places?q=${encodeURIComponent('路')}&limit=20`)).json()
      .items as {
      name: string;
    }[];
    const elsewhere = roads.find((p) => !p.name.includes(place.name) && !place.name.includes(p.name));
    expect(elsewhere, 'another place of the gazetteer').toBeDefined();
    if (!elsewhere) return;
    // The same place, written as people write it: full-width, the city and district in front, a door.
    const agree = await post('json', {
      api_key: keys.cityApp.secret,
      service_code: '01037',
      address_id: place.id,
      address_string: `宁波市海曙区 ${place.name}（东门）附近`,
      description: '广场路灯不亮',
    });
    expect(agree.statusCode, agree.body).toBe(200);
    const [r] = readAnswer('request-created', agree, 'json') as { service_request_id: string }[];
    const [loc] = await t.database.query<{ lng: number; lat: number }>(
      sql`SELECT lng, lat FROM report WHERE id = ${r.service_request_id}`,
    );
    expect([loc.lng, loc.lat]).toEqual([place.point.lng, place.point.lat]);

    const conflict = await refused({
      api_key: keys.cityApp.secret,
      service_code: '01037',
      address_id: place.id,
      address_string: `海曙区${elsewhere.name}`,
      description: '路灯不亮',
    });
    expect(conflict.status).toBe(400);
    expect(conflict.body).toHaveLength(1);
    expect(conflict.body[0].description).toMatch(/^address_string: .*address_id/);
    expect(conflict.body[0].description).toContain(place.id);
    expect(conflict.body[0].description).toContain(elsewhere.name);
    const en = await refused(
      {
        api_key: keys.cityApp.secret,
        service_code: '01037',
        address_id: place.id,
        address_string: elsewhere.name,
      },
      { 'accept-language': 'en' },
    );
    expect(en.body[0].description).toMatch(/name different places/);
  });
});
