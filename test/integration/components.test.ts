/**
 * The component inventory: the demo seed (≥ 100,000 valid components inside their grids, one
 * summary audit event), search by ID, type, grid and distance, and scoped, versioned writes with
 * one audit event each.
 */
import { sql } from 'drizzle-orm';
import type { MultiPolygon, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseComponentId } from '../../server/modules/geo/core/codes.ts';
import { convertLngLat } from '../../server/modules/geo/core/crs.ts';
import { haversineM } from '../../server/modules/geo/core/geojson.ts';
import { pointInPolygon } from '../../server/modules/geo/core/spatial-index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let admin: string;

interface Dto {
  id: string;
  typeCode: string;
  gridId: string | null;
  districtCode: string;
  lng: number;
  lat: number;
  state: string;
  version: number;
  distanceM?: number;
}

const events = async (entityId: string) =>
  (
    await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int n FROM event WHERE entity_id = ${entityId}`,
    )
  )[0].n;

beforeAll(async () => {
  // The full demo inventory (test/support/app.ts seeds a small one by default).
  process.env.DEMO_COMPONENTS = '100000';
  t = await createTestApp();
  admin = await t.login('admin');
});
afterAll(() => t?.close());

describe('demo seed', () => {
  it('has at least 100,000 components with valid IDs, inside their grids, and one summary event', async () => {
    const [{ n }] = await t.database.query<{ n: number }>(sql`SELECT count(*)::int n FROM component`);
    expect(n).toBeGreaterThanOrEqual(100_000);
    const seedEvents = await t.database.query<{ after: { count: number } }>(
      sql`SELECT after FROM event WHERE action = 'component.seed'`,
    );
    expect(seedEvents).toHaveLength(1);
    expect(seedEvents[0].after.count).toBe(n);
    const sample = await t.database.query<{
      id: string;
      type_code: string;
      district_code: string;
      grid_id: string;
      lng: number;
      lat: number;
      geometry: Polygon | MultiPolygon | null;
    }>(sql`SELECT c.id, c.type_code, c.district_code, c.grid_id, c.lng, c.lat, g.geometry
      FROM component c LEFT JOIN grid g ON g.id = c.grid_id
      WHERE hashtext(c.id) % 400 = 0 LIMIT 400`);
    expect(sample.length).toBeGreaterThan(100);
    for (const c of sample) {
      const parts = parseComponentId(c.id);
      expect(parts, c.id).not.toBeNull();
      expect([parts!.district, parts!.typeCode]).toEqual([c.district_code, c.type_code]);
      expect(c.geometry, `grid ${c.grid_id} of ${c.id} exists`).not.toBeNull();
      expect(pointInPolygon(c.lng, c.lat, c.geometry!), c.id).toBe(true);
      expect(c.grid_id.slice(0, 6)).toBe(c.district_code);
    }
    const states = await t.database.query<{ state: string; n: number }>(
      sql`SELECT state, count(*)::int n FROM component GROUP BY state`,
    );
    const damaged = states.find((s) => s.state === 'damaged')?.n ?? 0;
    expect(damaged / n).toBeGreaterThan(0.01);
    expect(damaged / n).toBeLessThan(0.05);
  });
});

describe('search', () => {
  let any: Dto;
  beforeAll(async () => {
    const r = await t.as(admin).get('/api/components?typeCode=01037&pageSize=5');
    expect(r.statusCode, r.body).toBe(200);
    any = r.json().items[2];
  });

  it('by ID (q) and GET /:id', async () => {
    const r = (await t.as(admin).get(`/api/components?q=${any.id}`)).json();
    expect(r.items.map((c: Dto) => c.id)).toEqual([any.id]);
    const one = await t.as(await t.login('haishu.inspector')).get(`/api/components/${any.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: any.id, typeName: '路灯', crs: 'wgs84' });
    expect((await t.as(admin).get('/api/components/33020301037999999')).statusCode).toBe(404);
  });

  it('by type and by grid', async () => {
    const byType = (await t.as(admin).get('/api/components?typeCode=03005&pageSize=50')).json();
    expect(byType.total).toBeGreaterThan(1000);
    expect(byType.items.every((c: Dto) => c.typeCode === '03005')).toBe(true);
    const byGrid = (await t.as(admin).get(`/api/components?gridId=${any.gridId}&pageSize=200`)).json();
    const [{ n }] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int n FROM component WHERE grid_id = ${any.gridId}`,
    );
    expect(byGrid.total).toBe(n);
    expect(byGrid.items.every((c: Dto) => c.gridId === any.gridId)).toBe(true);
  });

  it('by distance: within the radius, nearest first, same answer from a GCJ-02 point', async () => {
    const radius = 120;
    const res = await t
      .as(admin)
      .get(`/api/components?near=${any.lng},${any.lat}&radius=${radius}&pageSize=200`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    const rows = await t.database.query<{
      id: string;
      lng: number;
      lat: number;
    }>(sql`SELECT id, lng, lat FROM component
      WHERE lng BETWEEN ${any.lng - 0.01} AND ${any.lng + 0.01} AND lat BETWEEN ${any.lat - 0.01} AND ${any.lat + 0.01}`);
    const expected = rows.filter((c) => haversineM(any.lng, any.lat, c.lng, c.lat) <= radius);
    expect(r.total).toBe(expected.length);
    expect(r.items[0].id).toBe(any.id);
    const d = r.items.map((c: Dto) => c.distanceM!);
    expect(d.every((x: number) => x <= radius)).toBe(true);
    expect([...d].sort((a, b) => a - b)).toEqual(d);
    const [gx, gy] = convertLngLat(any.lng, any.lat, 'wgs84', 'gcj02');
    const g = (
      await t.as(admin).get(`/api/components?near=${gx},${gy}&crs=gcj02&radius=${radius}&pageSize=200`)
    ).json();
    expect(g.items.map((c: Dto) => c.id)).toEqual(r.items.map((c: Dto) => c.id));
  });
});

describe('writes', () => {
  let haishuAdmin: string;
  beforeAll(async () => {
    const orgs = (await t.as(admin).get('/api/orgs?pageSize=100')).json().items as {
      id: string;
      name: string;
    }[];
    const r = await t.as(admin).post('/api/users', {
      username: 'haishu.compadmin',
      displayName: 'haishu.compadmin',
      orgId: orgs.find((o) => o.name === '海曙区智慧城管中心')!.id,
      roles: ['admin'],
      password: 'comp-pass-1',
    });
    expect(r.statusCode, r.body).toBe(201);
    haishuAdmin = await t.login('haishu.compadmin', 'comp-pass-1');
  });

  async function someIn(district: string): Promise<Dto> {
    return (await t.as(admin).get(`/api/components?districtCode=${district}&state=intact&pageSize=1`)).json()
      .items[0];
  }

  it('creates with an allocated ID in the grid of its point, one event', async () => {
    const near = await someIn('330203');
    const [{ max }] = await t.database.query<{ max: string }>(
      sql`SELECT max(id) AS max FROM component WHERE id LIKE '33020303005%'`,
    );
    const r = await t.as(haishuAdmin).post('/api/components', {
      typeCode: '03005',
      name: '分类垃圾箱',
      geometry: { type: 'Point', coordinates: [near.lng, near.lat] },
      attrs: { capacityL: 240 },
    });
    expect(r.statusCode, r.body).toBe(201);
    const c = r.json();
    expect(c.id).toBe(`33020303005${String(Number(max.slice(11)) + 1).padStart(6, '0')}`);
    expect([c.gridId, c.districtCode, c.state, c.version]).toEqual([near.gridId, '330203', 'intact', 1]);
    expect(await events(c.id)).toBe(1);
  });

  it('changes state with the version; a stale version conflicts; one event per write', async () => {
    const c = await someIn('330203');
    const ok = await t.as(haishuAdmin).patch(`/api/components/${c.id}`, {
      version: c.version,
      state: 'damaged',
      reason: '巡查发现井盖破损',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ state: 'damaged', version: c.version + 1 });
    const stale = await t
      .as(haishuAdmin)
      .patch(`/api/components/${c.id}`, { version: c.version, state: 'lost' });
    expect(stale.statusCode).toBe(409);
    expect(await events(c.id)).toBe(1);
  });

  it('scope: another district is 403, a missing one 404, no manage permission 403', async () => {
    const other = await someIn('330205');
    const r = await t
      .as(haishuAdmin)
      .patch(`/api/components/${other.id}`, { version: other.version, state: 'lost' });
    expect(r.statusCode).toBe(403);
    const missing = await t
      .as(haishuAdmin)
      .patch('/api/components/33020301001999999', { version: 1, state: 'lost' });
    expect(missing.statusCode).toBe(404);
    const inspector = await t.login('haishu.inspector');
    const denied = await t
      .as(inspector)
      .patch(`/api/components/${other.id}`, { version: other.version, state: 'lost' });
    expect(denied.statusCode).toBe(403);
    const create = await t.as(haishuAdmin).post('/api/components', {
      typeCode: '03005',
      name: 'x',
      geometry: { type: 'Point', coordinates: [other.lng, other.lat] },
    });
    expect(create.statusCode).toBe(403);
    expect(await events(other.id)).toBe(0);
  });
});
