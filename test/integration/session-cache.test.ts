/**
 * The node's session cache (server/modules/identity/session-cache.ts) on one node: a session or
 * API key once resolved is served without reading the database, and every change to who may do
 * what — logout, disabling, roles, organisation, passwords, API key revocation, the organisation
 * itself, the caller's own preferences — is seen by the very next request. The same changes on
 * another node arrive through the event feed: test/integration/session-cache-nodes.test.ts.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sha256 } from '../../server/modules/identity/tokens.ts';
import { observeEvents } from '../../server/platform/audit.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { usingPostgres } from '../support/db.ts';

let t: TestApp;
let admin: string;
let orgs: Record<string, { id: string; version: number; name: string; parentId: string | null }>;
let seq = 0;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const list = (await t.as(admin).get('/api/orgs?pageSize=100')).json().items as {
    id: string;
    kind: string;
    name: string;
    version: number;
    districtCode: string | null;
    parentId: string | null;
  }[];
  const pick = (pred: (o: (typeof list)[number]) => boolean) => {
    const o = list.find(pred);
    if (!o) throw new Error('demo organisation missing');
    return o;
  };
  orgs = {
    haishu: pick((o) => o.kind === 'district_center' && o.districtCode === '330203'),
    jiangbei: pick((o) => o.kind === 'district_center' && o.districtCode === '330205'),
    unit: pick((o) => o.kind === 'unit' && o.name.includes('海曙区环境卫生')),
  };
});
afterAll(async () => t?.close());
afterEach(() => {
  vi.useRealTimers();
});

const PASSWORD = 'cache-pass-2026';

/** A fresh account of its own per test, so no test depends on another's changes. */
async function newUser(org: keyof typeof orgs = 'haishu', roles = ['dispatcher']) {
  const username = `cache.user${++seq}`;
  const res = await t.as(admin).post('/api/users', {
    username,
    displayName: `缓存测试${seq}`,
    orgId: orgs[org].id,
    roles,
    password: PASSWORD,
  });
  expect(res.statusCode).toBe(201);
  return { id: res.json().id as string, username, version: res.json().version as number };
}

async function login(username: string, password = PASSWORD): Promise<string> {
  const res = await t.as(null).post('/api/auth/login', { username, password });
  expect(res.statusCode).toBe(200);
  return res.json().token as string;
}

/** GET /api/me → status and error code (if any). */
async function me(token: string) {
  const res = await t.as(token).get('/api/me');
  return {
    status: res.statusCode,
    code: res.statusCode === 200 ? null : res.json().error.code,
    body: res.json(),
  };
}

describe('the session cache on one node', () => {
  it('serves a session it has seen without reading it: a change outside the event trail waits for the time to live', async () => {
    const u = await newUser();
    const token = await login(u.username);
    expect((await me(token)).status).toBe(200);
    const seen = async () =>
      (
        await t.database.query<{ last_seen_at: string }>(
          sql`SELECT last_seen_at::text FROM session WHERE token_hash = ${sha256(token)}`,
        )
      )[0].last_seen_at;
    const lastSeen = await seen();
    // Revoked behind the application's back: no event, so nothing tells the cache.
    await t.database.query(sql`UPDATE session SET revoked_at = now() WHERE token_hash = ${sha256(token)}`);
    for (let i = 0; i < 5; i++) expect((await me(token)).status).toBe(200);
    // Nor does a cached request write: last-seen is kept at most once a minute.
    expect(await seen()).toBe(lastSeen);
    // Once the time to live has passed the node reads the session again and refuses it.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + t.config.authCacheTtlSeconds * 1000 + 1 });
    expect(await me(token)).toMatchObject({ status: 401, code: 'AUTH_INVALID_TOKEN' });
  });

  it('keeps session expiry exact for a cached session', async () => {
    const u = await newUser();
    const token = await login(u.username);
    expect((await me(token)).status).toBe(200);
    const [{ ms }] = await t.database.query<{ ms: string }>(
      sql`SELECT (extract(epoch FROM expires_at) * 1000)::bigint::text AS ms FROM session WHERE token_hash = ${sha256(token)}`,
    );
    // The cache's time to live does not matter here: expiry is compared on every request.
    vi.useFakeTimers({ toFake: ['Date'], now: Number(ms) - 1 });
    expect((await me(token)).status).toBe(200);
    vi.setSystemTime(Number(ms));
    expect(await me(token)).toMatchObject({ status: 401, code: 'AUTH_TOKEN_EXPIRED' });
  });

  it('refuses a logged-out session at once', async () => {
    const u = await newUser();
    const token = await login(u.username);
    const other = await login(u.username);
    expect((await me(token)).status).toBe(200);
    expect((await me(other)).status).toBe(200);
    expect((await t.as(token).post('/api/auth/logout')).statusCode).toBe(204);
    expect(await me(token)).toMatchObject({ status: 401, code: 'AUTH_INVALID_TOKEN' });
    // Only that session: the user's other one goes on.
    expect((await me(other)).status).toBe(200);
  });

  it('refuses the sessions of a disabled user at once', async () => {
    const u = await newUser();
    const token = await login(u.username);
    expect((await me(token)).status).toBe(200);
    const res = await t.as(admin).patch(`/api/users/${u.id}`, { version: u.version, disabled: true });
    expect(res.statusCode).toBe(200);
    expect(await me(token)).toMatchObject({ status: 401 });
  });

  it('refuses the sessions of a user whose roles or organisation changed at once', async () => {
    const a = await newUser();
    const ta = await login(a.username);
    const b = await newUser();
    const tb = await login(b.username);
    expect((await me(ta)).status).toBe(200);
    expect((await me(tb)).status).toBe(200);
    expect(
      (await t.as(admin).patch(`/api/users/${a.id}`, { version: a.version, roles: ['acceptor'] })).statusCode,
    ).toBe(200);
    expect(await me(ta)).toMatchObject({ status: 401 });
    expect(
      (await t.as(admin).patch(`/api/users/${b.id}`, { version: b.version, orgId: orgs.jiangbei.id }))
        .statusCode,
    ).toBe(200);
    expect(await me(tb)).toMatchObject({ status: 401 });
    // Their new sessions carry the new rights and scope.
    expect((await me(await login(a.username))).body.permissions).toContain('case:report');
    expect((await me(await login(b.username))).body.scope).toEqual({
      kind: 'district',
      districtCode: '330205',
    });
  });

  it('refuses other sessions at once after a password change or an administrator reset', async () => {
    const u = await newUser();
    const own = await login(u.username);
    const other = await login(u.username);
    expect((await me(own)).status).toBe(200);
    expect((await me(other)).status).toBe(200);
    const changed = await t
      .as(own)
      .post('/api/me/password', { currentPassword: PASSWORD, newPassword: 'cache-pass-2027' });
    expect(changed.statusCode).toBe(204);
    expect(await me(other)).toMatchObject({ status: 401, code: 'AUTH_INVALID_TOKEN' });
    expect((await me(own)).status).toBe(200);
    const reset = await t.as(admin).post(`/api/users/${u.id}/password`, { newPassword: 'cache-pass-2028' });
    expect(reset.statusCode).toBe(204);
    expect(await me(own)).toMatchObject({ status: 401, code: 'AUTH_INVALID_TOKEN' });
  });

  it('refuses a revoked API key at once', async () => {
    const created = await t
      .as(admin)
      .post('/api/api-keys', { name: 'cache test', orgId: orgs.unit.id, permissions: ['org:read'] });
    expect(created.statusCode).toBe(201);
    const { secret, key } = created.json();
    expect((await t.as(secret).get('/api/orgs')).statusCode).toBe(200);
    expect((await t.as(secret).get('/api/orgs')).statusCode).toBe(200);
    expect((await t.as(admin).delete(`/api/api-keys/${key.id}`)).statusCode).toBe(204);
    const after = await t.as(secret).get('/api/orgs');
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('AUTH_INVALID_TOKEN');
  });

  it('shows a change to the organisation and to the own preferences in the very next profile', async () => {
    const u = await newUser('unit', ['unit_handler']);
    const token = await login(u.username);
    expect((await me(token)).body.org.name).toBe(orgs.unit.name);
    const org = (await t.as(admin).get(`/api/orgs/${orgs.unit.id}`)).json();
    const renamed = await t
      .as(admin)
      .patch(`/api/orgs/${org.id}`, { version: org.version, name: `${org.name}（缓存测试）` });
    expect(renamed.statusCode).toBe(200);
    const after = await me(token);
    expect(after.status).toBe(200);
    expect(after.body.org.name).toBe(`${org.name}（缓存测试）`);
    expect(after.body.org.version).toBe(org.version + 1);

    const prefs = await t.as(token).put('/api/me/preferences', { locale: 'en-US' });
    expect(prefs.statusCode).toBe(200);
    expect((await me(token)).body.user.locale).toBe('en-US');
  });

  it('does not keep a session read while its logout was committing', async () => {
    const u = await newUser();
    const token = await login(u.username);
    const [{ id }] = await t.database.query<{ id: string }>(
      sql`SELECT id FROM session WHERE token_hash = ${sha256(token)}`,
    );
    // Holds this logout's COMMIT for 300 ms (a deferred trigger runs at commit time), so a
    // request can read the session between the event being written and the revocation becoming
    // visible: on PostgreSQL it reads the old row. Only this session's logout is slowed.
    await t.database.query(
      sql.raw(`CREATE FUNCTION cache_test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN PERFORM pg_sleep(0.3); RETURN NULL; END $$`),
    );
    await t.database.query(
      sql.raw(`CREATE CONSTRAINT TRIGGER cache_test_slow_commit AFTER INSERT ON event
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        WHEN (NEW.action = 'auth.logout' AND NEW.entity_id = '${id}')
        EXECUTE FUNCTION cache_test_slow_commit()`),
    );
    let racing: Promise<Awaited<ReturnType<typeof me>>> | undefined;
    const unobserve = observeEvents((_ctx, input) => {
      if (input.action === 'auth.logout' && input.entityId === id) racing = me(token);
    });
    try {
      expect((await t.as(token).post('/api/auth/logout')).statusCode).toBe(204);
      const raced = await racing!;
      // PostgreSQL: the racing read saw the session before the commit. PGlite runs one statement
      // at a time, so there it waited for the commit and was refused.
      expect(raced.status).toBe(usingPostgres() ? 200 : 401);
      expect(await me(token)).toMatchObject({ status: 401, code: 'AUTH_INVALID_TOKEN' });
    } finally {
      unobserve();
      await t.database.query(sql.raw('DROP TRIGGER cache_test_slow_commit ON event'));
      await t.database.query(sql.raw('DROP FUNCTION cache_test_slow_commit()'));
    }
  });
});
