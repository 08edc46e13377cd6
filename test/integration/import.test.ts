/**
 * Importers with fixtures the test builds: GeoJSON (WGS84, GCJ-02) and zipped Shapefiles in a
 * CGCS2000 Gauss–Krüger zone with GBK attributes; 14-character legacy grid IDs; files with an
 * overlap, a bad code, a wrong CRS or a truncated zip are rejected whole and write no data (only
 * the one audit event of the failed job).
 */
import { sql } from 'drizzle-orm';
import type { Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  convertLngLat,
  gaussKrugerZoneForLongitude,
  wgs84ToGaussKruger,
} from '../../server/modules/geo/core/crs.ts';
import { haversineM } from '../../server/modules/geo/core/geojson.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  collection,
  feature,
  mapPositions,
  point,
  type Rect,
  rectPolygon,
  rectRing,
  splitRect,
  toBuffer,
} from '../support/fixtures/geojson.ts';
import { cgcs2000GkPrj, zipShapefiles } from '../support/fixtures/shapefile.ts';

let t: TestApp;
let admin: string;

// Real codes of 象山县 (outside the demo city), placed near its real location.
const D: Rect = { west: 121.8, south: 29.4, east: 121.95, north: 29.55 };
const T: Rect = { west: 121.85, south: 29.46, east: 121.87, north: 29.48 };
const C = (k: number): Rect => ({
  west: 121.86 + 0.002 * k,
  east: 121.862 + 0.002 * k,
  south: 29.47,
  north: 29.4718,
});
const C3 = C(0);
const C4 = C(1);
const C5 = C(2);
const ZONE = gaussKrugerZoneForLongitude(121.86, 3)!;

async function importFile(
  kind: string,
  fileName: string,
  data: Buffer,
  opts: { crs?: string; mode?: string; token?: string } = {},
) {
  const res = await t.as(opts.token ?? admin).post('/api/imports/base64', {
    kind,
    fileName,
    contentBase64: data.toString('base64'),
    ...(opts.crs ? { crs: opts.crs } : {}),
    ...(opts.mode ? { mode: opts.mode } : {}),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function counts() {
  const [r] = await t.database.query<{ d: number; g: number; c: number; e: number }>(sql`SELECT
    (SELECT count(*)::int FROM division) d, (SELECT count(*)::int FROM grid) g,
    (SELECT count(*)::int FROM component) c, (SELECT count(*)::int FROM event) e`);
  return r;
}

const rules = (job: { report: { findings: { rule: string; severity: string }[] }[] }) =>
  new Set(job.report.flatMap((r) => r.findings.filter((f) => f.severity === 'error').map((f) => f.rule)));

function expectWithin1m(stored: Position[], expected: Position[]) {
  for (const e of expected) {
    const best = Math.min(...stored.map((s) => haversineM(s[0], s[1], e[0], e[1])));
    expect(best).toBeLessThan(1);
  }
}

const gkZip = (rects: Rect[], ids: string[], extra: Record<string, string | number | null>[] = []) =>
  zipShapefiles([
    {
      name: '网格',
      encoding: 'gbk',
      prj: cgcs2000GkPrj(ZONE.centralMeridian),
      fields: [
        { name: 'BGID', type: 'C', length: 15 },
        { name: '区域类别', type: 'C', length: 1 },
        { name: 'MC', type: 'C', length: 40 },
      ],
      geometries: rects.map((r) => ({
        type: 'Polygon' as const,
        coordinates: [rectRing(r).map((p) => wgs84ToGaussKruger(p[0], p[1], ZONE) as Position)],
      })),
      rows: ids.map((id, i) => ({ BGID: id, 区域类别: 'B', MC: `丹峰社区第${i + 1}网格`, ...extra[i] })),
    },
  ]);

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const divisions = collection([
    feature({ code: '330225', name: '象山县' }, rectPolygon(D)),
    feature({ code: '330225001000', name: '丹东街道' }, rectPolygon(T)),
    feature({ 代码: '330225001003', 名称: '金秋社区' }, rectPolygon(C3)),
    feature({ code: '330225001004' }, rectPolygon(C4)),
    feature({ code: '330225001005' }, rectPolygon(C5)),
  ]);
  const job = await importFile('divisions', 'xiangshan.geojson', toBuffer(divisions));
  expect(job.status, JSON.stringify(job.report)).toBe('succeeded');
});
afterAll(() => t?.close());

describe('grid imports land where they should', () => {
  it('GeoJSON in GCJ-02: stored WGS84 within 1 m of the intended place', async () => {
    const cells = splitRect(C3, 2, 2);
    const fc = collection(
      cells.map((r, i) =>
        feature(
          { id: `330225001003${String(i + 1).padStart(3, '0')}`, area_class: 'A' },
          mapPositions(rectPolygon(r), (p) => convertLngLat(p[0], p[1], 'wgs84', 'gcj02')),
        ),
      ),
    );
    const before = await counts();
    const job = await importFile('grids', 'c3.geojson', toBuffer(fc), { crs: 'gcj02' });
    expect(job.status, JSON.stringify(job.report)).toBe('succeeded');
    expect(job.crs).toBe('gcj02');
    expect(job.report.every((r: { ok: boolean }) => r.ok)).toBe(true);
    const after = await counts();
    expect(after.g - before.g).toBe(4);
    expect(after.e - before.e).toBe(1); // one audit event for the whole import
    const [ev] = await t.database.query<{ action: string; entity_type: string; after: { written: number } }>(
      sql`SELECT action, entity_type, after FROM event ORDER BY id DESC LIMIT 1`,
    );
    expect([ev.action, ev.entity_type, ev.after.written]).toEqual(['geo.import', 'grid', 4]);
    const rows = await t.database.query<{ id: string; geometry: { coordinates: Position[][] } }>(
      sql`SELECT id, geometry FROM grid WHERE community_code = '330225001003' ORDER BY id`,
    );
    for (const [i, g] of rows.entries()) expectWithin1m(g.geometry.coordinates[0], rectRing(cells[i]));
  });

  it('zipped Shapefile in a Gauss–Krüger zone (from .prj), GBK attributes, 14-digit legacy IDs mapped', async () => {
    expect(ZONE.epsg).toBeGreaterThanOrEqual(4534);
    const cells = splitRect(C4, 2, 2);
    const legacy = cells.map((_, i) => `33022500100401`.slice(0, 12) + String(i + 1).padStart(2, '0'));
    const job = await importFile('grids', 'c4.zip', await gkZip(cells, legacy));
    expect(job.status, JSON.stringify(job.report)).toBe('succeeded');
    expect(job.format).toBe('shapefile');
    expect(job.crs).toBe(`EPSG:${ZONE.epsg}`);
    expect(job.summary.notes.join(' ')).toContain('gbk');
    const rows = await t.database.query<{
      id: string;
      legacy_id: string;
      area_class: string;
      geometry: { coordinates: Position[][] };
    }>(
      sql`SELECT id, legacy_id, area_class, geometry FROM grid WHERE community_code = '330225001004' ORDER BY id`,
    );
    expect(rows.map((r) => r.id)).toEqual([
      '330225001004001',
      '330225001004002',
      '330225001004003',
      '330225001004004',
    ]);
    expect(rows.map((r) => r.legacy_id)).toEqual(legacy);
    expect(rows.every((r) => r.area_class === 'B')).toBe(true); // read from the GBK field name 区域类别
    for (const [i, g] of rows.entries()) expectWithin1m(g.geometry.coordinates[0], rectRing(cells[i]));
  });
});

describe('bad files are rejected whole and write nothing', () => {
  const c5 = splitRect(C5, 1, 2);
  const good = (i: number) =>
    feature({ id: `330225001005${String(i + 1).padStart(3, '0')}`, class: 'C' }, rectPolygon(c5[i]));

  async function expectRejected(kind: string, name: string, data: Buffer, rule: string, opts = {}) {
    const before = await counts();
    const job = await importFile(kind, name, data, opts);
    expect(job.status).toBe('failed');
    expect([...rules(job)], JSON.stringify(job.report)).toContain(rule);
    // No data written; the failed job leaves exactly one event saying so.
    expect(await counts()).toEqual({ ...before, e: before.e + 1 });
    const [ev] = await t.database.query<{
      action: string;
      entity_type: string;
      entity_id: string;
      after: { status: string; written: number; rules: string[] };
    }>(sql`SELECT action, entity_type, entity_id, after FROM event ORDER BY id DESC LIMIT 1`);
    expect([ev.action, ev.entity_type, ev.entity_id]).toEqual(['import.fail', 'import_job', job.id]);
    expect(ev.after).toMatchObject({ status: 'failed', written: 0 });
    expect(ev.after.rules).toContain(rule);
    const stored = await t.database.query(sql`SELECT id FROM grid WHERE community_code = '330225001005'`);
    expect(stored).toHaveLength(0);
    return job;
  }

  it('an overlap (and the gap it leaves)', async () => {
    const overlapping = { ...c5[1], west: c5[1].west - 0.0005 };
    const fc = collection([
      good(0),
      feature({ id: '330225001005002', class: 'C' }, rectPolygon(overlapping)),
    ]);
    const job = await expectRejected('grids', 'overlap.geojson', toBuffer(fc), 'overlap');
    expect(job.report.find((r: { row: number }) => r.row === 2).ok).toBe(false);
  });

  it('a bad grid code next to good rows', async () => {
    const fc = collection([good(0), feature({ id: '33022500100X002' }, rectPolygon(c5[1]))]);
    await expectRejected('grids', 'bad-code.geojson', toBuffer(fc), 'bad-id');
  });

  it('a grid ID that does not match its community', async () => {
    const fc = collection([
      good(0),
      feature({ id: '330225001005002', community: '330225001004' }, rectPolygon(c5[1])),
    ]);
    await expectRejected('grids', 'mismatch.geojson', toBuffer(fc), 'id-mismatch');
  });

  it('a wrong CRS: Gauss–Krüger metres declared as WGS84', async () => {
    const zip = await gkZip(c5, ['330225001005001', '330225001005002']);
    await expectRejected('grids', 'c5.zip', zip, 'outside-area', { crs: 'wgs84' });
  });

  it('an undetectable CRS: projected GeoJSON without a crs member', async () => {
    const fc = collection(
      c5.map((r, i) =>
        feature(
          { id: `330225001005${String(i + 1).padStart(3, '0')}` },
          mapPositions(rectPolygon(r), (p) => wgs84ToGaussKruger(p[0], p[1], ZONE)),
        ),
      ),
    );
    await expectRejected('grids', 'projected.geojson', toBuffer(fc), 'crs');
  });

  it('a truncated zip', async () => {
    const zip = await gkZip(c5, ['330225001005001', '330225001005002']);
    const job = await expectRejected(
      'grids',
      'cut.zip',
      zip.subarray(0, Math.floor(zip.length * 0.6)),
      'bad-file',
    );
    expect(job.report[0].row).toBe(0);
  });

  it('an unknown component type', async () => {
    const fc = collection([
      feature({ type_code: '01001' }, point(121.8605, 29.4705)),
      feature({ type_code: '01999' }, point(121.8606, 29.4706)),
    ]);
    await expectRejected('components', 'bad-type.geojson', toBuffer(fc), 'unknown-type');
  });

  it('a district centre importing another district', async () => {
    const users = (await t.as(admin).get('/api/orgs?pageSize=100')).json().items as {
      id: string;
      name: string;
    }[];
    const org = users.find((o) => o.name === '海曙区智慧城管中心')!;
    const r = await t.as(admin).post('/api/users', {
      username: 'haishu.geoadmin',
      displayName: 'haishu.geoadmin',
      orgId: org.id,
      roles: ['admin'],
      password: 'import-pass-1',
    });
    expect(r.statusCode, r.body).toBe(201);
    const token = await t.login('haishu.geoadmin', 'import-pass-1');
    const fc = collection([good(0), good(1)]);
    await expectRejected('grids', 'scope.geojson', toBuffer(fc), 'out-of-scope', { token });
  });
});

describe('component import, progress and upload formats', () => {
  it('allocates IDs, keeps legacy IDs, finds the grid; multipart upload; progress to the end', async () => {
    const cells = splitRect(C3, 2, 2);
    const mid = (r: Rect) => [(r.west + r.east) / 2, (r.south + r.north) / 2] as const;
    const fc = collection([
      feature(
        { 部件类型: '01001', 名称: '供水井盖', 状态: '破损', 材质: '球墨铸铁' },
        point(...mid(cells[0])),
      ),
      feature({ id: '33022501037000007', type_code: '01037' }, point(...mid(cells[1]))),
      feature({ bjbm: '3302250100100123', type: '01001' }, point(...mid(cells[3]))),
    ]);
    const boundary = '----cityops-test';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncomponents\r\n`),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.geojson"\r\nContent-Type: application/geo+json\r\n\r\n`,
      ),
      toBuffer(fc),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const started = await t.app.inject({
      method: 'POST',
      url: '/api/imports?wait=false',
      headers: {
        authorization: `Bearer ${admin}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      payload: body,
    });
    expect(started.statusCode, started.body).toBe(202);
    let job = started.json();
    // A deadline, not a count of polls: on a loaded machine the import worker takes seconds to start.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !['succeeded', 'failed'].includes(job.status)) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await t.as(admin).get(`/api/imports/${job.id}`)).json();
    }
    expect(job.status, JSON.stringify(job.report)).toBe('succeeded');
    expect([job.processed, job.total]).toEqual([3, 3]);
    const rows = await t.database.query<{
      id: string;
      grid_id: string;
      state: string;
      legacy_id: string | null;
      attrs: object;
    }>(
      sql`SELECT id, grid_id, state, legacy_id, attrs FROM component WHERE district_code = '330225' ORDER BY grid_id`,
    );
    expect(rows.map((r) => r.grid_id)).toEqual(['330225001003001', '330225001003002', '330225001003004']);
    expect(rows[0].id).toBe('33022501001000001');
    expect(rows[0].state).toBe('damaged');
    expect(rows[0].attrs).toEqual({ 材质: '球墨铸铁' });
    expect(rows[1].id).toBe('33022501037000007');
    expect(rows[2]).toMatchObject({ id: '33022501001000002', legacy_id: '3302250100100123' });
    const list = (await t.as(admin).get('/api/imports')).json();
    expect(list.items.some((j: { id: string }) => j.id === job.id)).toBe(true);
  });
});
