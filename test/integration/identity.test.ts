import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ loginMaxFailures: 5, loginLockMinutes: 15 });
});
afterAll(async () => t?.close());

describe('login, sessions and the caller profile', () => {
  it('logs in with the demo password and returns the profile with permissions and menu', async () => {
    const res = await t
      .as(null)
      .post('/api/auth/login', { username: 'haishu.dispatcher', password: DEMO_PASSWORD });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(body.user.user.username).toBe('haishu.dispatcher');
    expect(body.user.scope).toEqual({ kind: 'district', districtCode: '330203' });
    expect(body.user.menu).toEqual([
      'dashboard',
      'cases',
      'evaluation',
      'warnings',
      'decision',
      'screen',
      'map',
      'sensors',
      'gpsLive',
      'gpsReplay',
      'gpsTerminals',
      'gpsAlarms',
      'teams',
      'components',
      'catalog',
      'routing',
      'orgs',
    ]);
    expect(JSON.stringify(body)).not.toContain('passwordHash');
    expect(res.headers['set-cookie']).toMatch(/cityops_session=.*HttpOnly/i);
  });

  it('accepts the session cookie as well as the bearer token', async () => {
    const login = await t.as(null).post('/api/auth/login', { username: 'admin', password: DEMO_PASSWORD });
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().menu).toEqual([
      'dashboard',
      'cases',
      'hotline',
      'callbacks',
      'evaluation',
      'warnings',
      'decision',
      'screen',
      'intake',
      'opinion',
      'map',
      'sensors',
      'gpsLive',
      'gpsReplay',
      'gpsTerminals',
      'gpsAlarms',
      'gpsGeofences',
      'teams',
      'components',
      'catalog',
      'routing',
      'calendar',
      'imports',
      'users',
      'orgs',
      'apiKeys',
      'endpoints',
      'basemap',
      'knowledge',
      'opinionFeeds',
      'audit',
    ]);
  });

  it('answers 401 with a stable code for a missing, malformed, unknown or expired token', async () => {
    expect((await t.as(null).get('/api/me')).json().error.code).toBe('AUTH_REQUIRED');
    const malformed = await t.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: 'Basic abc' },
    });
    expect(malformed.statusCode).toBe(401);
    expect(malformed.json().error.code).toBe('AUTH_INVALID_TOKEN');
    const unknown = await t.as('no-such-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa').get('/api/me');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('AUTH_INVALID_TOKEN');

    const token = (
      await t.as(null).post('/api/auth/login', { username: 'jiangbei.acceptor', password: DEMO_PASSWORD })
    ).json().token;
    await t.database.query(
      sql`UPDATE session SET expires_at = now() - interval '1 minute' WHERE user_id = (SELECT id FROM app_user WHERE username = 'jiangbei.acceptor')`,
    );
    const expired = await t.as(token).get('/api/me');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('AUTH_TOKEN_EXPIRED');
  });

  it('gives messages in Chinese by default and in English on request', async () => {
    const zh = await t.as(null).get('/api/me');
    expect(zh.json().error.message).toBe('请先登录');
    const en = await t.as(null).get('/api/me', { 'accept-language': 'en-US,en;q=0.9' });
    expect(en.json().error.message).toBe('Authentication required');
  });

  it('logout revokes the token', async () => {
    const token = (
      await t.as(null).post('/api/auth/login', { username: 'beilun.inspector', password: DEMO_PASSWORD })
    ).json().token;
    expect((await t.as(token).get('/api/me')).statusCode).toBe(200);
    expect((await t.as(token).post('/api/auth/logout')).statusCode).toBe(204);
    const after = await t.as(token).get('/api/me');
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('AUTH_INVALID_TOKEN');
  });

  it('holds the address back after five wrong passwords, even against the right one, with the same answer, until the hold ends', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await t
        .as(null)
        .post('/api/auth/login', { username: 'zhenhai.acceptor', password: `wrong-${i}` });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    }
    const fifth = await t
      .as(null)
      .post('/api/auth/login', { username: 'zhenhai.acceptor', password: 'wrong-5' });
    expect(fifth.statusCode).toBe(401);
    // Held back: the right password gets the answer a wrong one gets (no 423 telling the account exists).
    const held = await t
      .as(null)
      .post('/api/auth/login', { username: 'zhenhai.acceptor', password: DEMO_PASSWORD });
    expect(held.statusCode).toBe(401);
    expect(held.body).toBe(fifth.body);
    const [row] = await t.database.query<{ minutes: number }>(
      sql`SELECT extract(epoch FROM held_until - now()) / 60 AS minutes FROM login_throttle WHERE username = 'zhenhai.acceptor'`,
    );
    expect(Number(row.minutes)).toBeGreaterThan(14);
    expect(Number(row.minutes)).toBeLessThanOrEqual(15);
    // Time passes: the hold lapses and the right password works again.
    await t.database.query(
      sql`UPDATE login_throttle SET held_until = now() - interval '1 second' WHERE username = 'zhenhai.acceptor'`,
    );
    const ok = await t
      .as(null)
      .post('/api/auth/login', { username: 'zhenhai.acceptor', password: DEMO_PASSWORD });
    expect(ok.statusCode).toBe(200);
  });

  it('a wrong password for an unknown user looks the same as for a known one', async () => {
    const r = await t.as(null).post('/api/auth/login', { username: 'nobody.here', password: 'whatever1' });
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('changes the own password, ending other sessions, and rejects a weak one', async () => {
    const admin = await t.login('admin');
    const created = await t.as(admin).post('/api/users', {
      username: 'pw.changer',
      displayName: '改密测试',
      orgId: (await t.as(admin).get('/api/me')).json().org.id,
      roles: ['leader'],
      password: 'first-pass-1',
    });
    expect(created.statusCode).toBe(201);
    const s1 = await t.login('pw.changer', 'first-pass-1');
    const s2 = (
      await t.as(null).post('/api/auth/login', { username: 'pw.changer', password: 'first-pass-1' })
    ).json().token;
    const weak = await t
      .as(s1)
      .post('/api/me/password', { currentPassword: 'first-pass-1', newPassword: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('PASSWORD_TOO_WEAK');
    const wrong = await t
      .as(s1)
      .post('/api/me/password', { currentPassword: 'nope-nope-1', newPassword: 'second-pass-2' });
    expect(wrong.json().error.code).toBe('AUTH_WRONG_PASSWORD');
    expect(
      (
        await t
          .as(s1)
          .post('/api/me/password', { currentPassword: 'first-pass-1', newPassword: 'second-pass-2' })
      ).statusCode,
    ).toBe(204);
    expect((await t.as(s1).get('/api/me')).statusCode).toBe(200);
    expect((await t.as(s2).get('/api/me')).statusCode).toBe(401);
    expect(
      (await t.as(null).post('/api/auth/login', { username: 'pw.changer', password: 'second-pass-2' }))
        .statusCode,
    ).toBe(200);
  });

  it('remembers the language per user', async () => {
    const token = await t.login('yinzhou.shift_leader');
    const r = await t.as(token).put('/api/me/preferences', { locale: 'en-US' });
    expect(r.statusCode).toBe(200);
    expect((await t.as(token).get('/api/me')).json().user.locale).toBe('en-US');
  });

  it('API keys authenticate machines with the permissions they were given, and stop working when revoked', async () => {
    const admin = await t.login('admin');
    const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=50')).json().items;
    const unit = orgs.find((o: { name: string }) => o.name.includes('海曙区环境卫生'));
    const created = await t
      .as(admin)
      .post('/api/api-keys', { name: 'sanitation system', orgId: unit.id, permissions: ['org:read'] });
    expect(created.statusCode).toBe(201);
    const { secret, key } = created.json();
    expect(secret).toMatch(/^cok_[0-9a-f]{12}_/);
    const list = await t.as(admin).get('/api/api-keys');
    expect(JSON.stringify(list.json())).not.toContain(secret.slice('cok_'.length + 13));
    const orgsByKey = await t.as(secret).get('/api/orgs?pageSize=100');
    expect(orgsByKey.statusCode).toBe(200);
    // A unit's key sees itself and the centres above it, not other units.
    const names = orgsByKey.json().items.map((o: { name: string }) => o.name);
    expect(names).toContain('海曙区环境卫生管理处');
    expect(names).not.toContain('江北区环境卫生管理处');
    expect((await t.as(secret).get('/api/users')).statusCode).toBe(403);
    expect((await t.as(admin).delete(`/api/api-keys/${key.id}`)).statusCode).toBe(204);
    expect((await t.as(secret).get('/api/orgs')).statusCode).toBe(401);
  });

  it('an admin cannot hand an API key more than they hold', async () => {
    const t2 = await t.login('admin');
    const me = (await t.as(t2).get('/api/me')).json();
    const r = await t
      .as(t2)
      .post('/api/api-keys', { name: 'x', orgId: me.org.id, permissions: ['case:everything'] });
    expect(r.statusCode).toBe(400);
  });

  it('never writes a password or a token into the logs', async () => {
    const login = await t
      .as(null)
      .post('/api/auth/login', { username: 'fenghua.dispatcher', password: DEMO_PASSWORD });
    const token = login.json().token as string;
    await t.as(token).get('/api/me');
    await t
      .as(null)
      .post('/api/auth/login', { username: 'fenghua.dispatcher', password: 'wrong-password-1' });
    const all = t.logLines.join('\n');
    expect(t.logLines.length).toBeGreaterThan(3);
    expect(all).not.toContain(DEMO_PASSWORD);
    expect(all).not.toContain('wrong-password-1');
    expect(all).not.toContain(token);
    expect(all).not.toContain('first-pass-1');
  });
});
