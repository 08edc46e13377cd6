/**
 * The gazetteer at size: 50,000 GENERATED places (bench/lib/gazetteer.ts, written straight through
 * geo's writePlaces in batches) beside the demo's. The bounded search (places.ts placeSearchSql:
 * rarest grams first, a prefix range, capped posting lists) must find a best hit scoring as the
 * full search's — written out below as `reference`, the statement before the bounds — for
 * misspellings, whole names and one or two common characters, alone and near a point; as many
 * hits; the real 天一广场 first near it, also misspelt; every answer within a generous bound.
 * Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
 */
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gazetteerCsv, generateGazetteer } from '../../bench/lib/gazetteer.ts';
import { gramsOf, minSharedGrams, normalizeName, SCORE } from '../../server/modules/geo/core/gazetteer.ts';
import { placeSearchSql, writePlaces } from '../../server/modules/geo/places.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let inspector: string;
const SIZE = 50_000;
const TIANYI = { lng: 121.551, lat: 29.87 };

/** The full search as it was (every posting list read whole), to compare answers with. */
function reference(norm: string, near: { lng: number; lat: number } | null, limit: number): SQL {
  const grams = gramsOf(norm);
  const json = JSON.stringify(grams);
  const distance = near
    ? sql`sqrt(power((p.lng - ${near.lng}::double precision) * cos(radians(${near.lat}::double precision)) * 111320, 2)
        + power((p.lat - ${near.lat}::double precision) * 110574, 2))`
    : sql`NULL::double precision`;
  return sql`
    WITH q AS (SELECT DISTINCT value AS gram FROM jsonb_array_elements_text(${json}::jsonb)),
    cand AS (
      SELECT g.place_id AS id, count(*)::int AS shared FROM place_gram g JOIN q ON g.gram = q.gram
      GROUP BY g.place_id HAVING count(*) >= ${minSharedGrams(grams.length)}::int
    ),
    scored AS (
      SELECT p.id, p.name, c.shared, starts_with(p.norm_name, ${norm}::text) AS prefix,
        p.norm_name = ${norm}::text AS exact, ${distance} AS distance_m,
        2.0 * c.shared / (${grams.length}::int + p.gram_count) AS similarity
      FROM cand c JOIN place p ON p.id = c.id
    )
    SELECT id, name, similarity
        + CASE WHEN prefix THEN ${SCORE.prefix}::double precision ELSE 0 END
        + CASE WHEN exact THEN ${SCORE.exact}::double precision ELSE 0 END
        + COALESCE(${SCORE.proximity}::double precision / (1 + distance_m / 1000), 0) AS score
    FROM scored ORDER BY score DESC, name, id LIMIT ${limit}::int`;
}

type Ranked = { id: string; name: string; score: number };
const run = async (q: SQL) =>
  (await t.database.query<Ranked>(q)).map((r) => ({ id: r.id, name: r.name, score: Number(r.score) }));

beforeAll(async () => {
  t = await createTestApp();
  inspector = await t.login('haishu.inspector');
  const cells = (
    await t.database.query<{ district: string; lng: number; lat: number }>(
      sql`SELECT district_code AS district, centroid_lng AS lng, centroid_lat AS lat FROM grid ORDER BY id`,
    )
  ).map((c) => ({ district: c.district, lng: Number(c.lng), lat: Number(c.lat) }));
  const stored = await t.database.query<{ k: string }>(
    sql`SELECT district_code || '|' || kind || '|' || name AS k FROM place`,
  );
  const places = generateGazetteer(
    SIZE,
    cells,
    20261206,
    stored.map((r) => r.k),
  );
  expect(gazetteerCsv(places.slice(0, 1))).toContain('名称,类型,经度,纬度,区县代码');
  for (let i = 0; i < places.length; i += 5000) {
    const rows = places.slice(i, i + 5000).map((p, j) => ({
      id: `GEN${String(i + j).padStart(7, '0')}`,
      name: p.name,
      kind: p.kind,
      lng: p.lng,
      lat: p.lat,
      districtCode: p.district,
      generated: true,
      source: 'import' as const,
    }));
    await t.database.db.transaction((tx) => writePlaces(tx, rows, false));
  }
  await t.database.query(sql`ANALYZE place`);
  await t.database.query(sql`ANALYZE place_gram`);
}, 600_000);
afterAll(() => t?.close());

describe('the gazetteer with 50,000 more places', () => {
  it('finds a best hit as good as the full search, alone and near a point, for rare and common queries', async () => {
    const queries = [
      '天一广场',
      '天乙广场',
      '天一光场',
      '天1广场',
      '鼓楼',
      '月湖公园',
      '解放南路',
      '海曙区人民政府',
    ];
    for (const q of [...queries, '路', '中', '中山', '广场', '社区']) {
      const norm = normalizeName(q);
      for (const near of [null, TIANYI, { lng: 121.845, lat: 29.9 }]) {
        const want = await run(reference(norm, near, 10));
        const got = await run(placeSearchSql(norm, near, 10));
        const where = `${q} near ${JSON.stringify(near)}`;
        expect(want.length, where).toBeGreaterThan(0);
        expect(got.length, where).toBe(want.length);
        expect(got[0].score.toFixed(9), where).toBe(want[0].score.toFixed(9));
        // Every hit is a true match, ranked by the same score (never above the full search's).
        for (let i = 1; i < got.length; i++) expect(got[i].score).toBeLessThanOrEqual(got[i - 1].score);
        expect(got.at(-1)!.score, where).toBeLessThanOrEqual(want[0].score);
      }
    }
  });

  it('still finds the real 天一广场 first near it, typed in full or misspelt, within 2 s each', async () => {
    const [real] = await t.database.query<{ id: string }>(
      sql`SELECT id FROM place WHERE name = '天一广场' AND source = 'demo' AND NOT generated`,
    );
    for (const q of ['天一广场', '天乙广场', '天一光场']) {
      const started = performance.now();
      const res = await t
        .as(inspector)
        .get(`/api/geo/places?q=${encodeURIComponent(q)}&near=${TIANYI.lng},${TIANYI.lat}`);
      expect(performance.now() - started, q).toBeLessThan(2000);
      expect(res.statusCode, res.body).toBe(200);
      // The real one, or a generated namesake a few metres away (the generator reuses names).
      const [top] = res.json().items;
      expect(top.name, q).toBe('天一广场');
      expect(top.id === real.id || top.distanceM < 50, `${q}: ${top.id} at ${top.distanceM} m`).toBe(true);
    }
    for (const q of ['天一', '中山', '路', '天乙广场']) {
      const started = performance.now();
      const res = await t.as(inspector).get(`/api/geo/places?q=${encodeURIComponent(q)}&limit=10`);
      expect(performance.now() - started, q).toBeLessThan(2000);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items.length, q).toBe((await run(reference(normalizeName(q), null, 10))).length);
    }
  });
});
