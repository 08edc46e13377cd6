/**
 * Gazetteer imports (kind `places`): a CSV of points (UTF-8 and GB18030, quoted fields) and
 * GeoJSON (a road as a LineString, a point in GCJ-02), each place then found by the search with
 * its grid; row-level errors (no name, unknown kind, a point outside every grid, a district
 * column that contradicts the point, a duplicate in the file, a bad ID) reject the whole file and
 * write nothing; insert mode refuses a stored place, replace mode overwrites it — importing the
 * same file again never doubles a place; a district centre imports only its own district; a file
 * without coordinates columns is refused as a file; nothing stays staged, and rows a stopped
 * process left staged are applied or deleted by the recovery sweep. Points come from the seeded
 * grids.
 */
import { sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertLngLat } from '../../server/modules/geo/core/crs.ts';
import { stagePlaces } from '../../server/modules/geo/places.ts';
import { settleStagedPlaces } from '../../server/modules/imports/recovery.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { collection, feature, point, toBuffer } from '../support/fixtures/geojson.ts';

let t: TestApp;
let admin: string;
let haishuAdmin: string;
/** Centres of seeded grids: three of 海曙, one of 北仑. */
let hs: { lng: number; lat: number; gridId: string }[];
let bl: { lng: number; lat: number; gridId: string };

interface Job {
  status: string;
  summary: Record<string, unknown> | null;
  report: { row: number; id: string | null; ok: boolean; findings: { rule: string; severity: string }[] }[];
}

async function gridCentres(districtCode: string, n: number) {
  const rows = await t.database.query<{ id: string; lng: number; lat: number }>(sql`
    SELECT id, centroid_lng AS lng, centroid_lat AS lat FROM grid
    WHERE district_code = ${districtCode} ORDER BY id LIMIT ${n}`);
  return rows.map((r) => ({ lng: Number(r.lng), lat: Number(r.lat), gridId: r.id }));
}

async function importFile(
  fileName: string,
  data: Buffer,
  opts: { mode?: string; token?: string; crs?: string } = {},
) {
  const res = await t.as(opts.token ?? admin).post('/api/imports/base64', {
    kind: 'places',
    fileName,
    contentBase64: data.toString('base64'),
    ...(opts.mode ? { mode: opts.mode } : {}),
    ...(opts.crs ? { crs: opts.crs } : {}),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Job;
}

const placeCount = async () =>
  (await t.database.query<{ n: number }>(sql`SELECT count(*)::int n FROM place`))[0].n;
const gramCount = async () =>
  (await t.database.query<{ n: number }>(sql`SELECT count(*)::int n FROM place_gram`))[0].n;
const errorRules = (job: Job) =>
  new Map(
    job.report
      .filter((r) => !r.ok)
      .map((r) => [r.row, r.findings.filter((f) => f.severity === 'error').map((f) => f.rule)]),
  );
async function find(name: string) {
  const res = await t.as(admin).get(`/api/geo/places?q=${encodeURIComponent(name)}&limit=5`);
  expect(res.statusCode, res.body).toBe(200);
  return (
    res.json().items as {
      id: string;
      name: string;
      kind: string;
      grid: { id: string } | null;
      district: { code: string };
    }[]
  ).filter((h) => h.name === name);
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  hs = await gridCentres('330203', 3);
  [bl] = await gridCentres('330206', 1);
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  const haishu = orgs.find((o) => o.name === '海曙区智慧城管中心')!;
  const r = await t.as(admin).post('/api/users', {
    username: 'haishu.placeadmin',
    displayName: '海曙区地名管理员',
    orgId: haishu.id,
    roles: ['admin'],
    password: 'places-pass-1',
  });
  expect(r.statusCode, r.body).toBe(201);
  haishuAdmin = await t.login('haishu.placeadmin', 'places-pass-1');
}, 120_000);
afterAll(() => t?.close());

describe('places import', () => {
  it('imports a CSV of points; each place is then found with its grid', async () => {
    const before = await placeCount();
    const csv = [
      '名称,类型,经度,纬度,备注',
      `测试甲路,道路,${hs[0].lng},${hs[0].lat},`,
      `"测试乙大厦,北楼",building,${hs[1].lng},${hs[1].lat},"含""引号"""`,
      `测试丙公园,poi,${bl.lng},${bl.lat},北仑`,
    ].join('\r\n');
    const job = await importFile('places.csv', Buffer.from(`\uFEFF${csv}\r\n`, 'utf8'));
    expect(job.status, JSON.stringify(job.report)).toBe('succeeded');
    expect(job.summary).toMatchObject({ rows: 3, errors: 0, written: 3, crs: 'wgs84' });
    expect(await placeCount()).toBe(before + 3);
    const [a] = await find('测试甲路');
    expect(a).toMatchObject({ kind: 'road', grid: { id: hs[0].gridId }, district: { code: '330203' } });
    const [b] = await find('测试乙大厦,北楼');
    expect(b).toMatchObject({ kind: 'building', grid: { id: hs[1].gridId } });
    const [c] = await find('测试丙公园');
    expect(c).toMatchObject({ kind: 'poi', district: { code: '330206' }, grid: { id: bl.gridId } });
  });

  it('reads a GB18030 CSV (as Excel in China saves it)', async () => {
    const csv = `名称,类型,lng,lat\n测试丁巷,街巷,${hs[2].lng},${hs[2].lat}\n`;
    const job = await importFile('gbk.csv', iconv.encode(csv, 'gb18030'));
    expect(job.status, JSON.stringify(job.report)).toBe('succeeded');
    expect(job.summary?.notes).toEqual(['csv: gb18030 (not valid UTF-8)']);
    expect((await find('测试丁巷'))[0]).toMatchObject({ kind: 'road', grid: { id: hs[2].gridId } });
  });

  it('imports GeoJSON: a road as a line, a point in GCJ-02', async () => {
    const [gx, gy] = convertLngLat(hs[1].lng, hs[1].lat, 'wgs84', 'gcj02');
    const road = collection([
      feature(
        { name: '测试戊街', kind: 'road' },
        {
          type: 'LineString',
          coordinates: [
            convertLngLat(hs[0].lng, hs[0].lat, 'wgs84', 'gcj02'),
            [gx, gy],
            convertLngLat(hs[2].lng, hs[2].lat, 'wgs84', 'gcj02'),
          ],
        },
      ),
      feature({ name: '测试己广场', kind: 'poi', id: 'test-ji' }, point(gx, gy)),
    ]);
    const job = await importFile('places.geojson', toBuffer(road), { crs: 'gcj02' });
    expect(job.status, JSON.stringify(job.report)).toBe('succeeded');
    // The middle vertex of the line stands for the road; GCJ-02 is converted back to WGS84.
    expect((await find('测试戊街'))[0].grid?.id).toBe(hs[1].gridId);
    const [ji] = await find('测试己广场');
    expect(ji).toMatchObject({ id: 'test-ji', grid: { id: hs[1].gridId } });
  });

  it('reports every bad row and writes nothing', async () => {
    const before = { places: await placeCount(), grams: await gramCount() };
    const csv = [
      'id,name,kind,district_code,lng,lat',
      `,好地方,poi,,${hs[0].lng},${hs[0].lat}`, // 1 fine
      `,,poi,,${hs[0].lng},${hs[0].lat}`, // 2 no name
      `,坏类型,river,,${hs[0].lng},${hs[0].lat}`, // 3 unknown kind
      ',海上,poi,,122.2,29.5', // 4 outside every grid (but inside the city's extent: not a CRS mistake)
      `,错区,poi,330206,${hs[0].lng},${hs[0].lat}`, // 5 the point is in 海曙
      `,好地方,poi,,${hs[1].lng},${hs[1].lat}`, // 6 same district, kind and name as row 1
      `坏 编码,有编码,poi,,${hs[0].lng},${hs[0].lat}`, // 7 bad ID
      ',无坐标,poi,,,', // 8 no point
    ].join('\n');
    const job = await importFile('bad.csv', Buffer.from(csv));
    expect(job.status).toBe('failed');
    const rules = errorRules(job);
    expect([...rules.keys()].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(rules.get(2)).toContain('bad-name');
    expect(rules.get(3)).toContain('bad-kind');
    expect(rules.get(4)).toContain('no-grid');
    expect(rules.get(5)).toContain('outside-parent');
    expect(rules.get(6)).toContain('duplicate-id');
    expect(rules.get(7)).toContain('bad-id');
    expect(rules.get(8)).toContain('invalid-geometry');
    expect(job.summary).toMatchObject({ rows: 8, errors: 7, written: 0 });
    expect({ places: await placeCount(), grams: await gramCount() }).toEqual(before);
    expect(await find('好地方')).toEqual([]);
  });

  it('refuses a name that is not text per row, reads a number as text, and hexadecimal coordinates not at all', async () => {
    const at = (i: number) => [hs[i].lng, hs[i].lat];
    const geo = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: { x: 1 }, kind: 'poi' },
          geometry: { type: 'Point', coordinates: at(0) },
        },
        {
          type: 'Feature',
          properties: { name: ['甲'], kind: 'poi' },
          geometry: { type: 'Point', coordinates: at(1) },
        },
        {
          type: 'Feature',
          properties: { name: 88, kind: 'building' },
          geometry: { type: 'Point', coordinates: at(2) },
        },
      ],
    };
    const job = await importFile('names.geojson', Buffer.from(JSON.stringify(geo)));
    expect(job.status).toBe('failed');
    const rules = errorRules(job);
    expect([...rules.keys()].sort()).toEqual([1, 2]);
    expect(rules.get(1)).toContain('bad-name');
    expect(rules.get(2)).toContain('bad-name');
    const hex = await importFile('hex.csv', Buffer.from('name,kind,lng,lat\n十六进制,poi,0x79,0x1d\n'));
    expect(hex.status).toBe('failed');
    expect(errorRules(hex).get(1)).toContain('invalid-geometry');
    expect(await find('十六进制')).toEqual([]);
  });

  it('answers the real format at once, and refuses a hostile nesting before reading it (4xx, no job)', async () => {
    const started = await t.as(admin).post('/api/imports/base64?wait=false', {
      kind: 'places',
      fileName: 'quick.csv',
      contentBase64: Buffer.from(`name,kind,lng,lat\n格式亭,poi,${hs[1].lng},${hs[1].lat}\n`).toString(
        'base64',
      ),
    });
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json().format).toBe('csv');
    let job = started.json();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !['succeeded', 'failed'].includes(job.status)) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await t.as(admin).get(`/api/imports/${job.id}`)).json();
    }
    expect(job).toMatchObject({ status: 'succeeded', format: 'csv' });
    const jobs = async () =>
      (await t.database.query<{ n: number }>(sql`SELECT count(*)::int n FROM import_job`))[0].n;
    const before = await jobs();
    const deep = `{"type":"FeatureCollection","features":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const res = await t.as(admin).post('/api/imports/base64', {
      kind: 'places',
      fileName: 'deep.geojson',
      contentBase64: Buffer.from(deep).toString('base64'),
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.message).toContain('嵌套超过 64 层');
    expect(await jobs()).toBe(before);
  });

  it('refuses a file without coordinate columns as a whole', async () => {
    const job = await importFile('nocoords.csv', Buffer.from('name,kind\n某地,poi\n'));
    expect(job.status).toBe('failed');
    expect(job.report[0]).toMatchObject({ row: 0, ok: false });
    expect(job.report[0].findings[0].rule).toBe('bad-file');
  });

  it('insert refuses a stored place; replace overwrites it; importing again never doubles', async () => {
    const file = (name2lng: number, name2lat: number) =>
      Buffer.from(
        [
          'name,kind,lng,lat',
          `测试庚路,road,${hs[0].lng},${hs[0].lat}`,
          `测试辛楼,building,${name2lng},${name2lat}`,
        ].join('\n'),
      );
    const first = await importFile('again.csv', file(hs[1].lng, hs[1].lat));
    expect(first.status, JSON.stringify(first.report)).toBe('succeeded');
    const count = await placeCount();
    const grams = await gramCount();

    const insertAgain = await importFile('again.csv', file(hs[1].lng, hs[1].lat));
    expect(insertAgain.status).toBe('failed');
    expect([...errorRules(insertAgain).values()].flat()).toEqual(['exists', 'exists']);

    // Replace: the same places, one moved — no new rows, the moved one now in its new grid.
    const replaced = await importFile('again.csv', file(hs[2].lng, hs[2].lat), { mode: 'replace' });
    expect(replaced.status, JSON.stringify(replaced.report)).toBe('succeeded');
    const again = await importFile('again.csv', file(hs[2].lng, hs[2].lat), { mode: 'replace' });
    expect(again.status).toBe('succeeded');
    expect(await placeCount()).toBe(count);
    expect(await gramCount()).toBe(grams);
    const moved = await find('测试辛楼');
    expect(moved).toHaveLength(1);
    expect(moved[0].grid?.id).toBe(hs[2].gridId);
    expect(await find('测试庚路')).toHaveLength(1);
  });

  it('audits a successful import with one place.import event, a failed one with import.fail', async () => {
    const events = await t.database.query<{ action: string; entity_type: string; after: { kind: string } }>(
      sql`SELECT action, entity_type, after FROM event WHERE action IN ('place.import', 'import.fail') ORDER BY id`,
    );
    const ok = events.filter((e) => e.action === 'place.import');
    expect(ok.length).toBeGreaterThanOrEqual(5);
    expect(ok.every((e) => e.entity_type === 'place' && e.after.kind === 'places')).toBe(true);
    expect(events.some((e) => e.action === 'import.fail' && e.after.kind === 'places')).toBe(true);
  });

  it('lets a district centre import only its own district', async () => {
    const own = await importFile(
      'haishu.csv',
      Buffer.from(`name,kind,lng,lat\n测试壬亭,poi,${hs[0].lng},${hs[0].lat}\n`),
      { token: haishuAdmin },
    );
    expect(own.status, JSON.stringify(own.report)).toBe('succeeded');
    const other = await importFile(
      'beilun.csv',
      Buffer.from(`name,kind,lng,lat\n测试癸亭,poi,${bl.lng},${bl.lat}\n`),
      { token: haishuAdmin },
    );
    expect(other.status).toBe('failed');
    expect([...errorRules(other).values()].flat()).toContain('out-of-scope');
    expect(await find('测试癸亭')).toEqual([]);
    // A caller without geo:manage may not import places at all.
    const inspector = await t.login('haishu.inspector');
    const res = await t.as(inspector).post('/api/imports/base64', {
      kind: 'places',
      fileName: 'x.csv',
      contentBase64: Buffer.from('name,kind,lng,lat\n').toString('base64'),
    });
    expect(res.statusCode).toBe(403);
  });

  it('leaves nothing staged; staged rows a stopped process left are applied (succeeded job) or deleted (failed)', async () => {
    const staged = async () =>
      (await t.database.query<{ n: number }>(sql`SELECT count(*)::int n FROM place_stage`))[0].n;
    expect(await staged()).toBe(0);
    const jobs = await t.database.query<{ id: string; status: string }>(
      sql`SELECT id, status FROM import_job WHERE kind = 'places' ORDER BY created_at`,
    );
    const ok = jobs.find((j) => j.status === 'succeeded')!;
    const failed = jobs.find((j) => j.status === 'failed')!;
    const row = (id: string, name: string) => ({
      id,
      name,
      kind: 'road' as const,
      lng: hs[2].lng,
      lat: hs[2].lat,
      districtCode: '330203',
      generated: false,
      source: 'import' as const,
    });
    // As if the process had stopped after committing `ok` (and before applying this row), and
    // while `failed` was staging.
    await stagePlaces(t.database.db, ok.id, [row('STAGED-A', '暂存甲路')]);
    await stagePlaces(t.database.db, failed.id, [row('STAGED-B', '暂存乙路')]);
    expect(await find('暂存甲路')).toEqual([]);
    expect(await settleStagedPlaces(t.database.db)).toEqual({ applied: 1, dropped: 1 });
    expect(await find('暂存甲路')).toMatchObject([{ id: 'STAGED-A', grid: { id: hs[2].gridId } }]);
    expect(await find('暂存乙路')).toEqual([]);
    expect(await staged()).toBe(0);
    expect(await settleStagedPlaces(t.database.db)).toEqual({ applied: 0, dropped: 0 });
  });
});
