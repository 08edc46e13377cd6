/**
 * The catalogue holds every type of GB/T 47678.5-2026 (compared one by one with the reference
 * file), every matter type has a disposal standard, editing one makes a new version while the
 * old one stays retrievable by id (what a case filed under it keeps), stale edits get 409, and
 * only the city's admins write (one audit event per write).
 */
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStandardById, getStandardForFiling } from '../../server/modules/catalog/standards-service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

interface Ref {
  components: { code: string; major: string; name: string }[];
  matters: { code: string; major: string; name: string }[];
}
const ref = JSON.parse(fs.readFileSync('db/reference/gbt47678-5-catalogue.json', 'utf8')) as Ref;

let t: TestApp;
let admin: string;
let districtAdmin: string;
let inspector: string;

async function eventCount(): Promise<number> {
  const [row] = await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM event`);
  return Number(row.n);
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  inspector = await t.login('haishu.inspector');
  const orgs = (await t.as(admin).get('/api/orgs?kind=district_center&districtCode=330203')).json();
  const res = await t.as(admin).post('/api/users', {
    username: 'cat.haishu.admin',
    displayName: '海曙管理员',
    orgId: orgs.items[0].id,
    roles: ['admin'],
    password: 'district-admin-1',
  });
  expect(res.statusCode, res.body).toBe(201);
  districtAdmin = await t.login('cat.haishu.admin', 'district-admin-1');
});
afterAll(async () => t?.close());

async function allTypes(kind: string) {
  const res = await t.as(inspector).get(`/api/catalog/types?kind=${kind}&pageSize=500`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    items: { code: string; name: string; majorCode: string; legacyCode: string | null }[];
    total: number;
  };
}

describe('catalogue', () => {
  it('holds every component and matter type of the standard, code and name', async () => {
    const components = await allTypes('component');
    const matters = await allTypes('matter');
    expect(components.total).toBe(153);
    expect(matters.total).toBe(250);
    const pick = (x: { code: string; name: string; majorCode: string }) => ({
      code: x.code,
      name: x.name,
      major: x.majorCode,
    });
    expect(components.items.map(pick)).toEqual(
      ref.components.map((c) => ({ code: c.code, name: c.name, major: c.major })),
    );
    expect(matters.items.map(pick)).toEqual(
      ref.matters.map((c) => ({ code: c.code, name: c.name, major: c.major })),
    );
  });

  it('filters by major, text and enabled; reads one type', async () => {
    const res = await t.as(inspector).get('/api/catalog/types?kind=matter&major=06&q=垃圾');
    expect(res.json().items.map((i: { code: string }) => i.code)).toContain('06010');
    expect(res.json().items.every((i: { majorCode: string }) => i.majorCode === '06')).toBe(true);
    const one = await t.as(inspector).get('/api/catalog/types/matter/06010');
    expect(one.json()).toMatchObject({
      code: '06010',
      name: '暴露垃圾',
      majorName: '市容环境类',
      local: false,
    });
    expect((await t.as(inspector).get('/api/catalog/types/component/06010')).statusCode).toBe(404);
  });

  it('lets the city admin disable a type (one event); district admins and staff get 403', async () => {
    const cur = (await t.as(admin).get('/api/catalog/types/component/01058')).json();
    for (const who of [districtAdmin, inspector]) {
      const before = await eventCount();
      const res = await t
        .as(who)
        .patch('/api/catalog/types/component/01058', { version: cur.version, enabled: false });
      expect(res.statusCode).toBe(403);
      expect(await eventCount()).toBe(before);
    }
    const before = await eventCount();
    const res = await t
      .as(admin)
      .patch('/api/catalog/types/component/01058', { version: cur.version, enabled: false });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ enabled: false, version: cur.version + 1 });
    expect(await eventCount()).toBe(before + 1);
    const stale = await t
      .as(admin)
      .patch('/api/catalog/types/component/01058', { version: cur.version, enabled: true });
    expect(stale.statusCode).toBe(409);
    const disabled = await t.as(inspector).get('/api/catalog/types?kind=component&enabled=false');
    expect(disabled.json().items.map((i: { code: string }) => i.code)).toEqual(['01058']);
    const rename = await t
      .as(admin)
      .patch('/api/catalog/types/component/01058', { version: cur.version + 1, name: '新名字' });
    expect(rename.statusCode).toBe(422);
  });

  it('adds local types in the 99 range, with a default standard for a matter', async () => {
    expect(
      (await t.as(districtAdmin).post('/api/catalog/types', { kind: 'matter', name: '本地事项' })).statusCode,
    ).toBe(403);
    const before = await eventCount();
    const res = await t.as(admin).post('/api/catalog/types', { kind: 'matter', name: '共享电动车乱停' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ code: '99001', majorCode: '99', local: true });
    expect(await eventCount()).toBe(before + 1);
    expect((await t.as(inspector).get('/api/catalog/standards/99001')).json()).toMatchObject({
      version: 1,
      isDefault: true,
    });
    const dup = await t.as(admin).post('/api/catalog/types', { kind: 'matter', code: '99001', name: 'x' });
    expect(dup.statusCode).toBe(409);
    expect(
      (await t.as(admin).post('/api/catalog/types', { kind: 'matter', code: '06099', name: 'x' })).statusCode,
    ).toBe(400);
    const renamed = await t
      .as(admin)
      .patch('/api/catalog/types/matter/99001', { version: 1, name: '电动车乱停' });
    expect(renamed.json()).toMatchObject({ name: '电动车乱停', version: 2 });
  });
});

describe('disposal standards', () => {
  it('every matter type has a current default standard with the full A/B/C × normal/urgent matrix', async () => {
    for (const m of ref.matters) {
      const s = await getStandardForFiling(t.database.db, m.code);
      expect(s, m.code).toMatchObject({ matterCode: m.code, version: 1, current: true, isDefault: true });
      expect(s.filingConditions.length).toBeGreaterThan(0);
      expect(s.closingConditions.length).toBeGreaterThan(0);
      expect(new Set(s.timeLimits.map((l) => `${l.areaClass}/${l.urgency}`)).size).toBe(6);
    }
    const garbage = await getStandardForFiling(t.database.db, '06010');
    expect(garbage.timeLimits).toContainEqual({
      areaClass: 'A',
      urgency: 'normal',
      amount: 4,
      unit: 'work_hour',
    });
    const order = await getStandardForFiling(t.database.db, '09006');
    expect(order.timeLimits).toContainEqual({
      areaClass: 'A',
      urgency: 'normal',
      amount: 2,
      unit: 'work_hour',
    });
    const cover = await getStandardForFiling(t.database.db, '01001');
    expect(cover.timeLimits.find((l) => l.urgency === 'urgent')?.unit).toBe('urgent_hour');
  });

  it('an edit makes a new version; the old one stays retrievable by id; stale edits get 409', async () => {
    const v1 = (await t.as(inspector).get('/api/catalog/standards/06010')).json();
    const body = {
      version: v1.version,
      reason: '市里新规：A 类区域 3 小时',
      filingConditions: [{ text: '主次干道有垃圾未入容器' }],
      timeLimits: v1.timeLimits.map((l: { areaClass: string; urgency: string; amount: number }) =>
        l.areaClass === 'A' && l.urgency === 'normal' ? { ...l, amount: 3 } : l,
      ),
      closingConditions: [{ text: '完全清除' }, { text: '照片比对' }],
      defaultUnitType: 'sanitation',
    };
    expect((await t.as(districtAdmin).put('/api/catalog/standards/06010', body)).statusCode).toBe(403);
    const before = await eventCount();
    const res = await t.as(admin).put('/api/catalog/standards/06010', body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ version: 2, current: true, isDefault: false });
    expect(res.json().closingConditions).toEqual([
      { id: 'c1', text: '完全清除' },
      { id: 'c2', text: '照片比对' },
    ]);
    expect(await eventCount()).toBe(before + 1);
    const [ev] = await t.database.query<{ reason: string; before: unknown; after: unknown }>(
      sql`SELECT reason, before, after FROM event WHERE action = 'catalog.standard.update' ORDER BY id DESC LIMIT 1`,
    );
    expect(ev.reason).toBe('市里新规：A 类区域 3 小时');
    expect(ev.before).toMatchObject({ version: 1 });
    expect(ev.after).toMatchObject({ version: 2 });

    // A case filed under version 1 keeps it.
    const old = await t.as(inspector).get(`/api/catalog/standards/by-id/${v1.id}`);
    expect(old.json()).toMatchObject({ id: v1.id, version: 1, current: false });
    expect((await getStandardById(t.database.db, v1.id))?.timeLimits).toEqual(v1.timeLimits);
    expect((await getStandardForFiling(t.database.db, '06010')).version).toBe(2);

    const stale = await t.as(admin).put('/api/catalog/standards/06010', body);
    expect(stale.statusCode).toBe(409);
    const versions = (await t.as(inspector).get('/api/catalog/standards/06010/versions')).json();
    expect(versions.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('rejects an incomplete time-limit matrix and unknown matters', async () => {
    const v = (await t.as(admin).get('/api/catalog/standards/09006')).json();
    const dup = [...v.timeLimits.slice(0, 5), v.timeLimits[0]];
    const res = await t.as(admin).put('/api/catalog/standards/09006', {
      version: v.version,
      reason: 'x',
      filingConditions: v.filingConditions,
      timeLimits: dup,
      closingConditions: v.closingConditions,
      defaultUnitType: null,
    });
    expect(res.statusCode).toBe(400);
    expect((await t.as(inspector).get('/api/catalog/standards/12345')).statusCode).toBe(404);
  });
});
