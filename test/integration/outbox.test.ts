/**
 * Out to units' own systems: dispatched cases reach a unit's endpoint through the outbox, signed,
 * retried with backoff until a 2xx, dead after the limit, replayable by an admin; the receiver
 * (a real HTTP server on 127.0.0.1) processes each delivery exactly once by its delivery id.
 *
 * The receivers live on loopback, which outbound calls never reach by default: this file runs as
 * an operator with a receiver on a private network would, with OUTBOUND_ALLOW=127.0.0.1/32 and
 * the city setting outbound.allowHttp on. What a receiver answers (its text, a redirect) never
 * comes back to the admin reading deliveries. test/integration/outbound-ssrf.test.ts covers the
 * default, where internal addresses are refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../../server/modules/outbox/signature.ts';
import { OutboxWorker } from '../../server/modules/outbox/worker.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { dispatchCase } from '../support/cases.ts';

async function unitIds(t: TestApp): Promise<Record<string, string>> {
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items;
  return Object.fromEntries(orgs.map((o: { id: string; name: string }) => [o.name, o.id]));
}

let t: TestApp;
let admin: string;
let units: Record<string, string>;
const receivers: Server[] = [];

/** A unit's system: fails the first `failFirst` requests, checks signatures, dedupes by delivery id. */
async function receiver(opts: { failFirst?: number; loseAckOf?: number; alwaysFail?: boolean } = {}) {
  const state = {
    secret: '',
    requests: 0,
    badSignatures: 0,
    seen: [] as string[],
    processed: new Map<string, { action: string; caseId: string; times: number }>(),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      const raw = Buffer.concat(chunks);
      const id = String(req.headers['x-cityops-delivery']);
      state.seen.push(id);
      const ok = verify(
        state.secret,
        req.headers['x-cityops-timestamp'] as string,
        req.headers['x-cityops-signature'] as string,
        raw,
      );
      if (!ok.ok) {
        state.badSignatures++;
        res.writeHead(401).end(ok.reason);
        return;
      }
      if (opts.alwaysFail || state.requests <= (opts.failFirst ?? 0)) {
        res.writeHead(opts.alwaysFail ? 503 : 500).end('not now');
        return;
      }
      const body = JSON.parse(raw.toString('utf8'));
      if (body.deliveryId !== id) state.badSignatures++;
      const done = state.processed.get(id);
      if (done)
        done.times++; // already processed: acknowledge again, do nothing
      else state.processed.set(id, { action: body.action, caseId: body.case.id, times: 1 });
      // The answer to this one request is lost on the way back: CityOps will send it again.
      if (state.requests === opts.loseAckOf) res.destroy();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receivers.push(server);
  return { state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cityops/cases` };
}

const worker = (maxAttempts = 8, timeoutMs = 5_000) =>
  new OutboxWorker(t.database, t.app.outbound, {
    baseDelayMs: 5,
    maxDelayMs: 50,
    jitter: 0,
    timeoutMs,
    maxAttempts,
  });

async function setEndpoint(orgId: string, url: string, extra: Record<string, unknown> = {}) {
  const res = await t.as(admin).put(`/api/endpoints/${orgId}`, { url, enabled: true, ...extra });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function deliveriesOf(orgId: string) {
  return t.database.query<{
    id: string;
    case_id: string;
    status: string;
    attempts: number;
    last_error: string | null;
  }>(
    sql`SELECT id, case_id, status, attempts, last_error FROM delivery WHERE org_id = ${orgId} ORDER BY created_at`,
  );
}

beforeAll(async () => {
  t = await createTestApp({ outboundAllow: loadConfig({ OUTBOUND_ALLOW: '127.0.0.1/32' }).outboundAllow });
  admin = await t.login('admin');
  units = await unitIds(t);
  const allowHttp = (await t.as(admin).get('/api/settings/outbound.allowHttp')).json();
  const set = await t
    .as(admin)
    .put('/api/settings/outbound.allowHttp', { value: true, version: allowHttp.version });
  expect(set.statusCode, set.body).toBe(200);
});
afterAll(async () => {
  for (const s of receivers) s.close();
  await t?.close();
});

describe('unit endpoints', () => {
  it('sets an endpoint with a secret shown once, rotates it on request, validates the URL', async () => {
    const unit = units.海曙区园林绿化管理中心;
    const first = await setEndpoint(unit, 'https://greening.example.cn/hook');
    expect(first.secret).toMatch(/^whsec_/);
    expect(first.endpoint).toMatchObject({
      url: 'https://greening.example.cn/hook',
      enabled: true,
      version: 1,
    });
    const again = await setEndpoint(unit, 'https://greening.example.cn/hook2', { enabled: false });
    expect(again.secret).toBeUndefined();
    expect(again.endpoint).toMatchObject({ enabled: false, version: 2 });
    const rotated = await setEndpoint(unit, 'https://greening.example.cn/hook2', {
      enabled: false,
      rotateSecret: true,
      version: 2,
    });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(first.secret);
    const stale = await t
      .as(admin)
      .put(`/api/endpoints/${unit}`, { url: 'https://x.cn/', enabled: true, version: 1 });
    expect(stale.statusCode).toBe(409);
    for (const url of ['ftp://greening.example.cn/', 'not a url', 'https://user:pw@example.cn/']) {
      const bad = await t.as(admin).put(`/api/endpoints/${unit}`, { url, enabled: true });
      expect(bad.statusCode, url).toBe(400);
      expect(bad.json().error.details[0].field).toBe('body.url');
    }
    const list = (await t.as(admin).get('/api/endpoints?pageSize=100')).json();
    const row = list.items.find((i: { orgId: string }) => i.orgId === unit);
    expect(row.endpoint.url).toBe('https://greening.example.cn/hook2');
    expect(JSON.stringify(list)).not.toContain(rotated.secret);
    // No secret in the audit trail either.
    const [{ n }] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM event WHERE after::text LIKE ${`%${rotated.secret}%`}`,
    );
    expect(n).toBe(0);
  });

  it("keeps a district admin to its own district's units and others out", async () => {
    const jiangbei = (await t.as(admin).get('/api/orgs?kind=district_center&q=江北')).json().items[0];
    const u = await t.as(admin).post('/api/users', {
      username: 'jiangbei.admin',
      displayName: '江北区管理员',
      orgId: jiangbei.id,
      roles: ['admin'],
      password: 'district-admin-1',
    });
    expect(u.statusCode, u.body).toBe(201);
    const token = await t.login('jiangbei.admin', 'district-admin-1');
    const list = (await t.as(token).get('/api/endpoints?pageSize=100')).json();
    expect(list.items.map((i: { districtCode: string }) => i.districtCode)).toEqual(['330205']);
    const other = await t.as(token).put(`/api/endpoints/${units.海曙区环境卫生管理处}`, {
      url: 'https://x.cn/',
      enabled: true,
    });
    expect(other.statusCode).toBe(404);
    expect(
      (await t.as(token).get(`/api/endpoints/${units.海曙区环境卫生管理处}/deliveries`)).statusCode,
    ).toBe(404);
    const dispatcher = await t.login('haishu.dispatcher');
    expect((await t.as(dispatcher).get('/api/endpoints')).statusCode).toBe(403);
  });
});

describe('deliveries', () => {
  it('delivers each dispatched case exactly once to a receiver that fails, then recovers', async () => {
    const unit = units.海曙区环境卫生管理处;
    // Four 500s, then request 5 is processed but its answer is lost: the receiver must dedupe.
    const rx = await receiver({ failFirst: 4, loseAckOf: 5 });
    rx.state.secret = (await setEndpoint(unit, rx.url)).secret;
    const caseIds = [];
    for (let i = 0; i < 3; i++) caseIds.push(await dispatchCase(t, units.海曙区环境卫生管理处, 20 + i));
    const rows = await deliveriesOf(unit);
    expect(rows.map((r) => r.case_id).sort()).toEqual([...caseIds].sort());
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);

    const result = await worker().drain();
    expect(result.delivered).toBe(3);
    const after = await deliveriesOf(unit);
    expect(after.every((r) => r.status === 'delivered')).toBe(true);
    // 3 deliveries + 4 refused + 1 lost answer = 8 requests, counted as attempts.
    expect(rx.state.requests).toBe(8);
    expect(after.reduce((n, r) => n + r.attempts, 0)).toBe(8);
    expect(rx.state.badSignatures).toBe(0);
    expect([...rx.state.processed.keys()].sort()).toEqual(after.map((r) => r.id).sort());
    for (const [id, p] of rx.state.processed) {
      expect(p.action).toBe('case.dispatch');
      expect(caseIds).toContain(p.caseId);
      expect(rx.state.seen.filter((s) => s === id).length).toBeGreaterThanOrEqual(p.times);
    }
    // Exactly once by delivery id, although one id arrived twice.
    expect(rx.state.seen.length - new Set(rx.state.seen).size).toBeGreaterThan(0);
    expect([...rx.state.processed.values()].map((p) => p.caseId).sort()).toEqual([...caseIds].sort());
    const t0 = Date.now();
    expect((await worker().drain()).claimed).toBe(0);
    expect(Date.now() - t0, 'an idle drain returns at once').toBeLessThan(2_000);
  });

  it('creates no delivery for a unit without an endpoint, or with a disabled one', async () => {
    await dispatchCase(t, units.宁波市市政设施中心, 27);
    expect(await deliveriesOf(units.宁波市市政设施中心)).toEqual([]);
    await dispatchCase(t, units.海曙区园林绿化管理中心, 28); // disabled in the first test
    expect(await deliveriesOf(units.海曙区园林绿化管理中心)).toEqual([]);
  });

  it('dead-letters after the limit; an admin replays it and it is delivered', async () => {
    const unit = units.海曙区环境卫生管理处;
    const down = await receiver({ alwaysFail: true });
    down.state.secret = (await setEndpoint(unit, down.url, { rotateSecret: true })).secret;
    const caseId = await dispatchCase(t, units.海曙区环境卫生管理处, 24);
    const result = await worker(3).drain();
    expect(result).toMatchObject({ failed: 3, dead: 1, delivered: 0 });
    const dead = (await deliveriesOf(unit)).find((r) => r.case_id === caseId)!;
    expect(dead).toMatchObject({ status: 'dead', attempts: 3 });
    // The status and a class: not the receiver's text ("not now").
    expect(dead.last_error).toBe('HTTP 503 (http_error)');
    const listed = (await t.as(admin).get(`/api/endpoints/${unit}/deliveries?status=dead`)).json();
    expect(listed.items.map((d: { id: string }) => d.id)).toEqual([dead.id]);
    const [{ n }] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM event WHERE action = 'delivery.dead' AND entity_id = ${dead.id}`,
    );
    expect(n).toBe(1);

    const up = await receiver();
    up.state.secret = down.state.secret;
    await setEndpoint(unit, up.url);
    const replay = await t.as(admin).post(`/api/deliveries/${dead.id}/replay`);
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.json()).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    expect((await t.as(admin).post(`/api/deliveries/${dead.id}/replay`)).statusCode).toBe(422);
    const jiangbei = await t.login('jiangbei.admin', 'district-admin-1');
    expect((await t.as(jiangbei).post(`/api/deliveries/${dead.id}/replay`)).statusCode).toBe(404);
    expect((await worker(3).drain()).delivered).toBe(1);
    expect((await deliveriesOf(unit)).find((r) => r.id === dead.id)).toMatchObject({
      status: 'delivered',
      attempts: 1,
    });
    expect([...up.state.processed.keys()]).toEqual([dead.id]);
  });
});

describe('what a receiver answers', () => {
  const SECRET = 'INTERNAL-ONLY aws_secret_access_key=wJalrXUtnFEMI/K7MDENG';

  /** A receiver that answers by path: its text, a redirect, or nothing at all. */
  async function scriptedReceiver() {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      req.resume();
      // '/silent' never answers.
      if (req.url === '/silent') return;
      const m = /^\/redirect-(\d{3})$/.exec(req.url ?? '');
      if (req.url === '/fail') res.writeHead(500, { 'x-debug': SECRET }).end(`upstream said: ${SECRET}`);
      else if (m) res.writeHead(Number(m[1]), { location: '/stolen' }).end(SECRET);
      else res.writeHead(200).end(SECRET);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receivers.push(server);
    return { hits, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  it('keeps the status and a class of error, never the text; follows no redirect', async () => {
    const unit = units.宁波市水务环境集团有限公司;
    const rx = await scriptedReceiver();
    await setEndpoint(unit, `${rx.base}/fail`);
    const caseId = await dispatchCase(t, unit, 30);
    expect(await worker(1).drain()).toMatchObject({ dead: 1 });
    const [d] = await deliveriesOf(unit);
    expect(d).toMatchObject({ case_id: caseId, status: 'dead', last_error: 'HTTP 500 (http_error)' });

    for (const status of [301, 302, 303, 307, 308]) {
      await setEndpoint(unit, `${rx.base}/redirect-${status}`);
      expect((await t.as(admin).post(`/api/deliveries/${d.id}/replay`)).statusCode).toBe(200);
      expect(await worker(1).drain()).toMatchObject({ dead: 1 });
      expect((await deliveriesOf(unit))[0].last_error).toBe(`HTTP ${status} (redirect_not_followed)`);
    }
    expect(rx.hits).not.toContain('/stolen');

    // Nothing the receiver wrote reaches the admin: not the list, not the audit trail.
    const listed = await t.as(admin).get(`/api/endpoints/${unit}/deliveries`);
    expect(listed.json().items[0]).toMatchObject({ id: d.id, status: 'dead' });
    expect(listed.body).not.toContain('INTERNAL-ONLY');
    const [{ n }] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM event WHERE after::text LIKE '%INTERNAL-ONLY%'`,
    );
    expect(n).toBe(0);
  });

  it('gives up on a receiver that does not answer within the deadline', async () => {
    const unit = units.国网浙江省电力有限公司宁波供电公司;
    const rx = await scriptedReceiver();
    await setEndpoint(unit, `${rx.base}/silent`);
    await dispatchCase(t, unit, 31);
    const started = Date.now();
    expect(await worker(1, 300).drain()).toMatchObject({ dead: 1 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await deliveriesOf(unit))[0]).toMatchObject({ status: 'dead', last_error: 'timeout' });
    expect(rx.hits).toEqual(['/silent']);
  });
});
