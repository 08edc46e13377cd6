/**
 * The geo API over the demo city: point lookup (property tests with fast-check: a random point
 * inside a random grid gives that grid and its whole chain, in WGS84, GCJ-02 and BD-09; points
 * outside give OUTSIDE_MANAGED_AREA), bad coordinates, grids by 15- and 14-character ID,
 * division search, the map summary, and the index rebuilt from the event feed.
 */
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertLngLat } from '../../server/modules/geo/core/crs.ts';
import { SpatialService } from '../../server/modules/geo/spatial-service.ts';
import { division, grid } from '../../server/modules/geo/tables.ts';
import { recordEvent } from '../../server/platform/audit.ts';
import { systemContext } from '../../server/platform/context.ts';
import { EventFeed } from '../../server/platform/event-feed.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let token: string;
let grids: (typeof grid.$inferSelect)[];
const names = new Map<string, string>();
let region: [number, number, number, number];

beforeAll(async () => {
  t = await createTestApp();
  token = await t.login('haishu.inspector');
  grids = await t.database.db.select().from(grid);
  for (const d of await t.database.db.select().from(division)) names.set(d.code, d.name);
  const info = (await t.as(token).get('/api/geo/info')).json();
  region = info.bbox;
}, 120_000);
afterAll(() => t?.close());

const lookup = (lng: number, lat: number, crs = 'wgs84') =>
  t.as(token).get(`/api/geo/lookup?lng=${lng}&lat=${lat}&crs=${crs}`);

/** A random grid and a point strictly inside it (10 cm or more from every edge). */
const pointInGrid = fc
  .record({
    i: fc.nat(),
    fx: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    fy: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
  })
  .map(({ i, fx, fy }) => {
    const g = grids[i % grids.length];
    return { g, lng: g.minLng + fx * (g.maxLng - g.minLng), lat: g.minLat + fy * (g.maxLat - g.minLat) };
  });

describe('GET /api/geo/lookup', () => {
  it('answers the grid and its whole chain for random points inside random grids', async () => {
    await fc.assert(
      fc.asyncProperty(pointInGrid, async ({ g, lng, lat }) => {
        const res = await lookup(lng, lat);
        expect(res.statusCode).toBe(200);
        const c = g.communityCode;
        expect(res.json()).toMatchObject({
          grid: { id: g.id, areaClass: g.areaClass },
          community: { code: c, name: names.get(c) },
          township: { code: c.slice(0, 9), name: names.get(c.slice(0, 9)) },
          district: { code: c.slice(0, 6), name: names.get(c.slice(0, 6)) },
          crs: 'wgs84',
          point: { lng, lat },
        });
      }),
      { numRuns: 150, seed: 3 },
    );
  });

  it('gives the GCJ-02 and BD-09 forms of a point the same grid as its WGS84 form', async () => {
    await fc.assert(
      fc.asyncProperty(pointInGrid, async ({ g, lng, lat }) => {
        for (const crs of ['gcj02', 'bd09'] as const) {
          const [x, y] = convertLngLat(lng, lat, 'wgs84', crs);
          const res = await lookup(x, y, crs);
          expect(res.statusCode).toBe(200);
          const body = res.json();
          expect(body.grid.id).toBe(g.id);
          expect(body.input).toEqual({ lng: x, lat: y, crs });
          expect(Math.abs(body.point.lng - lng)).toBeLessThan(1e-8);
        }
      }),
      { numRuns: 100, seed: 4 },
    );
  });

  it('resolves points on shared edges and corners to one grid, always the same (half-open rule)', async () => {
    // A grid owns its west and south edges and its south-west corner; the neighbour owns the rest.
    for (const g of grids.filter((_, i) => i % 150 === 0)) {
      const midLat = (g.minLat + g.maxLat) / 2;
      const midLng = (g.minLng + g.maxLng) / 2;
      for (const [lng, lat] of [
        [g.minLng, midLat],
        [midLng, g.minLat],
        [g.minLng, g.minLat],
      ]) {
        const first = (await lookup(lng, lat)).json();
        expect(first.grid?.id).toBe(g.id);
        expect((await lookup(lng, lat)).json().grid.id).toBe(g.id);
      }
      const east = await lookup(g.maxLng, midLat);
      if (east.statusCode === 200) expect(east.json().grid.id).not.toBe(g.id);
    }
  });

  it('answers 422 OUTSIDE_MANAGED_AREA for points outside the city', async () => {
    const outside = fc
      .record({
        lng: fc.double({ min: -180, max: 180, noNaN: true }),
        lat: fc.double({ min: -90, max: 90, noNaN: true }),
      })
      .filter(({ lng, lat }) => lng < region[0] || lng > region[2] || lat < region[1] || lat > region[3]);
    await fc.assert(
      fc.asyncProperty(outside, async ({ lng, lat }) => {
        const res = await lookup(lng, lat);
        expect(res.statusCode).toBe(422);
        expect(res.json().error.code).toBe('OUTSIDE_MANAGED_AREA');
      }),
      { numRuns: 60, seed: 5 },
    );
    // The city's north-east corner is on the half-open boundary: outside, in English on request.
    const res = await t
      .as(token)
      .get(`/api/geo/lookup?lng=${region[2]}&lat=${region[3]}`, { 'accept-language': 'en' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(/outside the managed area/);
  });

  it('rejects bad coordinates with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['lng=200&lat=29.8', 'querystring.lng'],
      ['lng=121.5&lat=-91', 'querystring.lat'],
      ['lng=NaN&lat=29.8', 'querystring.lng'],
      ['lng=121.5&lat=abc', 'querystring.lat'],
      ['lng=121.5', 'querystring.lat'],
      ['lng=Infinity&lat=29.8', 'querystring.lng'],
      ['lng=121.5&lat=29.8&crs=epsg4326', 'querystring.crs'],
    ];
    for (const [q, field] of cases) {
      const res = await t.as(token).get(`/api/geo/lookup?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(
        res.json().error.details.map((d: { field: string }) => d.field),
        q,
      ).toContain(field);
    }
  });

  it('needs geo:read (an API key without it gets 403) and a caller (401)', async () => {
    const admin = await t.login('admin');
    const orgId = (await t.as(admin).get('/api/me')).json().org.id;
    const key = await t.as(admin).post('/api/api-keys', { name: 'no-geo', orgId, permissions: ['org:read'] });
    expect(key.statusCode).toBe(201);
    const g = grids[0];
    const url = `/api/geo/lookup?lng=${g.centroidLng}&lat=${g.centroidLat}`;
    expect((await t.as(key.json().secret).get(url)).statusCode).toBe(403);
    expect((await t.as(null).get(url)).statusCode).toBe(401);
  });
});

describe('grids, divisions and the map summary', () => {
  it('returns a grid by its 15-character ID and by the 14-character legacy form', async () => {
    const g = grids.find((x) => Number(x.id.slice(12)) < 100 && Number(x.id.slice(12)) >= 10) ?? grids[0];
    const res = await t.as(token).get(`/api/geo/grids/${g.id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ id: g.id, areaClass: g.areaClass, crs: 'wgs84', generated: true });
    expect(body.geometry.type).toBe('Polygon');
    expect(body.centroid).toEqual({ lng: g.centroidLng, lat: g.centroidLat });
    expect(body.chain.community).toEqual({ code: g.communityCode, name: names.get(g.communityCode) });
    const legacy = g.id.slice(0, 12) + g.id.slice(13);
    expect((await t.as(token).get(`/api/geo/grids/${legacy}`)).json().id).toBe(g.id);
    expect((await t.as(token).get('/api/geo/grids/330203001001999')).statusCode).toBe(404);
    const bad = await t.as(token).get('/api/geo/grids/000000001001001');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('params.id');
    expect((await t.as(token).get('/api/geo/grids/12345')).statusCode).toBe(400);
  });

  it('lists grids of a community and by ID prefix', async () => {
    const c = grids[0].communityCode;
    const res = await t.as(token).get(`/api/geo/grids?communityCode=${c}&pageSize=200`);
    const body = res.json();
    expect(body.total).toBe(grids.filter((g) => g.communityCode === c).length);
    expect(body.items.every((g: { id: string }) => g.id.startsWith(c))).toBe(true);
    const prefix = c.slice(0, 9);
    expect((await t.as(token).get(`/api/geo/grids?q=${prefix}`)).json().total).toBe(
      grids.filter((g) => g.id.startsWith(prefix)).length,
    );
  });

  it('searches divisions by community name, level and parent; one division by code', async () => {
    const [code, name] = [...names].find(([k]) => k.length === 12) as [string, string];
    const res = await t.as(token).get(`/api/geo/divisions?q=${encodeURIComponent(name)}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((d: { code: string }) => d.code)).toContain(code);
    const districts = (await t.as(token).get('/api/geo/divisions?level=district')).json();
    expect(districts.total).toBe(6);
    const towns = (await t.as(token).get('/api/geo/divisions?parentCode=330203&pageSize=200')).json();
    expect(towns.items.every((d: { parentCode: string }) => d.parentCode === '330203')).toBe(true);
    const one = (await t.as(token).get(`/api/geo/divisions/${code}`)).json();
    expect(one).toMatchObject({ code, name, level: 'community', parent: { code: code.slice(0, 9) } });
    expect(one.chain.map((d: { code: string }) => d.code)).toEqual([code.slice(0, 6), code.slice(0, 9)]);
    expect(one.grids).toBe(grids.filter((g) => g.communityCode === code).length);
    expect((await t.as(token).get('/api/geo/divisions/330203999')).statusCode).toBe(404);
  });

  it('summarises the map and says that the demo geometry is generated', async () => {
    const info = (await t.as(token).get('/api/geo/info')).json();
    expect(info).toMatchObject({ districts: 6, grids: grids.length, generated: true, crs: 'wgs84' });
    expect(info.notice.zh).toMatch(/生成/);
    expect(info.notice.en).toMatch(/generated/);
    expect(info.index.grids).toBe(grids.length);
    expect(info.index.revision).toBeGreaterThanOrEqual(1);
  });
});

describe('rebuild on every node', () => {
  it('rebuilds the index (debounced) when the event feed carries a grid change', async () => {
    const feed = new EventFeed(t.database, 60_000);
    await feed.start();
    const spatial = new SpatialService(t.database, { feed, debounceMs: 10 });
    await spatial.start();
    const before = spatial.revision;
    // A grid far east of the demo city, written with its event as an import would.
    const c = grids[0].communityCode;
    const id = `${c}998`;
    const poly = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [123, 30],
          [123.001, 30],
          [123.001, 30.001],
          [123, 30.001],
          [123, 30],
        ],
      ] as [number, number][][],
    };
    await t.database.db.transaction(async (tx) => {
      await tx.insert(grid).values({
        id,
        communityCode: c,
        townshipCode: c.slice(0, 9),
        districtCode: c.slice(0, 6),
        areaClass: 'C',
        geometry: poly,
        minLng: 123,
        minLat: 30,
        maxLng: 123.001,
        maxLat: 30.001,
        centroidLng: 123.0005,
        centroidLat: 30.0005,
        areaM2: 10000,
      });
      await recordEvent(tx, systemContext('test'), {
        action: 'geo.grid.import',
        entityType: 'grid',
        entityId: id,
        districtCode: c.slice(0, 6),
      });
    });
    expect(spatial.lookup(123.0005, 30.0005)).toBeNull();
    await feed.poll();
    await expect.poll(() => spatial.revision, { timeout: 10_000 }).toBeGreaterThan(before);
    expect(spatial.lookup(123.0005, 30.0005)?.grid.id).toBe(id);
    spatial.stop();
    feed.stop();
    await t.database.db.delete(grid).where(eq(grid.id, id));
  });
});
