/**
 * The grant rule end to end (issue 7, finding 3): nobody — person or API key — grants a role, a
 * permission or a scope they do not hold, and nobody changes, disables, revokes or resets the
 * password of an account that holds more than they do. The escalations found by the attacker are
 * replayed as they were made; each must be refused and leave nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../support/app.ts';

let t: TestApp;
let admin: string;
let districtAdmin: string;
const org: Record<string, string> = {};
const user: Record<string, { id: string; version: number }> = {};

async function key(by: string, orgKey: string, permissions: string[]) {
  const r = await t
    .as(by)
    .post('/api/api-keys', { name: `k-${permissions.join('+')}`, orgId: org[orgKey], permissions });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { secret: string; key: { id: string } };
}
const fresh = async (username: string) => {
  const r = await t.as(admin).get(`/api/users/${user[username].id}`);
  return r.json() as { id: string; version: number; roles: string[]; disabled: boolean; displayName: string };
};
const exists = async (username: string) =>
  (await t.as(admin).get(`/api/users?q=${username}`))
    .json()
    .items.some((u: { username: string }) => u.username === username);
const canLogIn = async (username: string, password: string) =>
  (await t.as(null).post('/api/auth/login', { username, password })).statusCode === 200;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=100')).json().items as {
    id: string;
    name: string;
    kind: string;
    districtCode: string | null;
  }[];
  org.city = orgs.find((o) => o.kind === 'city_center')!.id;
  org.cityUnit = orgs.find((o) => o.kind === 'unit' && o.districtCode === null)!.id;
  org.haishu = orgs.find((o) => o.name === '海曙区智慧城管中心')!.id;
  org.hsSanitation = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
  const created = await t.as(admin).post('/api/users', {
    username: 'hs.admin',
    displayName: '海曙管理员',
    orgId: org.haishu,
    roles: ['admin'],
    password: 'district-pass-1',
  });
  expect(created.statusCode, created.body).toBe(201);
  districtAdmin = await t.login('hs.admin', 'district-pass-1');
  const users = (await t.as(admin).get('/api/users?pageSize=200')).json().items as {
    id: string;
    username: string;
    version: number;
  }[];
  for (const u of users) user[u.username] = u;
});
afterAll(async () => t?.close());

describe('an API key holding only user:read, user:manage (the issue: it made an admin and took over its maker)', () => {
  it('cannot create an admin, nor any account with a role', async () => {
    const { secret } = await key(admin, 'city', ['user:read', 'user:manage']);
    for (const roles of [['admin'], ['leader'], ['inspector']]) {
      const username = `key.made.${roles[0]}`;
      const r = await t.as(secret).post('/api/users', {
        username,
        displayName: '钥匙造的',
        orgId: org.city,
        roles,
        password: 'escalate-pass-1',
      });
      expect(r.statusCode, r.body).toBe(403);
      expect(r.json().error.code).toBe('GRANT_EXCEEDS_OWN');
      expect(r.json().error.details[0]).toMatchObject({ field: 'body.roles', roles });
      expect(await exists(username)).toBe(false);
    }
    // Reading stays what the key was given.
    expect((await t.as(secret).get('/api/users')).statusCode).toBe(200);
  });

  it('cannot reset the password of the admin who made it, disable it, or change it; the admin keeps its session', async () => {
    const { secret } = await key(admin, 'city', ['user:read', 'user:manage']);
    const adminId = user.admin.id;
    const reset = await t.as(secret).post(`/api/users/${adminId}/password`, { newPassword: 'taken-over-1' });
    expect(reset.statusCode, reset.body).toBe(403);
    expect(reset.json().error.code).toBe('ACCOUNT_EXCEEDS_OWN');
    const before = await fresh('admin');
    for (const change of [{ disabled: true }, { roles: ['leader'] }, { displayName: '被改名' }]) {
      const r = await t.as(secret).patch(`/api/users/${adminId}`, { version: before.version, ...change });
      expect(r.statusCode, r.body).toBe(403);
      expect(r.json().error.code).toBe('ACCOUNT_EXCEEDS_OWN');
    }
    const after = await fresh('admin');
    expect(after).toMatchObject({
      version: before.version,
      disabled: false,
      roles: ['admin'],
      displayName: before.displayName,
    });
    expect((await t.as(admin).get('/api/me')).statusCode).toBe(200);
    expect(await canLogIn('admin', 'taken-over-1')).toBe(false);
    expect(await canLogIn('admin', DEMO_PASSWORD)).toBe(true);
  });

  it('cannot touch an ordinary inspector either: the inspector holds a role the key does not', async () => {
    const { secret } = await key(admin, 'city', ['user:read', 'user:manage']);
    const target = await fresh('haishu.inspector');
    const r = await t.as(secret).post(`/api/users/${target.id}/password`, { newPassword: 'taken-over-2' });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('ACCOUNT_EXCEEDS_OWN');
  });
});

describe("a district admin's key (the same escalation one level down)", () => {
  it('cannot create an admin in the district nor reset the district admin who made it', async () => {
    const { secret } = await key(districtAdmin, 'haishu', ['user:read', 'user:manage']);
    const made = await t.as(secret).post('/api/users', {
      username: 'hs.key.admin',
      displayName: '钥匙造的管理员',
      orgId: org.haishu,
      roles: ['admin'],
      password: 'escalate-pass-1',
    });
    expect(made.statusCode, made.body).toBe(403);
    expect(made.json().error.code).toBe('GRANT_EXCEEDS_OWN');
    expect(await exists('hs.key.admin')).toBe(false);
    const reset = await t
      .as(secret)
      .post(`/api/users/${user['hs.admin'].id}/password`, { newPassword: 'taken-over-3' });
    expect(reset.statusCode, reset.body).toBe(403);
    expect(reset.json().error.code).toBe('ACCOUNT_EXCEEDS_OWN');
    expect((await t.as(districtAdmin).get('/api/me')).statusCode).toBe(200);
    expect(await canLogIn('hs.admin', 'district-pass-1')).toBe(true);
  });
});

describe('keys that make keys', () => {
  it('hand out only a subset of their own permissions, and revoke no key that holds more', async () => {
    const maker = await key(districtAdmin, 'haishu', ['apikey:manage', 'org:read', 'geo:read']);
    const wider = await t
      .as(maker.secret)
      .post('/api/api-keys', { name: 'wider', orgId: org.haishu, permissions: ['org:read', 'user:manage'] });
    expect(wider.statusCode, wider.body).toBe(403);
    expect(wider.json().error).toMatchObject({
      code: 'GRANT_EXCEEDS_OWN',
      details: [{ field: 'body.permissions', permissions: ['user:manage'] }],
    });
    const narrower = await t
      .as(maker.secret)
      .post('/api/api-keys', { name: 'narrower', orgId: org.hsSanitation, permissions: ['org:read'] });
    expect(narrower.statusCode, narrower.body).toBe(201);
    // The district admin's metrics key holds what the maker lacks: the maker may not revoke it.
    const metrics = await key(districtAdmin, 'haishu', ['metrics:read']);
    const revoke = await t.as(maker.secret).delete(`/api/api-keys/${metrics.key.id}`);
    expect(revoke.statusCode, revoke.body).toBe(403);
    expect(revoke.json().error.code).toBe('ACCOUNT_EXCEEDS_OWN');
    expect((await t.as(maker.secret).delete(`/api/api-keys/${narrower.json().key.id}`)).statusCode).toBe(204);
  });
});

describe('a district admin stays inside its district', () => {
  it('cannot create city-level accounts or keys, nor move its people to the city', async () => {
    for (const orgId of [org.city, org.cityUnit]) {
      const r = await t.as(districtAdmin).post('/api/users', {
        username: 'hs.to.city',
        displayName: '越级',
        orgId,
        roles: orgId === org.city ? ['inspector'] : ['unit_handler'],
        password: 'escalate-pass-1',
      });
      expect(r.statusCode, r.body).toBe(422);
      const k = await t
        .as(districtAdmin)
        .post('/api/api-keys', { name: 'city key', orgId, permissions: ['org:read'] });
      expect(k.statusCode, k.body).toBe(422);
    }
    expect(await exists('hs.to.city')).toBe(false);
    const inspector = await fresh('haishu.inspector');
    const moved = await t
      .as(districtAdmin)
      .patch(`/api/users/${inspector.id}`, { version: inspector.version, orgId: org.city });
    expect(moved.statusCode, moved.body).toBe(422);
    // The city admin is not even visible to it.
    const reset = await t
      .as(districtAdmin)
      .post(`/api/users/${user.admin.id}/password`, { newPassword: 'taken-over-4' });
    expect(reset.statusCode).toBe(404);
  });

  it('still runs its own district: creates an admin of one of its units and resets its own inspector', async () => {
    const r = await t.as(districtAdmin).post('/api/users', {
      username: 'hs.unit.admin',
      displayName: '单位管理员',
      orgId: org.hsSanitation,
      roles: ['admin'],
      password: 'unit-pass-1',
    });
    expect(r.statusCode, r.body).toBe(201);
    const reset = await t
      .as(districtAdmin)
      .post(`/api/users/${user['haishu.inspector'].id}/password`, { newPassword: 'inspector-pass-2' });
    expect(reset.statusCode, reset.body).toBe(204);
  });
});

describe('every route that creates or changes an account, a role, a key or a permission is covered here', () => {
  it('the API has exactly these, each exercised above against the grant rule', async () => {
    const COVERED = [
      'DELETE /api/api-keys/{id}',
      'PATCH /api/users/{id}',
      'POST /api/api-keys',
      'POST /api/users',
      'POST /api/users/{id}/password',
    ];
    const spec = (await t.as(null).get('/api/openapi.json')).json() as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    const writes = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, path, tags: op.tags ?? [] })),
    );
    const accountRoutes = writes
      .filter(
        (w) =>
          /^\/api\/(users|api-keys|roles|permissions|grants)\b/.test(w.path) ||
          w.tags.some((tag) => ['users', 'api-keys', 'roles', 'permissions'].includes(tag)),
      )
      .map((w) => w.route)
      .sort();
    // A new one must go through identity/grants.ts and get its escalation test before it joins this list.
    expect(accountRoutes).toEqual(COVERED);
  });
});

describe('refusals leave no trace but themselves', () => {
  it('no user.create, user.update or user.password_reset event came from a key', async () => {
    const res = await t.as(admin).get('/api/audit?pageSize=200');
    const byKeys = (res.json().items as { actorType: string; action: string }[]).filter(
      (e) => e.actorType === 'api_key' && e.action.startsWith('user.'),
    );
    expect(byKeys).toEqual([]);
  });
});
