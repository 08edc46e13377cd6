/**
 * Division imports check that each child lies inside its parent (a township in its district, a
 * community in its township), against the parent in the file or the one stored, with a
 * tolerance for boundary noise (max(1 m², 0.1 % of the child)). A file with one community
 * sticking out is rejected whole, the report names that row, and nothing is written.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { collection, feature, type Rect, rectPolygon, toBuffer } from '../support/fixtures/geojson.ts';

let t: TestApp;
let admin: string;

// 象山县 (outside the demo city): district, one township, communities side by side inside it.
const D: Rect = { west: 121.8, south: 29.4, east: 121.95, north: 29.55 };
const T: Rect = { west: 121.85, south: 29.46, east: 121.87, north: 29.48 };
const C = (k: number): Rect => ({
  west: 121.85 + 0.004 * k,
  east: 121.854 + 0.004 * k,
  south: 29.465,
  north: 29.469,
});

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
});
afterAll(() => t?.close());

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

async function importDivisions(fc: unknown, mode?: 'replace'): Promise<Job> {
  const res = await t.as(admin).post('/api/imports/base64', {
    kind: 'divisions',
    fileName: 'divisions.geojson',
    contentBase64: toBuffer(fc).toString('base64'),
    ...(mode ? { mode } : {}),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function counts() {
  const [r] = await t.database.query<{ d: number; e: number }>(
    sql`SELECT (SELECT count(*)::int FROM division) d, (SELECT count(*)::int FROM event) e`,
  );
  return r;
}

const errorsOf = (job: Job) =>
  job.report.flatMap((r) =>
    r.findings.filter((f) => f.severity === 'error').map((f) => ({ row: r.row, id: r.id, ...f })),
  );

async function expectRejectedWhole(fc: unknown, mode?: 'replace') {
  const before = await counts();
  const job = await importDivisions(fc, mode);
  expect(job.status, JSON.stringify(job.report)).toBe('failed');
  // Nothing written: only the one event saying the job failed.
  expect(await counts()).toEqual({ d: before.d, e: before.e + 1 });
  const [ev] = await t.database.query<{ action: string; entity_id: string; after: { rules: string[] } }>(
    sql`SELECT action, entity_id, after FROM event ORDER BY id DESC LIMIT 1`,
  );
  expect([ev.action, ev.entity_id]).toEqual(['import.fail', job.id]);
  return { job, rules: ev.after.rules };
}

describe('children must lie inside their parent', () => {
  it('a community sticking out of its township rejects the whole file; the report names that row', async () => {
    // Community 3 reaches 0.002° (about 190 m) east of the township: half of it is outside.
    const out: Rect = { west: 121.868, east: 121.872, south: 29.465, north: 29.469 };
    const fc = collection([
      feature({ code: '330225', name: '象山县' }, rectPolygon(D)),
      feature({ code: '330225001000', name: '丹东街道' }, rectPolygon(T)),
      feature({ code: '330225001001', name: '一号社区' }, rectPolygon(C(0))),
      feature({ code: '330225001002', name: '二号社区' }, rectPolygon(C(1))),
      feature({ code: '330225001003', name: '出界社区' }, rectPolygon(out)),
    ]);
    const { job, rules } = await expectRejectedWhole(fc);
    expect(rules).toEqual(['outside-parent']);
    const errors = errorsOf(job);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ row: 5, id: '330225001003', rule: 'outside-parent' });
    expect(errors[0].message_en).toMatch(
      /^330225001003 extends [\d.]+ m² \(50\.\d%\) beyond its parent 330225001 \(tolerance [\d.]+ m²\)$/,
    );
    expect(errors[0].message_zh).toContain('超出上级区划 330225001');
    // The other rows are fine.
    expect(job.report.filter((r) => !r.ok).map((r) => r.row)).toEqual([5]);
    const stored = await t.database.query(sql`SELECT code FROM division WHERE code LIKE '330225%'`);
    expect(stored).toEqual([]);
  });

  it('a township outside its district is refused too', async () => {
    const far: Rect = { west: 121.96, south: 29.46, east: 121.98, north: 29.48 };
    const fc = collection([
      feature({ code: '330225', name: '象山县' }, rectPolygon(D)),
      feature({ code: '330225001000', name: '丹东街道' }, rectPolygon(far)),
    ]);
    const { job } = await expectRejectedWhole(fc);
    expect(errorsOf(job)).toMatchObject([
      { row: 2, id: '330225001', rule: 'outside-parent', message_en: expect.stringContaining('(100.0%)') },
    ]);
  });

  it('boundary noise within the tolerance passes with a warning; then a stored parent is checked too', async () => {
    // 2e-7° (about 2 cm) past the township's south edge along 390 m: ~8 m², far below 0.1 %.
    const noisy: Rect = { ...C(0), south: T.south - 2e-7 };
    const ok = await importDivisions(
      collection([
        feature({ code: '330225', name: '象山县' }, rectPolygon(D)),
        feature({ code: '330225001000', name: '丹东街道' }, rectPolygon(T)),
        feature({ code: '330225001001', name: '一号社区' }, rectPolygon({ ...noisy, north: 29.469 })),
      ]),
    );
    expect(ok.status, JSON.stringify(ok.report)).toBe('succeeded');
    const noise = ok.report[2].findings.find((f) => f.rule === 'outside-parent-noise');
    expect(noise?.severity).toBe('warning');
    expect(noise?.message_en).toContain('boundary noise');

    // The township is stored now: a later file with only a community is checked against it.
    const { job } = await expectRejectedWhole(
      collection([
        feature(
          { code: '330225001002', name: '二号社区' },
          rectPolygon({ west: 121.866, east: 121.874, south: 29.47, north: 29.474 }),
        ),
      ]),
    );
    expect(errorsOf(job)).toMatchObject([{ row: 1, id: '330225001002', rule: 'outside-parent' }]);
  });

  it('replace mode: a new township boundary that leaves a stored community outside is refused', async () => {
    // The township shrinks to its western quarter; stored community 330225001001 stays inside,
    // a stored community further east would be left outside.
    const east = await importDivisions(
      collection([
        feature(
          { code: '330225001004', name: '东部社区' },
          rectPolygon({ west: 121.864, east: 121.868, south: 29.47, north: 29.474 }),
        ),
      ]),
    );
    expect(east.status, JSON.stringify(east.report)).toBe('succeeded');
    const smaller: Rect = { ...T, east: 121.86 };
    const { job } = await expectRejectedWhole(
      collection([feature({ code: '330225001000', name: '丹东街道' }, rectPolygon(smaller))]),
      'replace',
    );
    expect(errorsOf(job)).toMatchObject([
      {
        row: 1,
        id: '330225001',
        rule: 'child-outside',
        message_en: expect.stringMatching(/^stored division 330225001004 would extend .* \(100\.0%\)/),
      },
    ]);
    const [tw] = await t.database.query<{ geometry: { coordinates: number[][][] } }>(
      sql`SELECT geometry FROM division WHERE code = '330225001'`,
    );
    expect(Math.max(...tw.geometry.coordinates[0].map((p) => p[0]))).toBe(T.east);
  });
});
