/**
 * Territory through imports: an import may neither take ground that stored geometry of the same
 * level holds (unless the file replaces that geometry) nor leave its parent — for a district the
 * city's extent; only the city level changes a district's boundary; a district admin touches only
 * its district's rows; grids of different communities never overlap.
 *
 * The takeover this closes: 海曙's district admin replaced 海曙 with a rectangle over 江北, then
 * imported a township, a community and a grid inside 江北. Each job succeeded, and afterwards the
 * point lookup in 江北 answered 海曙 (the overlapping grids tie and the smaller ID wins), so 江北's
 * staff were outside their scope on their own ground and 海曙's filed cases there.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Geometry } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { pointIn } from '../support/cases.ts';
import { collection, feature, point, type Rect, rectPolygon, toBuffer } from '../support/fixtures/geojson.ts';

let t: TestApp;
let admin: string;
let haishuAdmin: string;

interface Finding {
  rule: string;
  severity: string;
  message_zh: string;
  message_en: string;
}
interface Job {
  id: string;
  status: string;
  report: { row: number; id: string | null; ok: boolean; findings: Finding[] }[];
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  const haishu = orgs.find((o) => o.name === '海曙区智慧城管中心')!;
  const r = await t.as(admin).post('/api/users', {
    username: 'haishu.geoadmin',
    displayName: '海曙区地理数据管理员',
    orgId: haishu.id,
    roles: ['admin'],
    password: 'territory-pass-1',
  });
  expect(r.statusCode, r.body).toBe(201);
  haishuAdmin = await t.login('haishu.geoadmin', 'territory-pass-1');
});
afterAll(() => t?.close());

async function importAs(token: string, kind: string, fc: unknown, mode?: 'replace'): Promise<Job> {
  const res = await t.as(token).post('/api/imports/base64', {
    kind,
    fileName: `${kind}.geojson`,
    contentBase64: toBuffer(fc).toString('base64'),
    ...(mode ? { mode } : {}),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function counts() {
  const [r] = await t.database.query<{ d: number; g: number; c: number; e: number; v: number }>(sql`SELECT
    (SELECT count(*)::int FROM division) d, (SELECT count(*)::int FROM grid) g,
    (SELECT count(*)::int FROM component) c, (SELECT count(*)::int FROM event) e,
    (SELECT coalesce(sum(version), 0)::int FROM division) v`);
  return r;
}

const errorsOf = (job: Job) =>
  job.report.flatMap((r) =>
    r.findings.filter((f) => f.severity === 'error').map((f) => ({ row: r.row, id: r.id, ...f })),
  );
const errorRules = (job: Job) => [...new Set(errorsOf(job).map((e) => e.rule))].sort();

/** Refused whole: failed, nothing written, one `import.fail` event. Answers the job. */
async function expectRefused(token: string, kind: string, fc: unknown, mode?: 'replace') {
  const before = await counts();
  const job = await importAs(token, kind, fc, mode);
  expect(job.status, JSON.stringify(job.report)).toBe('failed');
  expect(await counts()).toEqual({ ...before, e: before.e + 1 });
  return job;
}

async function bboxOf(table: 'division' | 'grid', key: string): Promise<Rect> {
  const col = table === 'division' ? sql`code` : sql`id`;
  const [r] = await t.database.query<{ w: number; s: number; e: number; n: number }>(
    sql`SELECT min_lng w, min_lat s, max_lng e, max_lat n FROM ${sql.raw(table)} WHERE ${col} = ${key}`,
  );
  return { west: Number(r.w), south: Number(r.s), east: Number(r.e), north: Number(r.n) };
}

const union = (a: Rect, b: Rect): Rect => ({
  west: Math.min(a.west, b.west),
  south: Math.min(a.south, b.south),
  east: Math.max(a.east, b.east),
  north: Math.max(a.north, b.north),
});
const shrink = (r: Rect, k: number): Rect => {
  const dx = (r.east - r.west) * k;
  const dy = (r.north - r.south) * k;
  return { west: r.west + dx, east: r.east - dx, south: r.south + dy, north: r.north - dy };
};

async function lookupDistrict(lng: number, lat: number) {
  await t.app.spatial.reload();
  const res = await t.as(admin).get(`/api/geo/lookup?lng=${lng}&lat=${lat}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().district.code as string;
}

async function reportAt(username: string, lng: number, lat: number) {
  const token = await t.login(username);
  return t.as(token).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'hotline',
    description: '井盖缺失',
    location: { lng, lat, crs: 'wgs84' },
    matterCode: '06002',
  });
}

describe('the takeover of 江北 by 海曙 district admin', () => {
  it('is refused at every step, nothing is written, and 江北 stays 江北', async () => {
    const haishu = await bboxOf('division', '330203');
    const jiangbei = await bboxOf('division', '330205');
    const target = await pointIn(t, '330205', 3);
    const cell = await bboxOf('grid', target.gridId);
    expect(await lookupDistrict(target.lng, target.lat)).toBe('330205');

    // 1. 海曙 replaced by one rectangle over 海曙 and 江北 (it still holds 海曙's own townships).
    const district = await expectRefused(
      haishuAdmin,
      'divisions',
      collection([feature({ code: '330203', name: '海曙区' }, rectPolygon(union(haishu, jiangbei)))]),
      'replace',
    );
    expect(errorRules(district)).toEqual(['district-boundary', 'overlap']);
    expect(errorsOf(district).filter((e) => e.rule === 'overlap')).toContainEqual(
      expect.objectContaining({
        row: 1,
        id: '330203',
        message_en: expect.stringMatching(/^330203 overlaps stored district 330205 by [\d.]+ m² \(/),
        message_zh: expect.stringContaining('与已有区 330205 重叠'),
      }),
    );
    expect(errorsOf(district).find((e) => e.rule === 'district-boundary')).toMatchObject({
      message_en: expect.stringContaining('only the city level may change the boundary of district 330203'),
      message_zh: expect.stringContaining('只有市级可以修改区的边界'),
    });

    // 2. A township of 海曙 drawn inside 江北: outside its parent, over 江北's townships.
    const township = await expectRefused(
      haishuAdmin,
      'divisions',
      collection([feature({ code: '330203900000', name: '新区街道' }, rectPolygon(cell))]),
    );
    expect(errorRules(township)).toEqual(['outside-parent', 'overlap']);
    expect(errorsOf(township).find((e) => e.rule === 'overlap')?.message_en).toMatch(
      /^330203900 overlaps stored township 330205\d{3} by /,
    );

    // 3. A community inside it (its township was never written).
    const community = await expectRefused(
      haishuAdmin,
      'divisions',
      collection([feature({ code: '330203900001', name: '新区社区' }, rectPolygon(cell))]),
    );
    expect(errorRules(community)).toContain('unknown-parent');
    expect(errorRules(community)).toContain('overlap');

    // 4. A grid of an existing 海曙 community drawn over 江北's grid.
    const [c] = await t.database.query<{ code: string }>(
      sql`SELECT code FROM division WHERE level = 'community' AND code LIKE '330203%' ORDER BY code LIMIT 1`,
    );
    const gridJob = await expectRefused(
      haishuAdmin,
      'grids',
      collection([feature({ id: `${c.code}901`, area_class: 'A' }, rectPolygon(cell))]),
    );
    expect(errorRules(gridJob)).toContain('outside-parent');
    expect(errorRules(gridJob)).toContain('overlap');
    expect(errorsOf(gridJob).find((e) => e.rule === 'overlap')?.message_en).toContain(target.gridId);

    // 江北's ground is still 江北's: the lookup, its staff's reports, and 海曙 stays out.
    expect(await lookupDistrict(target.lng, target.lat)).toBe('330205');
    const own = await reportAt('jiangbei.acceptor', target.lng, target.lat);
    expect(own.statusCode, own.body).toBe(201);
    const other = await reportAt('haishu.acceptor', target.lng, target.lat);
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('OUTSIDE_SCOPE');
    const [stored] = await t.database.query<{ min_lat: number; version: number; source: string }>(
      sql`SELECT min_lat, version, source FROM division WHERE code = '330203'`,
    );
    expect(Number(stored.min_lat)).toBe(haishu.south);
    expect(stored.version).toBe(1);
  });
});

describe('each rule on its own', () => {
  it('only the city level changes a district boundary, even to the same shape', async () => {
    const [row] = await t.database.query<{ geometry: Geometry }>(
      sql`SELECT geometry FROM division WHERE code = '330203'`,
    );
    const fc = collection([feature({ code: '330203', name: '海曙区' }, row.geometry)]);
    const job = await expectRefused(haishuAdmin, 'divisions', fc, 'replace');
    expect(errorRules(job)).toEqual(['district-boundary']);
    // The city may: the same file from the city's admin is accepted.
    const ok = await importAs(admin, 'divisions', fc, 'replace');
    expect(ok.status, JSON.stringify(ok.report)).toBe('succeeded');
  });

  it('the city too is refused when a district overlaps a stored one the file does not replace', async () => {
    const haishu = await bboxOf('division', '330203');
    const jiangbei = await bboxOf('division', '330205');
    const job = await expectRefused(
      admin,
      'divisions',
      collection([feature({ code: '330203', name: '海曙区' }, rectPolygon(union(haishu, jiangbei)))]),
      'replace',
    );
    expect(errorRules(job)).toEqual(['overlap']);
    // Replacing both at once with their own shapes touches no one else's ground.
    const rows = await t.database.query<{ code: string; name: string; geometry: Geometry }>(
      sql`SELECT code, name, geometry FROM division WHERE code IN ('330203', '330205') ORDER BY code`,
    );
    const both = await importAs(
      admin,
      'divisions',
      collection(rows.map((r) => feature({ code: r.code, name: r.name }, r.geometry))),
      'replace',
    );
    expect(both.status, JSON.stringify(both.report)).toBe('succeeded');
  });

  it("a district must lie inside the city's extent", async () => {
    // 宁海县's code, reaching 0.15° east of Ningbo's extent (still within the CRS sanity margin).
    const job = await expectRefused(
      admin,
      'divisions',
      collection([
        feature(
          { code: '330226', name: '宁海县' },
          rectPolygon({ west: 122.2, south: 29.4, east: 122.45, north: 29.55 }),
        ),
      ]),
    );
    expect(errorsOf(job)).toMatchObject([
      {
        row: 1,
        id: '330226',
        rule: 'outside-city',
        message_en: expect.stringMatching(/^330226 extends [\d.]+ m² \(\d+\.\d%\) beyond the city's extent/),
      },
    ]);
  });

  it('a township may not claim an island inside its sibling, even in its own district', async () => {
    const townships = await t.database.query<{ code: string; name: string; geometry: Geometry }>(
      sql`SELECT code, name, geometry FROM division WHERE parent_code = '330203' ORDER BY code LIMIT 2`,
    );
    const [a, b] = townships;
    const island = shrink(await bboxOf('division', b.code), 0.4);
    const claimed = {
      type: 'MultiPolygon',
      coordinates: [
        (a.geometry as { coordinates: number[][][] }).coordinates,
        rectPolygon(island).coordinates,
      ],
    } as Geometry;
    const job = await expectRefused(
      haishuAdmin,
      'divisions',
      collection([feature({ code: a.code, name: a.name }, claimed)]),
      'replace',
    );
    expect(errorRules(job)).toEqual(['overlap']);
    expect(errorsOf(job)[0].message_en).toContain(`overlaps stored township ${b.code}`);
  });

  it("a district admin's file may not hold another district's rows", async () => {
    const [row] = await t.database.query<{ code: string; name: string; geometry: Geometry }>(
      sql`SELECT code, name, geometry FROM division WHERE parent_code = '330205' ORDER BY code LIMIT 1`,
    );
    const job = await expectRefused(
      haishuAdmin,
      'divisions',
      collection([feature({ code: row.code, name: row.name }, row.geometry)]),
      'replace',
    );
    expect(errorRules(job)).toEqual(['out-of-scope']);
  });

  it('a component of 海曙 placed on 江北 ground is refused', async () => {
    const target = await pointIn(t, '330205', 5);
    const [g] = await t.database.query<{ id: string }>(
      sql`SELECT id FROM grid WHERE district_code = '330203' ORDER BY id LIMIT 1`,
    );
    const job = await expectRefused(
      haishuAdmin,
      'components',
      collection([
        feature(
          { type_code: '01001', district_code: '330203', grid_id: g.id },
          point(target.lng, target.lat),
        ),
      ]),
    );
    expect(errorsOf(job)).toMatchObject([
      {
        row: 1,
        rule: 'outside-parent',
        message_en: expect.stringContaining(`${target.gridId} of district 330205`),
      },
    ]);
  });

  it('grids of two communities may not overlap, though the communities agree within their tolerance', async () => {
    // 象山县 (outside the demo city): two communities whose shared edge disagrees by 2e-6° (~20 cm)
    // along 444 m — ~86 m² of overlap, within 0.1 % of each 0.19 km² community (a warning),
    // but far above the 1 m² grids allow: the lookup must name one grid for every point.
    const D: Rect = { west: 121.8, south: 29.4, east: 121.95, north: 29.55 };
    const T: Rect = { west: 121.85, south: 29.46, east: 121.87, north: 29.48 };
    const C1: Rect = { west: 121.85, east: 121.8545, south: 29.465, north: 29.469 };
    const C2: Rect = { west: 121.8545 - 2e-6, east: 121.859, south: 29.465, north: 29.469 };
    const divisions = await importAs(
      admin,
      'divisions',
      collection([
        feature({ code: '330225', name: '象山县' }, rectPolygon(D)),
        feature({ code: '330225001000', name: '丹东街道' }, rectPolygon(T)),
        feature({ code: '330225001001', name: '一号社区' }, rectPolygon(C1)),
        feature({ code: '330225001002', name: '二号社区' }, rectPolygon(C2)),
      ]),
    );
    expect(divisions.status, JSON.stringify(divisions.report)).toBe('succeeded');
    const noise = divisions.report.flatMap((r) => r.findings).filter((f) => f.rule === 'overlap-noise');
    expect(noise.length).toBeGreaterThan(0);
    expect(noise.every((f) => f.severity === 'warning')).toBe(true);

    const first = await importAs(
      admin,
      'grids',
      collection([feature({ id: '330225001001001', class: 'A' }, rectPolygon(C1))]),
    );
    expect(first.status, JSON.stringify(first.report)).toBe('succeeded');
    const second = await expectRefused(
      admin,
      'grids',
      collection([feature({ id: '330225001002001', class: 'A' }, rectPolygon(C2))]),
    );
    expect(errorsOf(second)).toMatchObject([
      {
        row: 1,
        id: '330225001002001',
        rule: 'overlap',
        message_en: expect.stringMatching(
          /^330225001002001 overlaps grid 330225001001001 of community 330225001001 by/,
        ),
      },
    ]);
    // In one file the two communities' grids are refused the same way.
    const both = await expectRefused(
      admin,
      'grids',
      collection([
        feature({ id: '330225001001001', class: 'A' }, rectPolygon(C1)),
        feature({ id: '330225001002001', class: 'A' }, rectPolygon(C2)),
      ]),
      'replace',
    );
    expect(errorRules(both)).toEqual(['overlap']);
  });
});
