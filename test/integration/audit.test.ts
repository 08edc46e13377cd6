/**
 * The audit trail: every write route produces exactly one event with who/what/before/after,
 * refused writes leave nothing behind, the event table rejects UPDATE/DELETE/TRUNCATE in the
 * database itself (on whichever driver the suite runs: PGlite, or PostgreSQL with
 * TEST_DATABASE_URL), and no secret ever reaches the trail.
 */
import { randomUUID } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { TileType } from 'pmtiles';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../common/uscc.ts';
import { writePmtiles } from '../../server/modules/basemap/pmtiles-writer.ts';
import { sha256 } from '../../server/modules/identity/tokens.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';
import { usingPostgres } from '../support/db.ts';
import { errorBodyOf } from '../support/error-body.ts';
import { multipart } from '../support/multipart.ts';
import { BOUNDARY, cameraJpeg, formBody, reportParts } from '../support/portal.ts';
import { apiWriteRoutes } from '../support/routes.ts';

/** A template definition with grade A's lower bound moved by one (saving one unchanged makes no version). */
function changedDefinition<D extends { grades: { grade: string; min: number }[] }>(d: D): D {
  const out = structuredClone(d);
  const a = out.grades[0];
  a.min = a.min >= 100 ? a.min - 1 : a.min + 1;
  return out;
}

let t: TestApp;
let adminToken: string;
let adminId: string;
let cityOrgId: string;
let seq = 0;
const next = () => `${Date.now().toString(36)}${++seq}`;

beforeAll(async () => {
  t = await createTestApp();
  adminToken = await t.login('admin');
  const me = (await t.as(adminToken).get('/api/me')).json();
  adminId = me.user.id;
  cityOrgId = me.org.id;
});
afterAll(async () => t?.close());

// ---------------------------------------------------------------------------------------------
// Database helpers

interface EventRow {
  id: number;
  action: string;
  entity_type: string;
  entity_id: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  request_id: string | null;
  source_ip: string | null;
  before: unknown;
  after: unknown;
}

const q = <T>(query: SQL) => t.database.query<T>(query);
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown> | null;

async function eventCount(): Promise<number> {
  const [row] = await q<{ n: number }>(sql`SELECT count(*)::int AS n FROM event`);
  return Number(row.n);
}
async function maxEventId(): Promise<number> {
  const [row] = await q<{ m: number }>(sql`SELECT coalesce(max(id), 0)::int AS m FROM event`);
  return Number(row.m);
}
async function eventsSince(id: number): Promise<EventRow[]> {
  const rows = await q<EventRow>(
    sql`SELECT id, action, entity_type, entity_id, actor_type, actor_id, actor_name, request_id, source_ip, before, after
        FROM event WHERE id > ${id} ORDER BY id`,
  );
  return rows.map((r) => ({ ...r, before: json(r.before), after: json(r.after) }));
}

/**
 * A fingerprint of every row of the tables a write could touch. Columns that reads legitimately
 * bump (session.last_seen_at, api_key.last_used_at) are left out.
 */
async function fingerprint(): Promise<Record<string, string>> {
  const tables: Record<string, SQL> = {
    event: sql`SELECT count(*)::text || ':' || coalesce(md5(string_agg(e::text, '|' ORDER BY e.id)), '') AS h FROM event e`,
    app_user: sql`SELECT coalesce(md5(string_agg(u::text, '|' ORDER BY u.id)), '') AS h FROM app_user u`,
    org: sql`SELECT coalesce(md5(string_agg(o::text, '|' ORDER BY o.id)), '') AS h FROM org o`,
    api_key: sql`SELECT coalesce(md5(string_agg(concat_ws(',', k.id, k.name, k.org_id, k.prefix, k.secret_hash, k.permissions::text, k.revoked_at), '|' ORDER BY k.id)), '') AS h FROM api_key k`,
    session: sql`SELECT coalesce(md5(string_agg(concat_ws(',', s.id, s.user_id, s.expires_at, s.revoked_at), '|' ORDER BY s.id)), '') AS h FROM session s`,
  };
  const out: Record<string, string> = {};
  for (const [name, query] of Object.entries(tables)) out[name] = (await q<{ h: string }>(query))[0].h;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Request helpers

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function call(
  method: Method,
  url: string,
  token: string | null,
  body?: unknown,
  requestId = `audit-${next()}`,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method,
    url,
    headers: {
      'x-request-id': requestId,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

interface TestUser {
  id: string;
  username: string;
  password: string;
  version: number;
}

async function newUser(roles: string[] = ['leader']): Promise<TestUser> {
  const username = `audit.u${next()}`;
  const password = `pass-${next()}-9`;
  const res = await t.as(adminToken).post('/api/users', {
    username,
    displayName: `审计测试 ${username}`,
    orgId: cityOrgId,
    roles,
    password,
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, username, password, version: res.json().version };
}

async function newApiKey(): Promise<{ id: string; secret: string }> {
  const res = await t
    .as(adminToken)
    .post('/api/api-keys', { name: `key ${next()}`, orgId: cityOrgId, permissions: ['org:read'] });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().key.id, secret: res.json().secret };
}

let usccSeq = 777_000_000;
const newUscc = () => withUsccCheck(`11330200${String(++usccSeq).padStart(9, '0')}`);

async function newOrg(): Promise<{ id: string; version: number; name: string }> {
  const name = `审计测试单位 ${next()}`;
  const res = await t
    .as(adminToken)
    .post('/api/orgs', { kind: 'unit', name, code: newUscc(), parentId: cityOrgId });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, version: res.json().version, name };
}

async function sessionIdOf(token: string): Promise<string> {
  const [row] = await q<{ id: string }>(sql`SELECT id FROM session WHERE token_hash = ${sha256(token)}`);
  expect(row, 'session row for the token').toBeDefined();
  return row.id;
}

let gridSeq = 0;
/** A fresh, valid 15-character grid ID in 海曙 (routing rules are not checked against the geo tables). */
const newGridId = () => `330203001001${String(++gridSeq % 1000).padStart(3, '0')}`;

async function waterUnitId(): Promise<string> {
  const res = await t.as(adminToken).get('/api/orgs?kind=unit&q=水务');
  return res.json().items[0].id;
}

async function newRule(): Promise<{ id: string; version: number }> {
  const res = await t.as(adminToken).post('/api/routing/rules', {
    areaLevel: 'grid',
    areaCode: newGridId(),
    unitId: await waterUnitId(),
    reason: '审计测试准备',
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

// ---------------------------------------------------------------------------------------------
// One scenario per write route: how to call it successfully, and the event it must leave.

interface Prepared {
  token: string | null;
  params?: Record<string, string>;
  body?: unknown;
  /** Extra request headers (e.g. a multipart content type with `body` as a Buffer). */
  headers?: Record<string, string>;
  status: number;
  /** The acting user's id as the event must record it (a pattern: an actor made per request). */
  actorId: string | RegExp;
  /** Who acts, as the event records it: a signed-in user unless said (the public portal's citizen). */
  actorType?: 'user' | 'anonymous' | 'api_key';
  entityId(res: LightMyRequestResponse): string | Promise<string>;
  /** Extra, scenario-specific checks of the event. */
  check?(ev: EventRow, res: LightMyRequestResponse): void;
}

interface Scenario {
  action: string;
  /**
   * Events the same write records besides its own, in order: a post of online opinion turned into
   * a report is the report's `case.report` (through intake, which its subscribers hear) and the
   * post's decision.
   */
  also?: string[];
  entityType: string;
  /** create/login/logout: after only; update, revoke, preferences, passwords: before and after. */
  snapshot: 'after' | 'before+after';
  /** Arranges what the call needs (arranging may write; it is not counted) and describes the call. */
  prepare(): Promise<Prepared>;
}

let caseSeq = 0;
/** A case of 海曙, reported and then driven through the API by the given steps. */
async function caseFor(username: string, steps: [string, string, Record<string, unknown>?][] = []) {
  const p = await pointIn(t, '330203', ++caseSeq % 50);
  const token = await t.login('haishu.acceptor');
  const r = await t.as(token).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'hotline',
    description: '审计测试案件',
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode: '06007',
  });
  expect(r.statusCode, r.body).toBe(201);
  const id = r.json().case.id as string;
  for (const [user, action, fields] of steps)
    expect((await actOn(t, user, id, action, fields)).statusCode).toBe(200);
  const me = (await t.as(await t.login(username)).get('/api/me')).json();
  return {
    id,
    version: (await t.as(adminToken).get(`/api/cases/${id}`)).json().case.version,
    actorId: me.user.id,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The public portal's report form: the words at a point of 海曙 and a camera photo. */
async function portalForm(description: string, phone?: string): Promise<Buffer> {
  const p = await pointIn(t, '330203', 20 + (++caseSeq % 20));
  return formBody(
    reportParts(
      { description, location: { lng: p.lng, lat: p.lat, crs: 'wgs84' }, ...(phone ? { phone } : {}) },
      [await cameraJpeg()],
    ),
  );
}
const PORTAL_FORM = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

const caseOfTrackingCode = async (code: string) =>
  (await q<{ case_id: string }>(sql`SELECT case_id FROM report WHERE tracking_code = ${code}`))[0].case_id;

/** A citizen's report through the portal, then closed by 海曙's staff: its tracking code and case. */
async function closedPortalReport(phone?: string): Promise<{ code: string; caseId: string }> {
  const sent = await call(
    'POST',
    '/api/public/reports',
    null,
    await portalForm('审计：市民上报待评价', phone),
    undefined,
    PORTAL_FORM,
  );
  expect(sent.statusCode, sent.body).toBe(201);
  const code = sent.json().trackingCode as string;
  const caseId = await caseOfTrackingCode(code);
  const photo = async (user: string) => uploadPhoto(t, await t.login(user));
  const leader = await t.login('haishu.shift_leader');
  const std = (await t.as(leader).get('/api/catalog/standards/06002')).json();
  const unit = (
    await t.as(adminToken).get(`/api/orgs?kind=unit&q=${encodeURIComponent('海曙区环境卫生')}`)
  ).json().items[0].id;
  const steps: [string, string, Record<string, unknown>][] = [
    ['haishu.acceptor', 'request_verify', {}],
    ['haishu.inspector', 'verify_confirm', { photos: [await photo('haishu.inspector')] }],
    ['haishu.shift_leader', 'file', { matterType: '06002', filingConditionId: std.filingConditions[0].id }],
    ['haishu.dispatcher', 'dispatch', { unitId: unit }],
    ['unit.haishu-sanitation', 'sign', {}],
    [
      'unit.haishu-sanitation',
      'feed_back',
      { note: '已处理', photos: [await photo('unit.haishu-sanitation')] },
    ],
    ['haishu.acceptor', 'request_check', {}],
    ['haishu.inspector', 'check_pass', { photos: [await photo('haishu.inspector')] }],
    ['haishu.shift_leader', 'close', {}],
  ];
  for (const [user, action, fields] of steps) {
    const res = await actOn(t, user, caseId, action, fields);
    expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  }
  return { code, caseId };
}

// The hotline: the telephony's key, an operator, calls in the states a route needs.
let telephonyKey: { id: string; secret: string } | undefined;
async function telephony() {
  if (!telephonyKey) {
    const res = await t.as(adminToken).post('/api/api-keys', {
      name: `telephony ${next()}`,
      orgId: cityOrgId,
      permissions: ['hotline:call'],
    });
    expect(res.statusCode, res.body).toBe(201);
    telephonyKey = { id: res.json().key.id, secret: res.json().secret };
  }
  return telephonyKey;
}
async function hotlineOperator(): Promise<{ token: string; id: string }> {
  const token = await t.login('hotline.operator');
  return { token, id: (await t.as(token).get('/api/me')).json().user.id };
}
let callerSeq = 0;
async function ringingCall(): Promise<string> {
  const res = await t.as((await telephony()).secret).post('/api/hotline/calls', {
    line: '12345',
    callerNumber: `1370000${String(++callerSeq).padStart(4, '0')}`,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}
/** A call the hotline's operator took: its id and version. */
async function takenCall(): Promise<{ id: string; version: number }> {
  const id = await ringingCall();
  const op = await hotlineOperator();
  const res = await t.as(op.token).post(`/api/hotline/calls/${id}/answer`, { version: 1 });
  expect(res.statusCode, res.body).toBe(200);
  return { id, version: res.json().version };
}
async function knowledgeEntryFor(): Promise<{ id: string; version: number; body: Record<string, unknown> }> {
  const body = {
    question: `审计：${next()} 井盖丢了找谁？`,
    answer: '拨打12345登记。',
    keywords: ['井盖'],
    category: '审计',
  };
  const res = await t.as(adminToken).post('/api/hotline/knowledge', body);
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, version: res.json().version, body };
}
/** A closed case with a public reporter, owed a call-back: the call-back's id and the case's. */
async function pendingCallback(): Promise<{ id: string; caseId: string }> {
  // A reporter who left a phone: only they are called back.
  const r = await closedPortalReport('13900007777');
  const list = (await t.as(adminToken).get('/api/callbacks?status=pending&pageSize=200')).json().items as {
    id: string;
    case: { id: string };
  }[];
  const cb = list.find((x) => x.case.id === r.caseId);
  expect(cb, 'a call-back queued for the closed case').toBeDefined();
  return { id: cb!.id, caseId: r.caseId };
}
let opinionSeq = 0;
/** A feed at a loopback URL (saved by SQL: the API refuses it), so its poll fails at once, by address. */
async function opinionFeed(): Promise<string> {
  const [f] = await q<{ id: string }>(
    sql`INSERT INTO opinion_feed (name, url, district_code)
        VALUES (${`审计舆情源 ${next()}`}, 'https://127.0.0.1/feed.xml', '330203') RETURNING id`,
  );
  return f.id;
}
/** A post of 海曙 as the poller stores one, at a point of the district. */
async function opinionPost(extra: { state?: 'linked'; caseId?: string } = {}): Promise<string> {
  const p = await pointIn(t, '330203', 20 + (++opinionSeq % 10));
  const [row] = await q<{ id: string }>(
    sql`INSERT INTO opinion_post (feed_id, dedup_key, guid, title, text, relevant, district_code, lng, lat,
          grid_id, place_name, state, case_id)
        VALUES (${await opinionFeed()}, ${`audit-${next()}`}, ${`audit-${next()}`}, '审计舆情：暴露垃圾',
          '天一广场暴露垃圾', true, '330203', ${p.lng}, ${p.lat}, ${p.gridId}, '天一广场',
          ${extra.state ?? 'new'}, ${extra.caseId ?? null})
        RETURNING id`,
  );
  return row.id;
}
const acceptorId = async () => (await t.as(await t.login('haishu.acceptor')).get('/api/me')).json().user.id;

/** A small drawn "no entry" fence (the caller's own organisation). */
const auditFence = (name: string) => ({
  name,
  shape: 'area',
  source: 'drawn',
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [121.55, 29.87],
        [121.552, 29.87],
        [121.552, 29.872],
        [121.55, 29.87],
      ],
    ],
  },
  rule: {
    mode: 'no_entry',
    speedLimitKmh: null,
    overspeedSeconds: 0,
    windows: [],
    targets: { terminalKinds: ['muck_truck'], terminalIds: [], userIds: [] },
    raiseCase: false,
  },
});

const SCENARIOS: Record<string, Scenario> = {
  // The public portal: an anonymous citizen, one actor per request. A report with its photo is one
  // event (the report's, naming the photo), not one per photo besides.
  'POST /api/public/reports': {
    action: 'case.report',
    entityType: 'case',
    snapshot: 'after',
    async prepare() {
      return {
        token: null,
        body: await portalForm('审计：市民上报'),
        headers: PORTAL_FORM,
        status: 201,
        actorType: 'anonymous',
        actorId: UUID,
        entityId: (res) => caseOfTrackingCode(res.json().trackingCode),
        check(ev) {
          expect(ev.after).toMatchObject({ state: 'reported', channel: 'web' });
          expect(ev.actor_name).toBe('portal');
        },
      };
    },
  },
  'POST /api/public/reports/:code/rating': {
    action: 'satisfaction.record',
    entityType: 'case',
    snapshot: 'after',
    async prepare() {
      const r = await closedPortalReport();
      return {
        token: null,
        params: { code: r.code },
        body: { result: 'satisfied', note: '处理很快' },
        status: 201,
        actorType: 'anonymous',
        actorId: UUID,
        entityId: () => r.caseId,
        check: (ev) => expect(ev.after).toMatchObject({ result: 'satisfied', source: 'portal' }),
      };
    },
  },
  'POST /api/reports': {
    action: 'case.report',
    entityType: 'case',
    snapshot: 'after',
    async prepare() {
      const p = await pointIn(t, '330203', 5);
      const token = await t.login('haishu.inspector');
      const me = (await t.as(token).get('/api/me')).json();
      return {
        token,
        body: {
          idempotencyKey: randomUUID(),
          channel: 'inspector',
          description: '审计：上报',
          location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
          matterCode: '06008',
        },
        status: 201,
        actorId: me.user.id,
        entityId: (res) => res.json().case.id,
        check: (ev) => expect(ev.after).toMatchObject({ state: 'reported', crs: 'wgs84' }),
      };
    },
  },
  'POST /api/cases/:id/actions/:action': {
    action: 'case.accept_report',
    entityType: 'case',
    snapshot: 'before+after',
    async prepare() {
      const c = await caseFor('haishu.acceptor');
      const token = await t.login('haishu.acceptor');
      return {
        token,
        params: { id: c.id, action: 'accept_report' },
        body: { version: c.version, matterType: '06007' },
        status: 200,
        actorId: c.actorId,
        entityId: () => c.id,
        check(ev) {
          expect(ev.before).toMatchObject({ state: 'reported', version: c.version });
          expect(ev.after).toMatchObject({ state: 'pending_filing', version: c.version + 1 });
        },
      };
    },
  },
  'POST /api/cases/batch-urge': {
    action: 'case.urge',
    entityType: 'case',
    snapshot: 'before+after',
    async prepare() {
      const c = await caseFor('city.supervisor');
      return {
        token: await t.login('city.supervisor'),
        body: { reason: '请加快处置', items: [{ id: c.id, version: c.version }] },
        status: 200,
        actorId: c.actorId,
        entityId: () => c.id,
        check(ev, res) {
          expect(res.json()).toMatchObject({ urged: 1, refused: 0 });
          expect(ev.after).toMatchObject({ version: c.version + 1 });
        },
      };
    },
  },
  'POST /api/saved-filters': {
    action: 'saved_filter.create',
    entityType: 'saved_filter',
    snapshot: 'after',
    async prepare() {
      const token = await t.login('haishu.dispatcher');
      const me = (await t.as(token).get('/api/me')).json();
      return {
        token,
        body: { name: `审计筛选${next()}`, query: { view: 'all', light: 'red' } },
        status: 201,
        actorId: me.user.id,
        entityId: (res) => res.json().id,
        check: (ev) => expect(ev.after).toMatchObject({ query: { view: 'all', light: 'red' } }),
      };
    },
  },
  'PUT /api/saved-filters/:id': {
    action: 'saved_filter.update',
    entityType: 'saved_filter',
    snapshot: 'before+after',
    async prepare() {
      const token = await t.login('haishu.dispatcher');
      const me = (await t.as(token).get('/api/me')).json();
      const f = (await t.as(token).post('/api/saved-filters', { name: `审计改${next()}`, query: {} })).json();
      return {
        token,
        params: { id: f.id },
        body: { name: `${f.name}-新`, query: { light: 'yellow' } },
        status: 200,
        actorId: me.user.id,
        entityId: () => f.id,
        check: (ev) => expect(ev.after).toMatchObject({ name: `${f.name}-新` }),
      };
    },
  },
  'DELETE /api/saved-filters/:id': {
    action: 'saved_filter.delete',
    entityType: 'saved_filter',
    snapshot: 'before+after',
    async prepare() {
      const token = await t.login('haishu.dispatcher');
      const me = (await t.as(token).get('/api/me')).json();
      const f = (await t.as(token).post('/api/saved-filters', { name: `审计删${next()}`, query: {} })).json();
      return {
        token,
        params: { id: f.id },
        status: 204,
        actorId: me.user.id,
        entityId: () => f.id,
        check: (ev) => expect(ev.before).toMatchObject({ name: f.name }),
      };
    },
  },
  'POST /api/photos': {
    action: 'photo.upload',
    entityType: 'photo',
    snapshot: 'after',
    async prepare() {
      const token = await t.login('haishu.inspector');
      const me = (await t.as(token).get('/api/me')).json();
      const png = await sharp({
        create: { width: 9, height: 7, channels: 3, background: { r: ++caseSeq % 255, g: 1, b: 2 } },
      })
        .png()
        .toBuffer();
      const boundary = '----audit';
      return {
        token,
        body: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
          ),
          png,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        status: 201,
        actorId: me.user.id,
        entityId: (res) => res.json().id,
      };
    },
  },
  'POST /api/notifications/:id/read': {
    action: 'notification.read',
    entityType: 'notification',
    snapshot: 'after',
    async prepare() {
      await caseFor('haishu.acceptor');
      const token = await t.login('haishu.acceptor');
      const me = (await t.as(token).get('/api/me')).json();
      const inbox = (await t.as(token).get('/api/notifications?unread=true')).json();
      const id = inbox.items[0].id as string;
      return { token, params: { id }, status: 204, actorId: me.user.id, entityId: () => id };
    },
  },
  'POST /api/notifications/read-all': {
    action: 'notification.read',
    entityType: 'notification',
    snapshot: 'after',
    async prepare() {
      await caseFor('haishu.acceptor');
      const token = await t.login('haishu.acceptor');
      const me = (await t.as(token).get('/api/me')).json();
      return { token, status: 204, actorId: me.user.id, entityId: () => 'all' };
    },
  },
  'POST /api/auth/login': {
    action: 'auth.login',
    entityType: 'session',
    snapshot: 'after',
    async prepare() {
      const u = await newUser();
      return {
        token: null,
        body: { username: u.username, password: u.password },
        status: 200,
        actorId: u.id,
        entityId: (res) => sessionIdOf(res.json().token),
        check: (ev) => expect(ev.after).toMatchObject({ userId: u.id }),
      };
    },
  },
  'POST /api/auth/logout': {
    action: 'auth.logout',
    entityType: 'session',
    snapshot: 'after',
    async prepare() {
      const u = await newUser();
      const token = await t.login(u.username, u.password);
      const sessionId = await sessionIdOf(token);
      return { token, status: 204, actorId: u.id, entityId: () => sessionId };
    },
  },
  'PUT /api/me/preferences': {
    action: 'user.preferences',
    entityType: 'user',
    snapshot: 'before+after',
    async prepare() {
      const u = await newUser();
      const token = await t.login(u.username, u.password);
      return {
        token,
        body: { locale: 'en-US' },
        status: 200,
        actorId: u.id,
        entityId: () => u.id,
        check(ev) {
          expect(ev.before).toEqual({ locale: 'zh-CN' });
          expect(ev.after).toEqual({ locale: 'en-US' });
        },
      };
    },
  },
  'POST /api/me/password': {
    action: 'user.password_change',
    entityType: 'user',
    snapshot: 'before+after',
    async prepare() {
      const u = await newUser();
      const token = await t.login(u.username, u.password);
      return {
        token,
        body: { currentPassword: u.password, newPassword: `changed-${next()}-7` },
        status: 204,
        actorId: u.id,
        entityId: () => u.id,
        check: (ev) => expect(ev.after).toMatchObject({ version: u.version + 1 }),
      };
    },
  },
  'POST /api/users': {
    action: 'user.create',
    entityType: 'user',
    snapshot: 'after',
    async prepare() {
      const username = `audit.new${next()}`;
      return {
        token: adminToken,
        body: {
          username,
          displayName: '新用户',
          orgId: cityOrgId,
          roles: ['inspector'],
          password: 'new-user-pass-1',
        },
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev, res) => expect(ev.after).toEqual(res.json()),
      };
    },
  },
  'PATCH /api/users/:id': {
    action: 'user.update',
    entityType: 'user',
    snapshot: 'before+after',
    async prepare() {
      const u = await newUser();
      return {
        token: adminToken,
        params: { id: u.id },
        body: { version: u.version, displayName: '改过的名字' },
        status: 200,
        actorId: adminId,
        entityId: () => u.id,
        check(ev, res) {
          expect(ev.before).toMatchObject({
            id: u.id,
            version: u.version,
            displayName: `审计测试 ${u.username}`,
          });
          expect(ev.after).toEqual(res.json());
          expect(ev.after).toMatchObject({ version: u.version + 1, displayName: '改过的名字' });
        },
      };
    },
  },
  'POST /api/users/:id/password': {
    action: 'user.password_reset',
    entityType: 'user',
    snapshot: 'before+after',
    async prepare() {
      const u = await newUser();
      return {
        token: adminToken,
        params: { id: u.id },
        body: { newPassword: `reset-${next()}-3` },
        status: 204,
        actorId: adminId,
        entityId: () => u.id,
        check: (ev) => expect(ev.before).toEqual({ version: u.version }),
      };
    },
  },
  'POST /api/api-keys': {
    action: 'apikey.create',
    entityType: 'api_key',
    snapshot: 'after',
    async prepare() {
      return {
        token: adminToken,
        body: { name: `machine ${next()}`, orgId: cityOrgId, permissions: ['org:read'] },
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().key.id,
        check: (ev, res) => expect(ev.after).toEqual(res.json().key),
      };
    },
  },
  'DELETE /api/api-keys/:id': {
    action: 'apikey.revoke',
    entityType: 'api_key',
    snapshot: 'before+after',
    async prepare() {
      const key = await newApiKey();
      return {
        token: adminToken,
        params: { id: key.id },
        status: 204,
        actorId: adminId,
        entityId: () => key.id,
        check(ev) {
          expect(ev.before).toMatchObject({ id: key.id, revokedAt: null });
          expect(ev.after).toMatchObject({ id: key.id, revokedAt: expect.any(String) });
        },
      };
    },
  },
  'POST /api/orgs': {
    action: 'org.create',
    entityType: 'org',
    snapshot: 'after',
    async prepare() {
      return {
        token: adminToken,
        body: { kind: 'unit', name: `审计新单位 ${next()}`, code: newUscc(), parentId: cityOrgId },
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev, res) => expect(ev.after).toEqual(res.json()),
      };
    },
  },
  'PATCH /api/orgs/:id': {
    action: 'org.update',
    entityType: 'org',
    snapshot: 'before+after',
    async prepare() {
      const o = await newOrg();
      return {
        token: adminToken,
        params: { id: o.id },
        body: { version: o.version, name: `${o.name}（改）` },
        status: 200,
        actorId: adminId,
        entityId: () => o.id,
        check(ev, res) {
          expect(ev.before).toMatchObject({ id: o.id, name: o.name, version: o.version });
          expect(ev.after).toEqual(res.json());
        },
      };
    },
  },
  // Catalogue and routing (issue 3). Writes need a city admin; routing changes carry a reason.
  'POST /api/catalog/types': {
    action: 'catalog.type.create',
    entityType: 'catalog_type',
    snapshot: 'after',
    async prepare() {
      return {
        token: adminToken,
        body: { kind: 'component', name: `审计本地部件 ${next()}` },
        status: 201,
        actorId: adminId,
        entityId: (res) => `component/${res.json().code}`,
        check: (ev, res) => expect(ev.after).toEqual(res.json()),
      };
    },
  },
  'PATCH /api/catalog/types/:kind/:code': {
    action: 'catalog.type.update',
    entityType: 'catalog_type',
    snapshot: 'before+after',
    async prepare() {
      const cur = (await t.as(adminToken).get('/api/catalog/types/component/01059')).json();
      return {
        token: adminToken,
        params: { kind: 'component', code: '01059' },
        body: { version: cur.version, enabled: !cur.enabled },
        status: 200,
        actorId: adminId,
        entityId: () => 'component/01059',
        check(ev, res) {
          expect(ev.before).toMatchObject({ enabled: cur.enabled, version: cur.version });
          expect(ev.after).toEqual(res.json());
        },
      };
    },
  },
  'PUT /api/catalog/standards/:matterCode': {
    action: 'catalog.standard.update',
    entityType: 'disposal_standard',
    snapshot: 'before+after',
    async prepare() {
      const cur = (await t.as(adminToken).get('/api/catalog/standards/06036')).json();
      return {
        token: adminToken,
        params: { matterCode: '06036' },
        body: {
          version: cur.version,
          reason: '审计测试',
          filingConditions: cur.filingConditions,
          timeLimits: cur.timeLimits,
          closingConditions: cur.closingConditions,
          defaultUnitType: cur.defaultUnitType,
        },
        status: 200,
        actorId: adminId,
        entityId: () => '06036',
        check(ev, res) {
          expect(ev.before).toMatchObject({ id: cur.id, version: cur.version });
          expect(ev.after).toEqual(res.json());
        },
      };
    },
  },
  'POST /api/routing/rules': {
    action: 'routing.rule.create',
    entityType: 'route_rule',
    snapshot: 'after',
    async prepare() {
      return {
        token: adminToken,
        body: { areaLevel: 'grid', areaCode: newGridId(), unitId: await waterUnitId(), reason: '审计测试' },
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev, res) => expect(ev.after).toEqual(res.json()),
      };
    },
  },
  'PATCH /api/routing/rules/:id': {
    action: 'routing.rule.update',
    entityType: 'route_rule',
    snapshot: 'before+after',
    async prepare() {
      const r = await newRule();
      return {
        token: adminToken,
        params: { id: r.id },
        body: { version: r.version, reason: '审计测试', note: '改' },
        status: 200,
        actorId: adminId,
        entityId: () => r.id,
        check(ev, res) {
          expect(ev.before).toMatchObject({ id: r.id, version: r.version });
          expect(ev.after).toEqual(res.json());
        },
      };
    },
  },
  'DELETE /api/routing/rules/:id': {
    action: 'routing.rule.deactivate',
    entityType: 'route_rule',
    snapshot: 'before+after',
    async prepare() {
      const r = await newRule();
      return {
        token: adminToken,
        params: { id: r.id },
        body: { version: r.version, reason: '审计测试' },
        status: 200,
        actorId: adminId,
        entityId: () => r.id,
        check: (ev) => expect(ev.after).toMatchObject({ id: r.id, active: false }),
      };
    },
  },
  'PUT /api/calendar/days/:date': {
    action: 'calendar.day_set',
    entityType: 'calendar',
    snapshot: 'before+after',
    async prepare() {
      return {
        token: adminToken,
        params: { date: '2031-03-11' },
        body: { kind: 'holiday', name: '审计测试', reason: '审计测试' },
        status: 200,
        actorId: adminId,
        entityId: () => '2031-03-11',
        check(ev) {
          expect(ev.before).toEqual({ date: '2031-03-11', kind: 'default', name: null, source: null });
          expect(ev.after).toEqual({
            date: '2031-03-11',
            kind: 'holiday',
            name: '审计测试',
            source: 'admin',
          });
        },
      };
    },
  },
  'PUT /api/calendar/windows': {
    action: 'calendar.windows_set',
    entityType: 'calendar',
    snapshot: 'before+after',
    async prepare() {
      const { windowsVersion } = (await t.as(adminToken).get('/api/calendar/days?year=2026')).json();
      const windows = [
        { start: '08:00', end: '12:00' },
        { start: '14:00', end: '18:00' },
      ];
      return {
        token: adminToken,
        body: { windows, version: windowsVersion, reason: '审计测试' },
        status: 200,
        actorId: adminId,
        entityId: () => 'calendar.windows',
        check: (ev) =>
          expect(ev.after).toEqual({ key: 'calendar.windows', value: windows, version: windowsVersion + 1 }),
      };
    },
  },
  'PUT /api/settings/:key': {
    action: 'setting.update',
    entityType: 'setting',
    snapshot: 'before+after',
    async prepare() {
      const cur = (await t.as(adminToken).get('/api/settings/case.duplicate')).json();
      return {
        token: adminToken,
        params: { key: 'case.duplicate' },
        body: { value: { radiusM: 60, windowHours: 24 }, version: cur.version },
        status: 200,
        actorId: adminId,
        entityId: () => 'case.duplicate',
        check(ev) {
          expect(ev.before).toEqual({ key: 'case.duplicate', value: cur.value, version: cur.version });
          expect(ev.after).toMatchObject({
            value: { radiusM: 60, windowHours: 24 },
            version: cur.version + 1,
          });
        },
      };
    },
  },
  // The city model (issue 3): components, and imports (one event for the whole job).
  'POST /api/components': {
    action: 'component.create',
    entityType: 'component',
    snapshot: 'after',
    async prepare() {
      const p = await pointIn(t, '330203', ++caseSeq % 50);
      return {
        token: adminToken,
        body: {
          typeCode: '03005',
          name: '审计：分类垃圾箱',
          geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
          attrs: { capacityL: 240 },
        },
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check(ev, res) {
          expect(ev.after).toMatchObject({
            id: res.json().id,
            typeCode: '03005',
            districtCode: '330203',
            gridId: p.gridId,
            state: 'intact',
            version: 1,
            attrs: { capacityL: 240 },
          });
        },
      };
    },
  },
  'PATCH /api/components/:id': {
    action: 'component.state',
    entityType: 'component',
    snapshot: 'before+after',
    async prepare() {
      const p = await pointIn(t, '330203', ++caseSeq % 50);
      const made = await t.as(adminToken).post('/api/components', {
        typeCode: '01001',
        name: '审计：井盖',
        geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
      });
      expect(made.statusCode, made.body).toBe(201);
      const c = made.json();
      return {
        token: adminToken,
        params: { id: c.id },
        body: { version: c.version, state: 'damaged', reason: '审计：巡查发现破损' },
        status: 200,
        actorId: adminId,
        entityId: () => c.id,
        check(ev) {
          expect(ev.before).toMatchObject({ id: c.id, state: 'intact', version: c.version });
          expect(ev.after).toMatchObject({ id: c.id, state: 'damaged', version: c.version + 1 });
        },
      };
    },
  },
  'POST /api/imports': {
    action: 'component.import',
    entityType: 'component',
    snapshot: 'after',
    async prepare() {
      const p = await pointIn(t, '330203', ++caseSeq % 50);
      const geojson = JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { type_code: '03005', name: '审计：导入的垃圾箱' },
            geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
          },
        ],
      });
      const boundary = '----audit-import';
      return {
        token: adminToken,
        body: Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncomponents\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="audit.geojson"\r\n` +
            `Content-Type: application/geo+json\r\n\r\n${geojson}\r\n--${boundary}--\r\n`,
        ),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        status: 200,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check(ev, res) {
          expect(res.json().status, res.body).toBe('succeeded');
          expect(ev.after).toMatchObject({
            kind: 'components',
            fileName: 'audit.geojson',
            rows: 1,
            errors: 0,
            written: 1,
            districts: ['330203'],
          });
        },
      };
    },
  },
  'POST /api/imports/base64': {
    action: 'geo.import',
    entityType: 'division',
    snapshot: 'after',
    async prepare() {
      // 象山县 (a real district outside the demo city) with one township and one community.
      const rect = (w: number, s: number, e: number, n: number) => ({
        type: 'Polygon',
        coordinates: [
          [
            [w, s],
            [e, s],
            [e, n],
            [w, n],
            [w, s],
          ],
        ],
      });
      const fc = {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { code: '330225', name: '象山县' },
            geometry: rect(121.8, 29.4, 121.95, 29.55),
          },
          {
            type: 'Feature',
            properties: { code: '330225001000', name: '丹东街道' },
            geometry: rect(121.85, 29.46, 121.87, 29.48),
          },
          {
            type: 'Feature',
            properties: { code: '330225001003', name: '金秋社区' },
            geometry: rect(121.86, 29.47, 121.862, 29.4718),
          },
        ],
      };
      return {
        token: adminToken,
        body: {
          kind: 'divisions',
          fileName: 'xiangshan.geojson',
          contentBase64: Buffer.from(JSON.stringify(fc)).toString('base64'),
        },
        status: 200,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check(ev, res) {
          expect(res.json().status, res.body).toBe('succeeded');
          expect(ev.after).toMatchObject({
            kind: 'divisions',
            fileName: 'xiangshan.geojson',
            rows: 3,
            errors: 0,
            written: 3,
            districts: ['330225'],
          });
        },
      };
    },
  },
  // Units' own systems (issue 4): endpoints and the replay of a delivery.
  'PUT /api/endpoints/:orgId': {
    action: 'endpoint.set',
    entityType: 'unit_endpoint',
    snapshot: 'after',
    async prepare() {
      const o = await newOrg();
      return {
        token: adminToken,
        params: { orgId: o.id },
        body: { url: 'https://unit.example.cn/cityops', enabled: true },
        status: 200,
        actorId: adminId,
        entityId: () => o.id,
        check(ev, res) {
          expect(ev.after).toMatchObject({ url: 'https://unit.example.cn/cityops', secretRotated: true });
          expect(JSON.stringify(ev.after)).not.toContain(res.json().secret);
        },
      };
    },
  },
  // Online opinion (issue 10): feeds by admins, decisions on posts by the district's acceptors.
  'POST /api/opinion/feeds': {
    action: 'opinion.feed.create',
    entityType: 'opinion_feed',
    snapshot: 'after',
    async prepare() {
      return {
        token: adminToken,
        body: { name: `审计舆情源${next()}`, url: 'https://1.2.3.4/feed.xml', districtCode: '330203' },
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev) =>
          expect(ev.after).toMatchObject({ url: 'https://1.2.3.4/feed.xml', districtCode: '330203' }),
      };
    },
  },
  'PATCH /api/opinion/feeds/:id': {
    action: 'opinion.feed.update',
    entityType: 'opinion_feed',
    snapshot: 'before+after',
    async prepare() {
      const id = await opinionFeed();
      return {
        token: adminToken,
        params: { id },
        body: { version: 1, enabled: false, pollMinutes: 60 },
        status: 200,
        actorId: adminId,
        entityId: () => id,
        check(ev) {
          expect(ev.before).toMatchObject({ enabled: true, pollMinutes: 30 });
          expect(ev.after).toMatchObject({ enabled: false, pollMinutes: 60, version: 2 });
        },
      };
    },
  },
  'POST /api/opinion/feeds/:id/poll': {
    action: 'opinion.feed.poll',
    entityType: 'opinion_feed',
    snapshot: 'after',
    async prepare() {
      const id = await opinionFeed();
      return {
        token: adminToken,
        params: { id },
        status: 200,
        actorId: adminId,
        entityId: () => id,
        // Loopback is not OUTBOUND_ALLOW'ed here: the poll fails by address, and says so.
        check: (ev) =>
          expect(ev.after).toMatchObject({ status: 'error', error: 'address_refused (loopback)' }),
      };
    },
  },
  'POST /api/opinion/posts/:id/report': {
    action: 'opinion.post.report',
    also: ['case.report'],
    entityType: 'opinion_post',
    snapshot: 'before+after',
    async prepare() {
      const id = await opinionPost();
      return {
        token: await t.login('haishu.acceptor'),
        params: { id },
        body: { version: 1, matterCode: '06010' },
        status: 200,
        actorId: await acceptorId(),
        entityId: () => id,
        check(ev, res) {
          expect(ev.before).toMatchObject({ state: 'new', version: 1 });
          expect(ev.after).toMatchObject({ state: 'reported', caseId: res.json().caseId });
        },
      };
    },
  },
  'POST /api/opinion/posts/:id/dismiss': {
    action: 'opinion.post.dismiss',
    entityType: 'opinion_post',
    snapshot: 'before+after',
    async prepare() {
      const id = await opinionPost();
      return {
        token: await t.login('haishu.acceptor'),
        params: { id },
        body: { version: 1, reason: '与城市管理无关' },
        status: 200,
        actorId: await acceptorId(),
        entityId: () => id,
        check: (ev) => expect(ev.after).toMatchObject({ state: 'dismissed' }),
      };
    },
  },
  'POST /api/opinion/posts/:id/link': {
    action: 'opinion.post.link',
    entityType: 'opinion_post',
    snapshot: 'before+after',
    async prepare() {
      const id = await opinionPost();
      const c = await caseFor('haishu.acceptor');
      return {
        token: await t.login('haishu.acceptor'),
        params: { id },
        body: { version: 1, caseId: c.id },
        status: 200,
        actorId: c.actorId,
        entityId: () => id,
        check: (ev) => expect(ev.after).toMatchObject({ state: 'linked', caseId: c.id }),
      };
    },
  },
  'POST /api/opinion/posts/:id/unlink': {
    action: 'opinion.post.unlink',
    entityType: 'opinion_post',
    snapshot: 'before+after',
    async prepare() {
      const c = await caseFor('haishu.acceptor');
      const id = await opinionPost({ state: 'linked', caseId: c.id });
      return {
        token: await t.login('haishu.acceptor'),
        params: { id },
        body: { version: 1 },
        status: 200,
        actorId: c.actorId,
        entityId: () => id,
        check: (ev) => expect(ev.before).toMatchObject({ state: 'linked', caseId: c.id }),
      };
    },
  },
  'POST /api/deliveries/:id/replay': {
    action: 'delivery.replay',
    entityType: 'delivery',
    snapshot: 'before+after',
    async prepare() {
      const o = await newOrg();
      const [d] = await q<{ id: string }>(
        sql`INSERT INTO delivery (event_id, org_id, status, attempts, last_error)
            VALUES (1, ${o.id}, 'dead', 8, 'HTTP 500') RETURNING id`,
      );
      return {
        token: adminToken,
        params: { id: d.id },
        status: 200,
        actorId: adminId,
        entityId: () => d.id,
        check(ev) {
          expect(ev.before).toMatchObject({ status: 'dead', attempts: 8 });
          expect(ev.after).toMatchObject({ status: 'pending', attempts: 0 });
        },
      };
    },
  },

  // ---- the base map (city admins) ---------------------------------------------------------------
  'PUT /api/basemap': {
    action: 'basemap.choose',
    entityType: 'basemap',
    snapshot: 'before+after',
    async prepare() {
      const cur = (await t.as(adminToken).get('/api/basemap/settings')).json();
      const kind = cur.choice.kind === 'none' ? 'generated' : 'none';
      return {
        token: adminToken,
        body: { kind, version: cur.choice.version },
        status: 200,
        actorId: adminId,
        entityId: () => 'city',
        check(ev) {
          expect(ev.after).toMatchObject({ kind, version: cur.choice.version + 1 });
        },
      };
    },
  },
  'POST /api/basemap/archives': {
    action: 'basemap.archive_upload',
    entityType: 'basemap_archive',
    snapshot: 'after',
    async prepare() {
      const m = multipart({ archive: { name: 'audit.pmtiles', data: auditArchive() } });
      return {
        token: adminToken,
        body: m.body,
        headers: { 'content-type': m.contentType },
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev) => expect(ev.after).toMatchObject({ fileName: 'audit.pmtiles' }),
      };
    },
  },
  'DELETE /api/basemap/archives/:id': {
    action: 'basemap.archive_delete',
    entityType: 'basemap_archive',
    snapshot: 'before+after',
    async prepare() {
      const m = multipart({ archive: { name: 'gone.pmtiles', data: auditArchive() } });
      const up = await t.app.inject({
        method: 'POST',
        url: '/api/basemap/archives',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': m.contentType },
        payload: m.body,
      });
      expect(up.statusCode, up.body).toBe(201);
      const id = up.json().id as string;
      return {
        token: adminToken,
        params: { id },
        status: 204,
        actorId: adminId,
        entityId: () => id,
        check: (ev) => expect(ev.before).toMatchObject({ fileName: 'gone.pmtiles' }),
      };
    },
  },
  'POST /api/basemap/generated': {
    action: 'basemap.generate',
    entityType: 'basemap_archive',
    snapshot: 'after',
    async prepare() {
      return {
        token: adminToken,
        status: 200,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev) => expect(ev.after).toMatchObject({ demo: true }),
      };
    },
  },
  // ---- the classifier's labelled texts ----------------------------------------------------------
  'POST /api/classifier/samples/:id/retire': {
    action: 'classifier.sample_retire',
    entityType: 'classifier_sample',
    snapshot: 'before+after',
    async prepare() {
      const [s] = await q<{ id: string }>(
        sql`INSERT INTO classifier_sample (source, matter_code, text, text_key, rev, district_code)
            VALUES ('corrected', '03013', ${`审计用的文字${next()}`}, ${`audit-${next()}`}, 0, '330203') RETURNING id`,
      );
      return {
        token: adminToken,
        params: { id: s.id },
        body: { reason: '审计测试' },
        status: 200,
        actorId: adminId,
        entityId: () => s.id,
        check: (ev) => expect(ev.before).toMatchObject({ matterCode: '03013' }),
      };
    },
  },
  // ---- GPS: the terminal registry, a person's own positions ----------------------------------------
  'POST /api/gps/terminals': {
    action: 'gps.terminal.create',
    entityType: 'gps_terminal',
    snapshot: 'after',
    async prepare() {
      const terminalId = `0137${String(Date.now()).slice(-8)}`;
      return {
        token: adminToken,
        body: { terminalId, kind: 'sprinkler', plate: '浙B7A001', plateColour: 2 },
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().terminal.id,
        check(ev) {
          expect(ev.after).toMatchObject({ terminalId, kind: 'sprinkler' });
          // The auth code is a credential: never in the trail.
          expect(JSON.stringify(ev.after)).not.toContain('authCode');
        },
      };
    },
  },
  'PATCH /api/gps/terminals/:id': {
    action: 'gps.terminal.update',
    entityType: 'gps_terminal',
    snapshot: 'before+after',
    async prepare() {
      const made = await t
        .as(adminToken)
        .post('/api/gps/terminals', { terminalId: `0136${String(Date.now()).slice(-8)}`, kind: 'other' });
      expect(made.statusCode, made.body).toBe(201);
      const d = made.json().terminal;
      return {
        token: adminToken,
        params: { id: d.id },
        body: { version: d.version, kind: 'muck_truck' },
        status: 200,
        actorId: adminId,
        entityId: () => d.id,
        check(ev) {
          expect(ev.before).toMatchObject({ kind: 'other' });
          expect(ev.after).toMatchObject({ kind: 'muck_truck' });
        },
      };
    },
  },
  'DELETE /api/gps/terminals/:id': {
    action: 'gps.terminal.disable',
    entityType: 'gps_terminal',
    snapshot: 'before+after',
    async prepare() {
      const made = await t
        .as(adminToken)
        .post('/api/gps/terminals', { terminalId: `0135${String(Date.now()).slice(-8)}`, kind: 'other' });
      expect(made.statusCode, made.body).toBe(201);
      const d = made.json().terminal;
      return {
        token: adminToken,
        params: { id: d.id },
        status: 200,
        actorId: adminId,
        entityId: () => d.id,
        check(ev) {
          expect(ev.before).toMatchObject({ enabled: true });
          expect(ev.after).toMatchObject({ enabled: false });
        },
      };
    },
  },
  // ---- teams: people, shifts, templates, rosters (one event per person), clocking in -------------
  'PUT /api/teams/members/:userId': {
    action: 'teams.member.save',
    entityType: 'team_member',
    snapshot: 'before+after',
    async prepare() {
      const m = (await t.as(adminToken).get('/api/teams/members'))
        .json()
        .items.find((x: { username: string }) => x.username === 'haishu.inspector');
      return {
        token: adminToken,
        params: { userId: m.userId },
        body: { posts: ['inspector', 'officer'], gridIds: m.gridIds, version: m.version },
        status: 200,
        actorId: adminId,
        entityId: () => m.userId,
        check(ev) {
          expect(ev.before).toMatchObject({ posts: m.posts });
          expect(ev.after).toMatchObject({ posts: ['inspector', 'officer'] });
        },
      };
    },
  },
  'POST /api/teams/shifts': {
    action: 'teams.shift.create',
    entityType: 'team_shift',
    snapshot: 'after',
    async prepare() {
      return {
        token: adminToken,
        body: { name: '审计班', start: '22:00', end: '06:00' },
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev) => expect(ev.after).toMatchObject({ name: '审计班', crossesMidnight: true }),
      };
    },
  },
  'PATCH /api/teams/shifts/:id': {
    action: 'teams.shift.update',
    entityType: 'team_shift',
    snapshot: 'before+after',
    async prepare() {
      const made = await t
        .as(adminToken)
        .post('/api/teams/shifts', { name: '审计改班', start: '08:00', end: '12:00' });
      expect(made.statusCode, made.body).toBe(201);
      const d = made.json();
      return {
        token: adminToken,
        params: { id: d.id },
        body: { version: d.version, end: '13:00' },
        status: 200,
        actorId: adminId,
        entityId: () => d.id,
        check(ev) {
          expect(ev.before).toMatchObject({ end: '12:00' });
          expect(ev.after).toMatchObject({ end: '13:00' });
        },
      };
    },
  },
  'POST /api/teams/templates': {
    action: 'teams.template.create',
    entityType: 'team_roster_template',
    snapshot: 'after',
    async prepare() {
      return {
        token: adminToken,
        body: { name: '审计模板', days: Array(7).fill(null) },
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev) => expect(ev.after).toMatchObject({ name: '审计模板' }),
      };
    },
  },
  'PATCH /api/teams/templates/:id': {
    action: 'teams.template.update',
    entityType: 'team_roster_template',
    snapshot: 'before+after',
    async prepare() {
      const made = await t
        .as(adminToken)
        .post('/api/teams/templates', { name: '审计改模板', days: Array(7).fill(null) });
      expect(made.statusCode, made.body).toBe(201);
      const d = made.json();
      return {
        token: adminToken,
        params: { id: d.id },
        body: { version: d.version, name: '审计改模板2' },
        status: 200,
        actorId: adminId,
        entityId: () => d.id,
        check(ev) {
          expect(ev.before).toMatchObject({ name: '审计改模板' });
          expect(ev.after).toMatchObject({ name: '审计改模板2' });
        },
      };
    },
  },
  'PUT /api/teams/roster': {
    action: 'teams.roster.save',
    entityType: 'team_roster',
    snapshot: 'before+after',
    async prepare() {
      const m = (await t.as(adminToken).get('/api/teams/members'))
        .json()
        .items.find((x: { username: string }) => x.username === 'jiangbei.inspector');
      const shift = (
        await t.as(adminToken).post('/api/teams/shifts', { name: '审计排班', start: '09:00', end: '10:00' })
      ).json();
      const day = '2031-03-05';
      const first = await t
        .as(adminToken)
        .put('/api/teams/roster', { cells: [{ userId: m.userId, day, shiftId: null }] });
      expect(first.statusCode, first.body).toBe(200);
      return {
        token: adminToken,
        body: { cells: [{ userId: m.userId, day, shiftId: shift.id, version: 1 }] },
        status: 200,
        actorId: adminId,
        entityId: () => m.userId,
        check(ev) {
          expect(ev.before).toEqual({ cells: [expect.objectContaining({ day, shiftId: null, version: 1 })] });
          expect(ev.after).toEqual({
            cells: [expect.objectContaining({ day, shiftId: shift.id, version: 2 })],
          });
        },
      };
    },
  },
  'POST /api/teams/roster/apply-template': {
    action: 'teams.roster.apply_template',
    entityType: 'team_roster',
    snapshot: 'before+after',
    async prepare() {
      const m = (await t.as(adminToken).get('/api/teams/members'))
        .json()
        .items.find((x: { username: string }) => x.username === 'jiangbei.inspector');
      const template = (await t.as(adminToken).get('/api/teams/templates')).json().items[0];
      return {
        token: adminToken,
        body: { templateId: template.id, week: '2031-03-17', userIds: [m.userId] },
        status: 200,
        actorId: adminId,
        entityId: () => m.userId,
        check(ev) {
          expect(ev.before).toEqual({ cells: [] });
          expect((ev.after as { cells: unknown[] }).cells.length).toBe(7);
        },
      };
    },
  },
  'POST /api/teams/me/clock': {
    action: 'teams.clock_in',
    entityType: 'team_attendance',
    snapshot: 'after',
    async prepare() {
      const token = await t.login('haishu.inspector');
      const me = (await t.as(token).get('/api/me')).json().user;
      // Rest yesterday and today (China days): the clock-in is then one "without a shift" at any
      // hour — with the seeded 早班 it would be refused once the shift has ended (after 16:00).
      const chinaDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
      const cells = [];
      for (const day of [chinaDay(Date.now() - 86_400_000), chinaDay(Date.now())]) {
        const d = new Date(`${day}T00:00:00Z`);
        const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000)
          .toISOString()
          .slice(0, 10);
        const week = (await t.as(adminToken).get(`/api/teams/roster?week=${monday}`)).json() as {
          cells: { userId: string; day: string; version: number }[];
        };
        const cur = week.cells.find((c) => c.userId === me.id && c.day === day);
        cells.push({ userId: me.id, day, shiftId: null, ...(cur ? { version: cur.version } : {}) });
      }
      const rest = await t.as(adminToken).put('/api/teams/roster', { cells });
      expect(rest.statusCode, rest.body).toBe(200);
      return {
        token,
        body: { kind: 'in', lat: 29.87, lng: 121.55 },
        status: 200,
        actorId: me.id,
        entityId: (res) => res.json().id,
        check: (ev) => expect(ev.after).toMatchObject({ userId: me.id }),
      };
    },
  },
  'POST /api/gps/me/positions': {
    action: 'gps.position.report',
    entityType: 'gps_position',
    snapshot: 'after',
    async prepare() {
      const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
      return {
        token: adminToken,
        body: { positions: [{ time: at, lat: 29.87, lng: 121.55, accuracy: 5 }] },
        status: 200,
        actorId: adminId,
        entityId: () => adminId,
        // Counts and the period, not the place.
        check: (ev) =>
          expect(ev.after).toEqual({ received: 1, stored: 1, duplicates: 0, refused: 0, from: at, to: at }),
      };
    },
  },
  // ---- GPS: geofences and alarms -------------------------------------------------------------------
  'POST /api/gps/geofences': {
    action: 'gps.geofence.create',
    entityType: 'gps_geofence',
    snapshot: 'after',
    async prepare() {
      return {
        token: adminToken,
        body: auditFence(`审计围栏${next()}`),
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev) => expect(ev.after).toMatchObject({ shape: 'area', rule: { mode: 'no_entry' } }),
      };
    },
  },
  'PATCH /api/gps/geofences/:id': {
    action: 'gps.geofence.update',
    entityType: 'gps_geofence',
    snapshot: 'before+after',
    async prepare() {
      const made = await t.as(adminToken).post('/api/gps/geofences', auditFence(`审计围栏${next()}`));
      expect(made.statusCode, made.body).toBe(201);
      const f = made.json();
      return {
        token: adminToken,
        params: { id: f.id },
        body: { version: f.version, name: `${f.name}（改）` },
        status: 200,
        actorId: adminId,
        entityId: () => f.id,
        check(ev) {
          expect(ev.before).toMatchObject({ name: f.name });
          expect(ev.after).toMatchObject({ name: `${f.name}（改）` });
        },
      };
    },
  },
  'DELETE /api/gps/geofences/:id': {
    action: 'gps.geofence.disable',
    entityType: 'gps_geofence',
    snapshot: 'before+after',
    async prepare() {
      const made = await t.as(adminToken).post('/api/gps/geofences', auditFence(`审计围栏${next()}`));
      expect(made.statusCode, made.body).toBe(201);
      const f = made.json();
      return {
        token: adminToken,
        params: { id: f.id },
        status: 200,
        actorId: adminId,
        entityId: () => f.id,
        check(ev) {
          expect(ev.before).toMatchObject({ enabled: true });
          expect(ev.after).toMatchObject({ enabled: false });
        },
      };
    },
  },
  ...Object.fromEntries(
    (['acknowledge', 'close'] as const).map((action) => [
      `POST /api/gps/alarms/:id/${action}`,
      {
        action: `gps.alarm.${action}`,
        entityType: 'gps_alarm',
        snapshot: 'before+after',
        async prepare() {
          const [a] = await q<{ id: string }>(
            sql`INSERT INTO gps_alarm (kind, source, district_code, at, lat, lng)
                VALUES ('sos', 'terminal', '330203', now(), 29.87, 121.55) RETURNING id`,
          );
          return {
            token: adminToken,
            params: { id: a.id },
            body: { version: 1, note: '审计' },
            status: 200,
            actorId: adminId,
            entityId: () => a.id,
            check(ev) {
              expect(ev.before).toEqual({ state: 'open' });
              expect(ev.after).toMatchObject({
                state: action === 'close' ? 'closed' : 'acknowledged',
                note: '审计',
              });
            },
          };
        },
      } satisfies Scenario,
    ]),
  ),
  // ---- sensors ----------------------------------------------------------------------------------
  'POST /api/sensors/devices': {
    action: 'sensor.device.create',
    entityType: 'sensor_device',
    snapshot: 'after',
    async prepare() {
      const p = await pointIn(t, '330203', ++caseSeq % 50);
      const code = `AUDIT-${next()}`;
      return {
        token: adminToken,
        body: {
          code,
          kindCode: 'bin_fill',
          name: '审计垃圾箱',
          location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
        },
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev) => expect(ev.after).toMatchObject({ code, districtCode: '330203' }),
      };
    },
  },
  'PATCH /api/sensors/devices/:id': {
    action: 'sensor.device.update',
    entityType: 'sensor_device',
    snapshot: 'before+after',
    async prepare() {
      const p = await pointIn(t, '330203', ++caseSeq % 50);
      const made = await t.as(adminToken).post('/api/sensors/devices', {
        code: `AUDIT-${next()}`,
        kindCode: 'bin_fill',
        name: '改名前',
        location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
      });
      expect(made.statusCode, made.body).toBe(201);
      const d = made.json();
      return {
        token: adminToken,
        params: { id: d.id },
        body: { version: d.version, name: '改名后' },
        status: 200,
        actorId: adminId,
        entityId: () => d.id,
        check(ev) {
          expect(ev.before).toMatchObject({ name: '改名前' });
          expect(ev.after).toMatchObject({ name: '改名后' });
        },
      };
    },
  },
  'POST /api/sensors/devices/import': {
    action: 'sensor.device.import',
    entityType: 'sensor_device',
    snapshot: 'after',
    async prepare() {
      const p = await pointIn(t, '330212', ++caseSeq % 50);
      const code = `AUDIT-IMP-${next()}`;
      return {
        token: adminToken,
        body: { csv: ['code,kind,name,lng,lat', `${code},bin_fill,审计导入,${p.lng},${p.lat}`].join('\r\n') },
        status: 201,
        actorId: adminId,
        // An import writes many devices: its one event names none of them, and lists their codes.
        entityId: () => null as unknown as string,
        check: (ev) => expect(ev.after).toMatchObject({ count: 1, codes: [code] }),
      };
    },
  },
  'PUT /api/sensors/kinds/:code': {
    action: 'sensor.kind.update',
    entityType: 'sensor_kind',
    snapshot: 'before+after',
    async prepare() {
      const kind = (await t.as(adminToken).get('/api/sensors/kinds'))
        .json()
        .items.find((k: { code: string }) => k.code === 'bin_fill');
      return {
        token: adminToken,
        params: { code: 'bin_fill' },
        body: {
          version: kind.version,
          rules: kind.rules,
          silenceS: kind.silenceS + 60,
          offlineMatterCode: kind.offlineMatterCode,
        },
        status: 200,
        actorId: adminId,
        entityId: () => 'bin_fill',
        check: (ev) => expect(ev.after).toMatchObject({ silenceS: kind.silenceS + 60 }),
      };
    },
  },
  // ---- the hotline and its call-backs ---------------------------------------------------------
  'POST /api/hotline/calls': {
    action: 'hotline.incoming',
    entityType: 'hotline_call',
    snapshot: 'after',
    async prepare() {
      const key = await telephony();
      return {
        token: key.secret,
        body: { line: '12345', callerNumber: '+86 137 0000 9999', districtCode: '330203' },
        status: 201,
        actorType: 'api_key',
        actorId: key.id,
        entityId: (res) => res.json().id,
        // The trail keeps the caller's number masked.
        check: (ev) => expect(ev.after).toMatchObject({ line: '12345', callerNumber: '137****9999' }),
      };
    },
  },
  'POST /api/hotline/calls/:id/hangup': {
    action: 'hotline.hangup',
    entityType: 'hotline_call',
    snapshot: 'before+after',
    async prepare() {
      const key = await telephony();
      const id = await ringingCall();
      return {
        token: key.secret,
        params: { id },
        status: 204,
        actorType: 'api_key',
        actorId: key.id,
        entityId: () => id,
        check: (ev) => {
          expect(ev.before).toMatchObject({ status: 'ringing' });
          expect(ev.after).toMatchObject({ status: 'missed' });
        },
      };
    },
  },
  'POST /api/hotline/calls/:id/answer': {
    action: 'hotline.answer',
    entityType: 'hotline_call',
    snapshot: 'before+after',
    async prepare() {
      const op = await hotlineOperator();
      const id = await ringingCall();
      return {
        token: op.token,
        params: { id },
        body: { version: 1 },
        status: 200,
        actorId: op.id,
        entityId: () => id,
        check: (ev) => expect(ev.after).toMatchObject({ status: 'answered', operatorId: op.id }),
      };
    },
  },
  'POST /api/hotline/calls/:id/report': {
    // One event: the report's, naming the call it was made on.
    action: 'case.report',
    entityType: 'case',
    snapshot: 'after',
    async prepare() {
      const op = await hotlineOperator();
      const c = await takenCall();
      const p = await pointIn(t, '330203', ++caseSeq % 50);
      return {
        token: op.token,
        params: { id: c.id },
        body: {
          version: c.version,
          description: '审计：来电反映井盖缺失',
          location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
          matterCode: '06007',
        },
        status: 201,
        actorId: op.id,
        entityId: (res) => res.json().call.case.id,
        check: (ev) =>
          expect(ev.after).toMatchObject({ channel: 'hotline', origin: { callId: c.id, line: '12345' } }),
      };
    },
  },
  'POST /api/hotline/calls/:id/finish': {
    action: 'hotline.finish',
    entityType: 'hotline_call',
    snapshot: 'before+after',
    async prepare() {
      const op = await hotlineOperator();
      const c = await takenCall();
      return {
        token: op.token,
        params: { id: c.id },
        body: { version: c.version, kind: 'suggestion', note: '审计：建议增设垃圾桶' },
        status: 200,
        actorId: op.id,
        entityId: () => c.id,
        check: (ev) => expect(ev.after).toMatchObject({ status: 'finished', kind: 'suggestion' }),
      };
    },
  },
  'PUT /api/hotline/seat': {
    action: 'hotline.seat_in',
    entityType: 'hotline_seat',
    snapshot: 'after',
    async prepare() {
      const token = await t.login('hotline.operator2');
      const seat = `a${++callerSeq}`;
      return {
        token,
        body: { seat, lines: ['12345'] },
        status: 200,
        actorId: (await t.as(token).get('/api/me')).json().user.id,
        entityId: () => seat,
        check: (ev) => expect(ev.after).toMatchObject({ seat, lines: ['12345'] }),
      };
    },
  },
  'DELETE /api/hotline/seat': {
    action: 'hotline.seat_out',
    entityType: 'hotline_seat',
    snapshot: 'before+after',
    async prepare() {
      const token = await t.login('hotline.operator2');
      const seat = `d${++callerSeq}`;
      const res = await t.as(token).put('/api/hotline/seat', { seat, lines: ['12345'] });
      expect(res.statusCode, res.body).toBe(200);
      return {
        token,
        status: 204,
        actorId: (await t.as(token).get('/api/me')).json().user.id,
        entityId: () => seat,
        check: (ev) => expect(ev.before).toMatchObject({ seat }),
      };
    },
  },
  'PUT /api/evaluation/templates/:subjectType': {
    action: 'evaluation.template.update',
    entityType: 'evaluation_template',
    snapshot: 'before+after',
    async prepare() {
      const cur = (await t.as(adminToken).get('/api/evaluation/templates'))
        .json()
        .items.find((x: { subjectType: string }) => x.subjectType === 'acceptor');
      return {
        token: adminToken,
        params: { subjectType: 'acceptor' },
        body: {
          baseVersion: cur.version,
          definition: changedDefinition(cur.definition),
          note: `审计 ${next()}`,
        },
        status: 200,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev) => expect(ev.after).toMatchObject({ version: cur.version + 1, current: true }),
      };
    },
  },
  'POST /api/evaluation/rankings': {
    action: 'evaluation.ranking.compute',
    entityType: 'evaluation_ranking',
    snapshot: 'after',
    async prepare() {
      return {
        token: adminToken,
        body: { subjectType: 'district', from: '2026-11-01', to: '2026-12-01' },
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev) => expect(ev.after).toMatchObject({ state: 'draft', subjectType: 'district' }),
      };
    },
  },
  'POST /api/evaluation/rankings/:id/publish': {
    action: 'evaluation.ranking.publish',
    entityType: 'evaluation_ranking',
    snapshot: 'before+after',
    async prepare() {
      // Only an ended period with someone to score is published: a case dispatched to a unit last
      // November, written as the loop would have left it.
      await q(sql`
        INSERT INTO case_file (code, state, channel, description, lng, lat, grid_id, community_code,
          township_code, district_code, area_class, unit_id, created_at, updated_at, filed_at, dispatched_at)
        SELECT 'AUDIT-RANKING-1', 'dispatched', 'inspector', '审计测试：上月派遣的案件', g.centroid_lng,
          g.centroid_lat, g.id, g.community_code, g.township_code, g.district_code, g.area_class, o.id,
          '2026-11-10T02:00:00Z', '2026-11-10T04:00:00Z', '2026-11-10T03:00:00Z', '2026-11-10T04:00:00Z'
        FROM grid g JOIN org o ON o.kind = 'unit' AND o.district_code = g.district_code
        ORDER BY g.id, o.id LIMIT 1`);
      const draft = await t
        .as(adminToken)
        .post('/api/evaluation/rankings', { subjectType: 'unit', from: '2026-11-01', to: '2026-12-01' });
      expect(draft.json().lines.length, 'a unit to score').toBeGreaterThan(0);
      expect(draft.statusCode, draft.body).toBe(201);
      return {
        token: adminToken,
        params: { id: draft.json().id },
        status: 200,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev) =>
          expect([ev.before, ev.after]).toMatchObject([{ state: 'draft' }, { state: 'published' }]),
      };
    },
  },
  'POST /api/warnings/run': {
    action: 'warning.run',
    entityType: 'warning',
    snapshot: 'after',
    async prepare() {
      return {
        token: adminToken,
        status: 200,
        actorId: adminId,
        entityId: () => null as unknown as string,
      };
    },
  },
  'POST /api/warnings/:id/acknowledge': {
    action: 'warning.acknowledge',
    entityType: 'warning',
    snapshot: 'before+after',
    async prepare() {
      // A live warning as a run would store it (arranged directly: a spike needs weeks of cases).
      const [w] = await t.database.query<{ id: string }>(sql`
        INSERT INTO warning (kind, subject_type, subject_id, subject_name, district_code, family, observed, baseline,
          rule, explanation_zh, explanation_en, state, first_seen_at, last_seen_at)
        VALUES ('rise', 'district', '330203', '海曙区', '330203', ${`matter:${next()}`}, 12, 3.1,
          '{"method":"poisson"}'::jsonb, '审计', 'audit', 'open', now(), now())
        RETURNING id`);
      return {
        token: adminToken,
        params: { id: w.id },
        status: 200,
        actorId: adminId,
        entityId: () => w.id,
        check: (ev) => expect(ev.after).toMatchObject({ state: 'acknowledged' }),
      };
    },
  },
  'POST /api/hotline/knowledge': {
    action: 'knowledge.create',
    entityType: 'knowledge_entry',
    snapshot: 'after',
    async prepare() {
      const question = `审计：${next()} 路灯不亮找谁？`;
      return {
        token: adminToken,
        body: { question, answer: '由路灯管理处负责。', keywords: ['路灯'], category: '审计' },
        status: 201,
        actorId: adminId,
        entityId: (res) => res.json().id,
        check: (ev) => expect(ev.after).toMatchObject({ question }),
      };
    },
  },
  'PUT /api/hotline/knowledge/:id': {
    action: 'knowledge.update',
    entityType: 'knowledge_entry',
    snapshot: 'before+after',
    async prepare() {
      const e = await knowledgeEntryFor();
      return {
        token: adminToken,
        params: { id: e.id },
        body: { ...e.body, answer: '拨打12345登记，或到社区登记。', version: e.version },
        status: 200,
        actorId: adminId,
        entityId: () => e.id,
        check: (ev) => expect(ev.after).toMatchObject({ answer: '拨打12345登记，或到社区登记。' }),
      };
    },
  },
  'POST /api/callbacks/:id/result': {
    action: 'satisfaction.record',
    entityType: 'case',
    snapshot: 'after',
    async prepare() {
      const op = await hotlineOperator();
      const cb = await pendingCallback();
      return {
        token: op.token,
        params: { id: cb.id },
        body: { result: 'basically_satisfied', note: '审计：基本满意' },
        status: 200,
        actorId: op.id,
        entityId: () => cb.caseId,
        check: (ev) => expect(ev.after).toMatchObject({ result: 'basically_satisfied', source: 'phone' }),
      };
    },
  },
  'POST /api/callbacks/:id/attempts': {
    action: 'callback.attempt',
    entityType: 'case',
    snapshot: 'after',
    async prepare() {
      const op = await hotlineOperator();
      const cb = await pendingCallback();
      return {
        token: op.token,
        params: { id: cb.id },
        body: { note: '审计：无人接听' },
        status: 200,
        actorId: op.id,
        entityId: () => cb.caseId,
        check: (ev) => expect(ev.after).toMatchObject({ callbackId: cb.id, attempts: 1 }),
      };
    },
  },
};

/** POST routes that only answer a question (the body is the question): they write nothing. */
const QUESTIONS: Record<string, { body: unknown; status: number }> = {
  'POST /api/intake/suggest': { body: { text: '下水道盖子被压碎了' }, status: 200 },
  'POST /api/public/suggest': { body: { text: '下水道盖子被压碎了' }, status: 200 },
};

/** A small vector PMTiles archive, as an operator would upload. */
function auditArchive(): Buffer {
  return writePmtiles([{ z: 10, x: 857, y: 421, data: Buffer.from('tile-audit-xxxxxxxxxxxxxxxxxxxx') }], {
    tileType: TileType.Mvt,
    metadata: { name: '审计底图', vector_layers: [{ id: 'roads', fields: { name: 'String' } }] },
    bounds: [121.3, 29.7, 121.8, 30.0],
    center: [121.55, 29.87, 12],
  }).bytes;
}

const urlOf = (pattern: string, params: Record<string, string> = {}) =>
  pattern.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`scenario gives no value for :${name} in ${pattern}`);
    return encodeURIComponent(params[name]);
  });

describe('every write route leaves exactly one audit event', () => {
  it('the scenario table covers every POST/PUT/PATCH/DELETE route under /api, and only those', () => {
    const served = apiWriteRoutes(t.app);
    expect(served.length).toBeGreaterThan(0);
    // A route listed here is served but has no scenario: add one to SCENARIOS (or, for a POST that
    // only answers a question, to QUESTIONS).
    expect(served.filter((r) => !(r in SCENARIOS) && !(r in QUESTIONS))).toEqual([]);
    // A scenario listed here names a route that no longer exists: remove or rename it.
    expect(Object.keys(SCENARIOS).filter((r) => !served.includes(r))).toEqual([]);
  });

  for (const [route, ask] of Object.entries(QUESTIONS)) {
    it(`${route} answers a question and leaves no event`, async () => {
      const [method, pattern] = route.split(' ') as [Method, string];
      const countBefore = await eventCount();
      const res = await call(method, pattern, adminToken, ask.body, `audit-${next()}`);
      expect(res.statusCode, res.body).toBe(ask.status);
      expect(await eventCount()).toBe(countBefore);
    });
  }

  for (const [route, s] of Object.entries(SCENARIOS)) {
    it(`${route} → one "${s.action}" event with ${s.snapshot}`, async () => {
      const [method, pattern] = route.split(' ') as [Method, string];
      const p = await s.prepare();
      const requestId = `audit-${next()}`;
      const countBefore = await eventCount();
      const lastId = await maxEventId();

      const res = await call(method, urlOf(pattern, p.params), p.token, p.body, requestId, p.headers);
      expect(res.statusCode, res.body).toBe(p.status);

      const also = s.also ?? [];
      expect(await eventCount()).toBe(countBefore + 1 + also.length);
      const events = await eventsSince(lastId);
      expect(events.map((e) => e.action)).toEqual([...also, s.action]);
      const ev = events[also.length];
      expect(ev.action).toBe(s.action);
      expect(ev.entity_type).toBe(s.entityType);
      expect(ev.entity_id).toBe(await p.entityId(res));
      expect(ev.actor_type).toBe(p.actorType ?? 'user');
      if (p.actorId instanceof RegExp) expect(ev.actor_id).toMatch(p.actorId);
      else expect(ev.actor_id).toBe(p.actorId);
      expect(ev.actor_name).toBeTruthy();
      expect(ev.request_id).toBe(requestId);
      expect(ev.source_ip).toBe('127.0.0.1');
      expect(ev.after).toEqual(expect.any(Object));
      if (s.snapshot === 'after') expect(ev.before).toBeNull();
      else expect(ev.before).toEqual(expect.any(Object));
      p.check?.(ev, res);
    });
  }
});

// ---------------------------------------------------------------------------------------------

interface Refusal {
  name: string;
  status: number;
  code: string;
  /** Arranges (may write; not counted) and returns the refused call. */
  prepare(): Promise<{ method: Method; url: string; token: string | null; body?: unknown }>;
}

const REFUSALS: Refusal[] = [
  {
    name: 'a body of the wrong type (validation)',
    status: 400,
    code: 'VALIDATION_FAILED',
    prepare: async () => ({
      method: 'POST',
      url: '/api/users',
      token: adminToken,
      body: {
        username: `audit.bad${next()}`,
        displayName: 'x',
        orgId: cityOrgId,
        roles: 'admin',
        password: 'pass-word-1',
      },
    }),
  },
  {
    name: 'roles that do not fit the organisation (checked inside the transaction)',
    status: 400,
    code: 'VALIDATION_FAILED',
    prepare: async () => ({
      method: 'POST',
      url: '/api/users',
      token: adminToken,
      body: {
        username: `audit.misfit${next()}`,
        displayName: 'x',
        orgId: cityOrgId,
        roles: ['unit_handler'],
        password: 'pass-word-1',
      },
    }),
  },
  {
    name: 'a duplicate username',
    status: 409,
    code: 'DUPLICATE',
    prepare: async () => {
      const u = await newUser();
      return {
        method: 'POST',
        url: '/api/users',
        token: adminToken,
        body: {
          username: u.username,
          displayName: 'x',
          orgId: cityOrgId,
          roles: ['leader'],
          password: 'pass-word-1',
        },
      };
    },
  },
  {
    name: 'an organisation created by someone without org:manage (403)',
    status: 403,
    code: 'FORBIDDEN',
    prepare: async () => {
      const u = await newUser(['leader']);
      const token = await t.login(u.username, u.password);
      return {
        method: 'POST',
        url: '/api/orgs',
        token,
        body: { kind: 'unit', name: 'x', code: newUscc(), parentId: cityOrgId },
      };
    },
  },
  {
    name: 'an API key created by someone without apikey:manage (403)',
    status: 403,
    code: 'FORBIDDEN',
    prepare: async () => {
      const u = await newUser(['supervisor']);
      const token = await t.login(u.username, u.password);
      return {
        method: 'POST',
        url: '/api/api-keys',
        token,
        body: { name: 'x', orgId: cityOrgId, permissions: ['org:read'] },
      };
    },
  },
  {
    name: 'a user update on a stale version (409)',
    status: 409,
    code: 'CONFLICT',
    prepare: async () => {
      const u = await newUser();
      const first = await t
        .as(adminToken)
        .patch(`/api/users/${u.id}`, { version: u.version, displayName: 'first edit' });
      expect(first.statusCode, first.body).toBe(200);
      return {
        method: 'PATCH',
        url: `/api/users/${u.id}`,
        token: adminToken,
        body: { version: u.version, displayName: 'second edit on the old version', roles: ['inspector'] },
      };
    },
  },
  {
    name: 'an organisation update on a stale version (409)',
    status: 409,
    code: 'CONFLICT',
    prepare: async () => {
      const o = await newOrg();
      const first = await t.as(adminToken).patch(`/api/orgs/${o.id}`, { version: o.version, name: 'first' });
      expect(first.statusCode, first.body).toBe(200);
      return {
        method: 'PATCH',
        url: `/api/orgs/${o.id}`,
        token: adminToken,
        body: { version: o.version, name: 'second on the old version' },
      };
    },
  },
  {
    name: 'a user moved into an organisation that does not exist (after the row is locked)',
    status: 422,
    code: 'INVALID_REFERENCE',
    prepare: async () => {
      const u = await newUser();
      return {
        method: 'PATCH',
        url: `/api/users/${u.id}`,
        token: adminToken,
        body: { version: u.version, orgId: randomUUID(), displayName: 'moved' },
      };
    },
  },
  {
    name: 'an administrator disabling themselves',
    status: 422,
    code: 'UNPROCESSABLE',
    prepare: async () => {
      const me = (await t.as(adminToken).get('/api/me')).json();
      return {
        method: 'PATCH',
        url: `/api/users/${adminId}`,
        token: adminToken,
        body: { version: me.user.version, disabled: true },
      };
    },
  },
  {
    name: 'revoking an API key twice',
    status: 422,
    code: 'UNPROCESSABLE',
    prepare: async () => {
      const key = await newApiKey();
      expect((await t.as(adminToken).delete(`/api/api-keys/${key.id}`)).statusCode).toBe(204);
      return { method: 'DELETE', url: `/api/api-keys/${key.id}`, token: adminToken };
    },
  },
  {
    name: 'a password change with the wrong current password',
    status: 400,
    code: 'AUTH_WRONG_PASSWORD',
    prepare: async () => {
      const u = await newUser();
      const token = await t.login(u.username, u.password);
      return {
        method: 'POST',
        url: '/api/me/password',
        token,
        body: { currentPassword: 'not-the-password-1', newPassword: 'another-pass-2' },
      };
    },
  },
];

describe('a failed import writes no data and leaves exactly one event saying it failed', () => {
  it('two overlapping grids and a bad code: 200 failed, one import.fail event, no grid', async () => {
    const [{ n: gridsBefore }] = await q<{ n: number }>(sql`SELECT count(*)::int AS n FROM grid`);
    const p = await pointIn(t, '330203', 1);
    const community = p.gridId.slice(0, 12);
    const square = (x: number, y: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [x, y],
          [x + 0.001, y],
          [x + 0.001, y + 0.001],
          [x, y + 0.001],
          [x, y],
        ],
      ],
    });
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: `${community}901` }, geometry: square(p.lng, p.lat) },
        { type: 'Feature', properties: { id: `${community}902` }, geometry: square(p.lng + 0.0005, p.lat) },
        { type: 'Feature', properties: { id: '33020300100X903' }, geometry: square(p.lng + 0.003, p.lat) },
      ],
    };
    const requestId = `audit-${next()}`;
    const lastId = await maxEventId();
    const res = await call(
      'POST',
      '/api/imports/base64',
      adminToken,
      {
        kind: 'grids',
        fileName: 'bad-grids.geojson',
        contentBase64: Buffer.from(JSON.stringify(fc)).toString('base64'),
      },
      requestId,
    );
    expect(res.statusCode, res.body).toBe(200);
    const job = res.json();
    expect(job.status).toBe('failed');
    const events = await eventsSince(lastId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'import.fail',
      entity_type: 'import_job',
      entity_id: job.id,
      actor_id: adminId,
      request_id: requestId,
      before: null,
    });
    expect(events[0].after).toMatchObject({ kind: 'grids', status: 'failed', written: 0 });
    expect((events[0].after as { rules: string[] }).rules).toEqual(
      expect.arrayContaining(['overlap', 'bad-id']),
    );
    const [{ n: gridsAfter }] = await q<{ n: number }>(sql`SELECT count(*)::int AS n FROM grid`);
    expect(gridsAfter).toBe(gridsBefore);
  });
});

describe('a refused write leaves nothing behind', () => {
  for (const r of REFUSALS) {
    it(`${r.name}: ${r.status} ${r.code}, no event, no changed row`, async () => {
      const c = await r.prepare();
      const before = await fingerprint();
      const res = await call(c.method, c.url, c.token, c.body);
      expect(res.statusCode, res.body).toBe(r.status);
      expect(errorBodyOf(res).error.code).toBe(r.code);
      expect(await fingerprint()).toEqual(before);
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe(`the event table is append-only in the database (${usingPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  const attempts: [string, SQL][] = [
    ['UPDATE', sql`UPDATE event SET action = 'x'`],
    [
      'UPDATE of one row',
      sql`UPDATE event SET before = NULL, after = NULL WHERE id = (SELECT min(id) FROM event)`,
    ],
    ['DELETE', sql`DELETE FROM event`],
    ['DELETE of one row', sql`DELETE FROM event WHERE id = (SELECT max(id) FROM event)`],
    ['TRUNCATE', sql`TRUNCATE event`],
  ];

  it('runs on the driver the suite was asked for', () => {
    expect(t.database.driver).toBe(usingPostgres() ? 'postgres' : 'pglite');
  });

  for (const [name, statement] of attempts) {
    it(`${name} fails and the rows are unchanged`, async () => {
      // Make sure there is something to protect.
      await newUser();
      const before = await fingerprint();
      expect(await eventCount()).toBeGreaterThan(0);
      let failure: unknown;
      try {
        await t.database.query(statement);
      } catch (err) {
        failure = err;
      }
      expect(failure, `${name} on event should have failed`).toBeDefined();
      const cause = ((failure as { cause?: unknown }).cause ?? failure) as {
        code?: string;
        message?: string;
      };
      expect(cause.code).toBe('42501');
      expect(cause.message).toMatch(/append-only/);
      expect((await fingerprint()).event).toBe(before.event);
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe('secrets never enter the audit trail', () => {
  it('no event holds a password, a password hash, an API key secret, a session token or their hashes', async () => {
    const password = `Very-secret-${next()}-42`;
    const username = `audit.secret${next()}`;
    const created = await t
      .as(adminToken)
      .post('/api/users', { username, displayName: '保密', orgId: cityOrgId, roles: ['admin'], password });
    expect(created.statusCode).toBe(201);
    const token = await t.login(username, password);
    const changed = `Changed-secret-${next()}-43`;
    expect(
      (await t.as(token).post('/api/me/password', { currentPassword: password, newPassword: changed }))
        .statusCode,
    ).toBe(204);
    const reset = `Reset-secret-${next()}-44`;
    expect(
      (await t.as(adminToken).post(`/api/users/${created.json().id}/password`, { newPassword: reset }))
        .statusCode,
    ).toBe(204);
    const key = await newApiKey();
    // The key is used once, so its row is touched as well.
    expect((await t.as(key.secret).get('/api/orgs')).statusCode).toBe(200);

    const secrets = [
      password,
      changed,
      reset,
      token,
      key.secret,
      key.secret.split('_').slice(2).join('_'),
      sha256(token),
    ];
    for (const r of await q<{ h: string }>(sql`SELECT password_hash AS h FROM app_user`)) secrets.push(r.h);
    for (const r of await q<{ h: string }>(sql`SELECT secret_hash AS h FROM api_key`)) secrets.push(r.h);
    for (const r of await q<{ h: string }>(sql`SELECT token_hash AS h FROM session`)) secrets.push(r.h);
    // Every hash, not just the ones made here: the seeded accounts' too.
    for (const r of await q<{ h: string }>(sql`SELECT password_hash AS h FROM app_user`)) {
      secrets.push(r.h.split('$').at(-1) ?? r.h);
    }

    const rows = await q<{ b: string | null; a: string | null }>(
      sql`SELECT before::text AS b, after::text AS a FROM event`,
    );
    const trail = rows.map((r) => `${r.b ?? ''}\n${r.a ?? ''}`).join('\n');
    expect(trail.length).toBeGreaterThan(0);
    for (const s of secrets)
      expect(trail.includes(s), `a secret (${s.slice(0, 6)}…) is in the trail`).toBe(false);
    expect(trail).not.toMatch(/scrypt\$/);

    // And the audit API, which reads the same rows, shows none of them either.
    const api = await t.as(adminToken).get('/api/audit?pageSize=200');
    expect(api.statusCode).toBe(200);
    for (const s of secrets) expect(api.body.includes(s)).toBe(false);
  });
});

describe('snapshots that are not objects', () => {
  it('a list or a scalar recorded as before/after is kept under `value`, and the audit log shows it', async () => {
    const { recordEvent } = await import('../../server/platform/audit.ts');
    const { systemContext } = await import('../../server/platform/context.ts');
    const entityId = randomUUID();
    await recordEvent(t.database.db, systemContext('audit-test'), {
      action: 'setting.update',
      entityType: 'setting',
      entityId,
      districtCode: null,
      before: 3,
      after: [{ day: '2026-12-07', shift: 'early' }],
    });
    const res = await t.as(adminToken).get(`/api/audit?entityId=${entityId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items).toMatchObject([
      { before: { value: 3 }, after: { value: [{ day: '2026-12-07', shift: 'early' }] } },
    ]);
  });
});
