/**
 * The authorization matrix: every role × every identity/org/audit route × a target in the
 * caller's own scope, in another district, and in another unit → the expected status. Expected
 * values are written out here from the rules in domain.md §2, not computed by the policy code.
 * District A is 海曙 (330203), district B is 江北 (330205).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

type Target = 'own' | 'otherDistrict' | 'otherUnit';
type ActorClass = 'cityAdmin' | 'cityStaff' | 'districtAdmin' | 'districtStaff' | 'unitAdmin' | 'unitStaff';

/** One account per role and level; the extra admins and leaders are created in beforeAll. */
const ACTORS: { username: string; cls: ActorClass; role: string }[] = [
  { username: 'admin', cls: 'cityAdmin', role: 'admin' },
  { username: 'city.supervisor', cls: 'cityStaff', role: 'supervisor' },
  { username: 'city.leader', cls: 'cityStaff', role: 'leader' },
  { username: 'city.dispatcher', cls: 'cityStaff', role: 'dispatcher' },
  { username: 'city.shift_leader', cls: 'cityStaff', role: 'shift_leader' },
  { username: 'haishu.admin', cls: 'districtAdmin', role: 'admin' },
  { username: 'haishu.inspector', cls: 'districtStaff', role: 'inspector' },
  { username: 'haishu.acceptor', cls: 'districtStaff', role: 'acceptor' },
  { username: 'haishu.shift_leader', cls: 'districtStaff', role: 'shift_leader' },
  { username: 'haishu.dispatcher', cls: 'districtStaff', role: 'dispatcher' },
  { username: 'haishu.leader', cls: 'districtStaff', role: 'leader' },
  { username: 'hs-sanitation.admin', cls: 'unitAdmin', role: 'admin' },
  { username: 'unit.haishu-sanitation', cls: 'unitStaff', role: 'unit_handler' },
];

let t: TestApp;
const token = new Map<string, string>();
const orgId: Record<string, string> = {};
const userId: Record<string, string> = {};

/** The objects each actor class calls "own", "other district" and "other unit". */
function targetOrgKey(cls: ActorClass, target: Target): string {
  const unitActor = cls === 'unitAdmin' || cls === 'unitStaff';
  if (target === 'own') return unitActor ? 'hsSanitation' : 'haishuCentre';
  if (target === 'otherDistrict') return 'jiangbeiCentre';
  // Another unit: for a unit, one in its own district; for a district, one in district B.
  return unitActor ? 'hsGreening' : 'jbSanitation';
}
function targetUserKey(cls: ActorClass, target: Target): string {
  const unitActor = cls === 'unitAdmin' || cls === 'unitStaff';
  if (target === 'own') return unitActor ? 'tgt.hs-sanitation' : 'tgt.haishu';
  if (target === 'otherDistrict') return 'tgt.jiangbei';
  return unitActor ? 'tgt.hs-greening' : 'tgt.jb-sanitation';
}

const isCity = (c: ActorClass) => c === 'cityAdmin' || c === 'cityStaff';
const isAdmin = (c: ActorClass) => c === 'cityAdmin' || c === 'districtAdmin' || c === 'unitAdmin';
/** Administration reaches own scope only, and the city reaches everything. */
const adminReaches = (c: ActorClass, target: Target) => isAdmin(c) && (c === 'cityAdmin' || target === 'own');

interface RouteCase {
  name: string;
  call(actor: string, cls: ActorClass, target: Target): Promise<{ statusCode: number; body: string }>;
  expected(cls: ActorClass, target: Target): number;
}

async function userVersion(key: string): Promise<number> {
  const r = await t.as(token.get('admin')!).get(`/api/users/${userId[key]}`);
  return r.json().version;
}
async function orgVersion(key: string): Promise<number> {
  const r = await t.as(token.get('admin')!).get(`/api/orgs/${orgId[key]}`);
  return r.json().version;
}
let seq = 0;
const uscc = async (): Promise<string> => {
  const { withUsccCheck } = await import('../../common/uscc.ts');
  seq++;
  return withUsccCheck(`12330203${String(900000 + seq).padStart(9, '0')}`);
};
const rolesFor = (orgKey: string) => (orgKey.endsWith('Centre') ? ['inspector'] : ['unit_handler']);

const ROUTES: RouteCase[] = [
  {
    name: 'GET /api/users/:id',
    call: (a, c, tg) => t.as(token.get(a)!).get(`/api/users/${userId[targetUserKey(c, tg)]}`),
    expected: (c, tg) => (!isAdmin(c) ? 403 : adminReaches(c, tg) ? 200 : 404),
  },
  {
    name: 'PATCH /api/users/:id',
    async call(a, c, tg) {
      const key = targetUserKey(c, tg);
      return t
        .as(token.get(a)!)
        .patch(`/api/users/${userId[key]}`, { version: await userVersion(key), displayName: `改名-${a}` });
    },
    expected: (c, tg) => (!isAdmin(c) ? 403 : adminReaches(c, tg) ? 200 : 404),
  },
  {
    name: 'POST /api/users/:id/password',
    call: (a, c, tg) =>
      t
        .as(token.get(a)!)
        .post(`/api/users/${userId[targetUserKey(c, tg)]}/password`, { newPassword: 'reset-pass-99' }),
    expected: (c, tg) => (!isAdmin(c) ? 403 : adminReaches(c, tg) ? 204 : 404),
  },
  {
    name: 'POST /api/users',
    call: (a, c, tg) => {
      const orgKey = targetOrgKey(c, tg);
      seq++;
      return t.as(token.get(a)!).post('/api/users', {
        username: `mx.${seq}`,
        displayName: '矩阵测试',
        orgId: orgId[orgKey],
        roles: rolesFor(orgKey),
        password: 'matrix-pass-1',
      });
    },
    // Out of scope, the organisation "does not exist" for the caller.
    expected: (c, tg) => (!isAdmin(c) ? 403 : adminReaches(c, tg) ? 201 : 422),
  },
  {
    name: 'GET /api/orgs/:id',
    call: (a, c, tg) => t.as(token.get(a)!).get(`/api/orgs/${orgId[targetOrgKey(c, tg)]}`),
    expected: (c, tg) => (isCity(c) || tg === 'own' ? 200 : 404),
  },
  {
    name: 'PATCH /api/orgs/:id',
    async call(a, c, tg) {
      const key = targetOrgKey(c, tg);
      return t
        .as(token.get(a)!)
        .patch(`/api/orgs/${orgId[key]}`, { version: await orgVersion(key), name: `组织-${a}` });
    },
    expected: (c, tg) => (!isAdmin(c) ? 403 : adminReaches(c, tg) ? 200 : 404),
  },
  {
    name: 'POST /api/orgs',
    async call(a, _c, tg) {
      const district = tg === 'otherDistrict' ? '330205' : '330203';
      const parent = tg === 'otherDistrict' ? 'jiangbeiCentre' : 'haishuCentre';
      return t.as(token.get(a)!).post('/api/orgs', {
        kind: 'unit',
        name: `矩阵单位-${a}-${tg}`,
        code: await uscc(),
        parentId: orgId[parent],
        districtCode: district,
      });
    },
    // A district admin creates units in its own district; a unit creates none.
    expected: (c, tg) =>
      c === 'cityAdmin' ? 201 : c === 'districtAdmin' && tg !== 'otherDistrict' ? 201 : 403,
  },
  {
    name: 'POST /api/api-keys',
    call: (a, c, tg) =>
      t.as(token.get(a)!).post('/api/api-keys', {
        name: `k-${a}`,
        orgId: orgId[targetOrgKey(c, tg)],
        permissions: ['org:read'],
      }),
    expected: (c, tg) => (!isAdmin(c) ? 403 : adminReaches(c, tg) ? 201 : 422),
  },
  {
    name: 'DELETE /api/api-keys/:id',
    async call(a, c, tg) {
      const created = await t.as(token.get('admin')!).post('/api/api-keys', {
        name: 'victim',
        orgId: orgId[targetOrgKey(c, tg)],
        permissions: ['org:read'],
      });
      return t.as(token.get(a)!).delete(`/api/api-keys/${created.json().key.id}`);
    },
    expected: (c, tg) => (!isAdmin(c) ? 403 : adminReaches(c, tg) ? 204 : 404),
  },
];

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  const byName = (n: string) => orgs.find((o) => o.name === n)!.id;
  orgId.haishuCentre = byName('海曙区智慧城管中心');
  orgId.jiangbeiCentre = byName('江北区智慧城管中心');
  orgId.hsSanitation = byName('海曙区环境卫生管理处');
  orgId.hsGreening = byName('海曙区园林绿化管理中心');
  orgId.jbSanitation = byName('江北区环境卫生管理处');
  for (const [username, org, roles] of [
    ['haishu.admin', 'haishuCentre', ['admin']],
    ['haishu.leader', 'haishuCentre', ['leader']],
    ['hs-sanitation.admin', 'hsSanitation', ['admin']],
    // Targets that are never actors: resetting their password ends their sessions.
    ['tgt.haishu', 'haishuCentre', ['inspector']],
    ['tgt.jiangbei', 'jiangbeiCentre', ['inspector']],
    ['tgt.hs-sanitation', 'hsSanitation', ['unit_handler']],
    ['tgt.hs-greening', 'hsGreening', ['unit_handler']],
    ['tgt.jb-sanitation', 'jbSanitation', ['unit_handler']],
  ] as const) {
    const r = await t.as(admin).post('/api/users', {
      username,
      displayName: username,
      orgId: orgId[org],
      roles,
      password: 'matrix-pass-1',
    });
    expect(r.statusCode).toBe(201);
  }
  const users = (await t.as(admin).get('/api/users?pageSize=200')).json().items as {
    id: string;
    username: string;
  }[];
  for (const u of users) userId[u.username] = u.id;
  for (const a of ACTORS) {
    const pw = ['haishu.admin', 'haishu.leader', 'hs-sanitation.admin'].includes(a.username)
      ? 'matrix-pass-1'
      : undefined;
    token.set(a.username, await t.login(a.username, pw));
  }
});
afterAll(async () => t?.close());

describe('authorization matrix: role × route × target scope', () => {
  const cases = ACTORS.flatMap((a) =>
    ROUTES.flatMap((r) => (['own', 'otherDistrict', 'otherUnit'] as Target[]).map((tg) => ({ a, r, tg }))),
  );
  it.each(cases.map((c) => [`${c.a.username} (${c.a.role}) ${c.r.name} → ${c.tg}`, c] as const))(
    '%s',
    async (_n, { a, r, tg }) => {
      const res = await r.call(a.username, a.cls, tg);
      expect(res.statusCode, res.body).toBe(r.expected(a.cls, tg));
    },
  );
});

describe('lists and search never show another district or unit', () => {
  it('a district A dispatcher lists no organisation of district B, even when searching for it', async () => {
    const tk = token.get('haishu.dispatcher')!;
    const all = (await t.as(tk).get('/api/orgs?pageSize=200')).json();
    expect(all.items.length).toBeGreaterThan(0);
    for (const o of all.items) expect([null, '330203']).toContain(o.districtCode);
    const search = (await t.as(tk).get(`/api/orgs?q=${encodeURIComponent('江北')}`)).json();
    expect(search.total).toBe(0);
    const filtered = (await t.as(tk).get('/api/orgs?districtCode=330205')).json();
    expect(filtered.total).toBe(0);
  });

  it('a unit lists itself and the centres above it, not other units', async () => {
    const tk = token.get('unit.haishu-sanitation')!;
    const all = (await t.as(tk).get('/api/orgs?pageSize=200')).json();
    const units = all.items.filter((o: { kind: string }) => o.kind === 'unit');
    expect(units.map((o: { id: string }) => o.id)).toEqual([orgId.hsSanitation]);
  });

  it('a district admin lists and searches only its own district users', async () => {
    const tk = token.get('haishu.admin')!;
    const all = (await t.as(tk).get('/api/users?pageSize=200')).json();
    expect(all.total).toBeGreaterThan(3);
    for (const u of all.items) expect(u.username.startsWith('jiangbei')).toBe(false);
    expect((await t.as(tk).get('/api/users?q=jiangbei')).json().total).toBe(0);
    expect((await t.as(tk).get(`/api/users?orgId=${orgId.jiangbeiCentre}`)).json().total).toBe(0);
  });

  it('a unit admin lists only its own unit users', async () => {
    const all = (await t.as(token.get('hs-sanitation.admin')!).get('/api/users?pageSize=200')).json();
    for (const u of all.items) expect(u.orgId).toBe(orgId.hsSanitation);
  });

  it('non-admins cannot list users or API keys', async () => {
    for (const a of ACTORS.filter((x) => !isAdmin(x.cls))) {
      expect((await t.as(token.get(a.username)!).get('/api/users')).statusCode).toBe(403);
      expect((await t.as(token.get(a.username)!).get('/api/api-keys')).statusCode).toBe(403);
    }
  });

  it('API key lists are scoped', async () => {
    const keys = (await t.as(token.get('haishu.admin')!).get('/api/api-keys')).json();
    for (const k of keys.items)
      expect([orgId.haishuCentre, orgId.hsSanitation, orgId.hsGreening]).toContain(k.orgId);
  });

  it('the audit log: admins and the city supervisor read it, a district admin only its own district', async () => {
    for (const a of ACTORS) {
      const res = await t.as(token.get(a.username)!).get('/api/audit?pageSize=200');
      const allowed = isAdmin(a.cls) || a.role === 'supervisor';
      expect(res.statusCode, a.username).toBe(allowed ? 200 : 403);
    }
    const district = (await t.as(token.get('haishu.admin')!).get('/api/audit?pageSize=200')).json();
    expect(district.total).toBeGreaterThan(0);
    for (const e of district.items) expect(e.districtCode).toBe('330203');
    const byEntity = (
      await t.as(token.get('haishu.admin')!).get(`/api/audit?entityId=${orgId.jiangbeiCentre}`)
    ).json();
    expect(byEntity.total).toBe(0);
  });

  it('everyone reads their own profile and menu, and the menu follows the permissions', async () => {
    for (const a of ACTORS) {
      const me = (await t.as(token.get(a.username)!).get('/api/me')).json();
      expect(me.user.username).toBe(a.username);
      expect(me.menu.includes('users')).toBe(isAdmin(a.cls));
      expect(me.menu.includes('audit')).toBe(isAdmin(a.cls) || a.role === 'supervisor');
    }
  });
});
