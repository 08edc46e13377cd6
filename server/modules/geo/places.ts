/**
 * The address gazetteer (地名地址): writing places with their search grams (the demo seed in its
 * transaction; an import stages its rows and applies them in short transactions) and searching
 * them as the user types (`GET /api/geo/places`). Prefix and fuzzy matching both come from the
 * gram table (core/gazetteer.ts): a match shares at least half the query's grams; matches are
 * ranked by gram similarity, a bonus when the name starts with (or is) the query, and nearness to
 * `near`. The candidates are bounded (placeSearchSql), so a city's 300,000 places answer as fast
 * as the demo's 2,000. Each answer carries the grid, community, township and district its point
 * lies in, from the in-memory spatial index (never stale after a grid import).
 *
 * Reads follow the geography's rule (policy.ts): the gazetteer is part of the shared base map.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import {
  gramsOf,
  MAX_PLACE_NAME,
  minSharedGrams,
  normalizeName,
  type PlaceKindName,
  SCORE,
} from './core/gazetteer.ts';
import { requireGeoRead } from './policy.ts';
import type { SpatialService } from './spatial-service.ts';

/** A place to write: its point already converted to WGS84 and checked against the grids. */
export interface PlaceWrite {
  id: string;
  name: string;
  kind: PlaceKindName;
  lng: number;
  lat: number;
  districtCode: string;
  generated: boolean;
  source: 'import' | 'demo';
  /** A road's centre line (WGS84), when known. */
  line?: { type: 'LineString'; coordinates: [number, number][] } | null;
}

const json = (v: unknown) => JSON.stringify(v);

/**
 * The map cell of a point, ≈ 500 m (0.005°), as one bigint: the near-candidates' key in
 * place_gram. Written and queried by this one SQL expression (over columns `lng`, `lat` of the
 * row it is evaluated on).
 */
const cellOf = (lng: SQL, lat: SQL) =>
  sql`(floor((${lng} + 180) / 0.005)::bigint * 100000 + floor((${lat} + 90) / 0.005)::bigint)`;

/**
 * Inserts the grams of the places `src` selects (a FROM item with columns id, norm_name,
 * gram_count, lng, lat): the distinct unigrams and bigrams by character, as gazetteer.ts
 * `gramsOf` makes them (PostgreSQL's substr counts characters, i.e. code points, as `[...s]`),
 * made in SQL so no gram row crosses the driver.
 */
function insertGramsSql(src: SQL): SQL {
  return sql`
    INSERT INTO place_gram (gram, place_id, gram_count, cell)
    SELECT DISTINCT substr(s.norm_name, i, l.n), s.id, s.gram_count, ${cellOf(sql`s.lng`, sql`s.lat`)}
    FROM ${src} s
      CROSS JOIN LATERAL generate_series(1, char_length(s.norm_name)) AS i
      CROSS JOIN (VALUES (1), (2)) AS l(n)
    WHERE i + l.n - 1 <= char_length(s.norm_name)`;
}

const placeColumns = (p: PlaceWrite) => {
  const norm = normalizeName(p.name);
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    lng: p.lng,
    lat: p.lat,
    district_code: p.districtCode,
    norm_name: norm,
    gram_count: gramsOf(norm).length,
    generated: p.generated,
    source: p.source,
    line: p.line ?? null,
  };
};

const RECORDSET = sql`(id text, name text, kind text, lng double precision, lat double precision,
      district_code text, norm_name text, gram_count integer, generated boolean, source text, line jsonb)`;

const UPSERT = sql`ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, lng = EXCLUDED.lng,
  lat = EXCLUDED.lat, district_code = EXCLUDED.district_code, norm_name = EXCLUDED.norm_name,
  gram_count = EXCLUDED.gram_count, generated = EXCLUDED.generated, source = EXCLUDED.source,
  line = EXCLUDED.line, updated_at = now(), version = place.version + 1`;

/**
 * Writes places and their grams in three statements (the demo seed, in its transaction); with
 * `upsert`, a stored place of the same ID is replaced (its grams too), so writing the same places
 * again never doubles one.
 */
export async function writePlaces(tx: Db, rows: readonly PlaceWrite[], upsert: boolean): Promise<void> {
  if (rows.length === 0) return;
  const ids = json(rows.map((p) => p.id));
  await tx.execute(sql`
    INSERT INTO place (id, name, kind, lng, lat, district_code, norm_name, gram_count, generated, source, line)
    SELECT id, name, kind, lng, lat, district_code, norm_name, gram_count, generated, source, line
    FROM jsonb_to_recordset(${json(rows.map(placeColumns))}::jsonb) AS x${RECORDSET}
    ${upsert ? UPSERT : sql``}`);
  if (upsert) {
    await tx.execute(sql`DELETE FROM place_gram WHERE place_id IN
      (SELECT value FROM jsonb_array_elements_text(${ids}::jsonb))`);
  }
  await tx.execute(
    insertGramsSql(
      sql`(SELECT * FROM place WHERE id IN (SELECT value FROM jsonb_array_elements_text(${ids}::jsonb)))`,
    ),
  );
}

/** Stages places of an import job (one statement; the caller keeps batches small). */
export async function stagePlaces(db: Db, jobId: string, rows: readonly PlaceWrite[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`
    INSERT INTO place_stage (job_id, id, name, kind, lng, lat, district_code, norm_name, gram_count, generated, source, line)
    SELECT ${jobId}::text, id, name, kind, lng, lat, district_code, norm_name, gram_count, generated, source, line
    FROM jsonb_to_recordset(${json(rows.map(placeColumns))}::jsonb) AS x${RECORDSET}
    ON CONFLICT (job_id, id) DO NOTHING`);
}

/**
 * Moves up to `batch` staged places of a job into `place` and `place_gram`, in one transaction:
 * a stored place of the same ID is replaced with its grams (never doubled), and the staged rows
 * go. Answers how many moved (0: nothing left). Safe to run from several processes at once (the
 * rows are claimed with SKIP LOCKED) and again after a crash (a batch commits whole or not at all).
 */
export async function applyStagedPlaces(db: Db, jobId: string, batch = 1000): Promise<number> {
  return db.transaction(async (tx) => {
    const claimed = (await tx.execute(sql`
      SELECT id FROM place_stage WHERE job_id = ${jobId} ORDER BY id LIMIT ${batch}::int
      FOR UPDATE SKIP LOCKED`)) as unknown as { rows: { id: string }[] };
    if (claimed.rows.length === 0) return 0;
    const ids = json(claimed.rows.map((r) => r.id));
    const src = sql`(SELECT * FROM place_stage WHERE job_id = ${jobId}
      AND id IN (SELECT value FROM jsonb_array_elements_text(${ids}::jsonb)))`;
    await tx.execute(sql`
      INSERT INTO place (id, name, kind, lng, lat, district_code, norm_name, gram_count, generated, source, line)
      SELECT id, name, kind, lng, lat, district_code, norm_name, gram_count, generated, source, line FROM ${src} s
      ${UPSERT}`);
    await tx.execute(sql`DELETE FROM place_gram WHERE place_id IN
      (SELECT value FROM jsonb_array_elements_text(${ids}::jsonb))`);
    await tx.execute(insertGramsSql(src));
    await tx.execute(sql`DELETE FROM place_stage WHERE job_id = ${jobId}
      AND id IN (SELECT value FROM jsonb_array_elements_text(${ids}::jsonb))`);
    return claimed.rows.length;
  });
}

/** Deletes up to `batch` staged places of a job (a failed one); answers how many went. */
export async function dropStagedPlaces(db: Db, jobId: string, batch = 5000): Promise<number> {
  const res = (await db.execute(sql`
    DELETE FROM place_stage WHERE job_id = ${jobId}
      AND id IN (SELECT id FROM place_stage WHERE job_id = ${jobId} LIMIT ${batch}::int)
    RETURNING 1`)) as unknown as { rows: unknown[] };
  return res.rows.length;
}

/** Jobs with staged places, for the recovery sweep. */
export async function stagedPlaceJobs(db: Db): Promise<string[]> {
  const res = (await db.execute(sql`SELECT DISTINCT job_id FROM place_stage`)) as unknown as {
    rows: { job_id: string }[];
  };
  return res.rows.map((r) => r.job_id);
}

/** Which of these place IDs are stored. */
export async function existingPlaceIds(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const res = await db.execute(sql`SELECT id FROM place WHERE id IN
    (SELECT value FROM jsonb_array_elements_text(${json(ids)}::jsonb))`);
  return (res as unknown as { rows: { id: string }[] }).rows.map((r) => r.id);
}

export interface PlaceSearchQuery {
  q: string;
  /** "lng,lat" in WGS84. */
  near?: string;
  limit?: number;
}

const bad = (field: string, zh: string, en: string) =>
  new AppError('VALIDATION_FAILED', { zh, en, details: [{ field: `querystring.${field}`, message: en }] });

function parseNear(raw: string | undefined): { lng: number; lat: number } | null {
  if (raw === undefined) return null;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(raw);
  const lng = m ? Number(m[1]) : Number.NaN;
  const lat = m ? Number(m[2]) : Number.NaN;
  if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) {
    throw bad(
      'near',
      `near 应为“经度,纬度”（WGS84），例如 121.551,29.870，收到：${raw}`,
      `near must be "lng,lat" in WGS84, e.g. 121.551,29.870; got: ${raw}`,
    );
  }
  return { lng, lat };
}

interface Row {
  id: string;
  name: string;
  kind: PlaceKindName;
  lng: number;
  lat: number;
  district_code: string;
  generated: boolean;
  shared: number;
  prefix: boolean;
  exact: boolean;
  distance_m: number | null;
  score: number;
}

/**
 * Bounds of the search's candidate set (see placeSearchSql): how far a gram's posting list is
 * counted to find the rarest grams, how many entries of a chosen posting list are read and how
 * many matches kept from it, and how many prefix matches.
 */
export const SEARCH_BOUNDS = { countUpTo: 200, scanUpTo: 4000, perGram: 200, prefix: 200 } as const;

/**
 * The search's one statement (exported for the benchmark's EXPLAIN ANALYZE).
 *
 * A place is a match when it shares at least m = minSharedGrams(n) of the query's n grams, so it
 * holds at least one of ANY n − m + 1 of them (pigeonhole): the candidates come from the posting
 * lists of the n − m + 1 rarest grams only (their frequency counted up to `countUpTo`), plus the
 * name equal to the query and up to `prefix` names that start with it, in no particular order (a
 * range of place_norm_prefix_idx, in byte order: sorting all of a common prefix's names cost more
 * than the rest of the search; the best prefix matches also come first in the gram lists). A posting
 * list is read shortest names first (place_gram's key: the best similarity first), at most
 * `scanUpTo` entries, and each entry is checked on its own name (a gram is shared exactly when
 * the name contains it), keeping the first `perGram` matches; with `near`, the entries in the
 * 5 × 5 map cells around it (≈ 500 m each: every place within ≈ 1 km) are read the same way.
 * The candidates are then ranked as before. Any query with a rare character or pair reads short
 * lists whole, so it answers exactly as reading everything would; a query of one or two common
 * characters (路, 中山) answers the best of a bounded set, whose best hit is the full search's
 * in practice (test/integration/geo-places-large.test.ts compares them on 50,000 places).
 */
export function placeSearchSql(norm: string, near: { lng: number; lat: number } | null, limit: number): SQL {
  const grams = gramsOf(norm);
  const m = minSharedGrams(grams.length);
  const k = grams.length - m + 1;
  const { countUpTo, scanUpTo, perGram, prefix } = SEARCH_BOUNDS;
  const distance = near
    ? sql`sqrt(power((p.lng - ${near.lng}::double precision) * cos(radians(${near.lat}::double precision)) * 111320, 2)
        + power((p.lat - ${near.lat}::double precision) * 110574, 2))`
    : sql`NULL::double precision`;
  // Byte order: every name starting with norm lies in [norm, norm || U+10FFFF).
  const upper = `${norm}\u{10FFFF}`;
  // A posting list read in the given order, at most scanUpTo entries, keeping the first perGram
  // that are matches (their name holds at least m of the query's grams).
  const matchesOf = (where: SQL, order: SQL) => sql`
    SELECT p.id FROM (
      SELECT g.place_id FROM place_gram g WHERE g.gram = rare.gram ${where} ORDER BY ${order} LIMIT ${scanUpTo}::int
    ) g JOIN place p ON p.id = g.place_id
    WHERE (SELECT count(*) FROM q WHERE strpos(p.norm_name, q.gram) > 0) >= ${m}::int
    LIMIT ${perGram}::int`;
  const nearby = near
    ? sql`UNION
      SELECT y.id FROM rare CROSS JOIN LATERAL (${matchesOf(
        sql`AND g.cell IN (
          SELECT (c.x + dx) * 100000 + c.y + dy
          FROM (SELECT floor((${near.lng}::double precision + 180) / 0.005)::bigint AS x,
                       floor((${near.lat}::double precision + 90) / 0.005)::bigint AS y) c,
            generate_series(-2, 2) dx, generate_series(-2, 2) dy)`,
        sql`g.cell, g.gram_count`,
      )}) y`
    : sql``;
  return sql`
    WITH q AS (SELECT DISTINCT value AS gram FROM jsonb_array_elements_text(${json(grams)}::jsonb)),
    rare AS (
      SELECT q.gram FROM q
      ORDER BY (SELECT count(*) FROM (SELECT 1 FROM place_gram g WHERE g.gram = q.gram LIMIT ${countUpTo}::int) f), q.gram
      LIMIT ${k}::int
    ),
    cand AS (
      SELECT p.id FROM place p WHERE p.norm_name = ${norm}::text
      UNION
      (SELECT p.id FROM place p WHERE p.norm_name ~>=~ ${norm}::text AND p.norm_name ~<~ ${upper}::text
        LIMIT ${prefix}::int)
      UNION
      SELECT x.id FROM rare CROSS JOIN LATERAL (${matchesOf(sql``, sql`g.gram_count, g.place_id`)}) x
      ${nearby}
    ),
    scored AS (
      SELECT p.id, p.name, p.kind, p.lng, p.lat, p.district_code, p.generated,
        (SELECT count(*)::int FROM q WHERE strpos(p.norm_name, q.gram) > 0) AS shared,
        starts_with(p.norm_name, ${norm}::text) AS prefix, p.norm_name = ${norm}::text AS exact,
        ${distance} AS distance_m, p.gram_count
      FROM cand c JOIN place p ON p.id = c.id
    )
    SELECT id, name, kind, lng, lat, district_code, generated, shared, prefix, exact, distance_m,
      2.0 * shared / (${grams.length}::int + gram_count)
        + CASE WHEN prefix THEN ${SCORE.prefix}::double precision ELSE 0 END
        + CASE WHEN exact THEN ${SCORE.exact}::double precision ELSE 0 END
        + COALESCE(${SCORE.proximity}::double precision / (1 + distance_m / 1000), 0) AS score
    FROM scored
    WHERE shared >= ${m}::int
    ORDER BY score DESC, name, id
    LIMIT ${limit}::int`;
}

export async function searchPlaces(
  db: Db,
  spatial: SpatialService,
  ctx: RequestContext,
  query: PlaceSearchQuery,
) {
  requireGeoRead(ctx.actor);
  return queryPlaces(db, spatial, query);
}

/**
 * The gazetteer search itself, for intake's own use (an Open311 `address_string` resolved to a
 * point): the same ranking as `GET /api/geo/places`, without asking for `geo:read` — the
 * reporter's permission to report is what counts there, and the gazetteer is the shared base map.
 */
export async function queryPlaces(db: Db, spatial: SpatialService, query: PlaceSearchQuery) {
  const raw = query.q.trim();
  // One sentence for every over-long q, however long (the URL's own bound is the server's header limit).
  const chars = [...raw].length;
  if (chars > MAX_PLACE_NAME) {
    throw bad(
      'q',
      `搜索内容最多 ${MAX_PLACE_NAME} 个字，收到 ${chars} 个`,
      `q must be at most ${MAX_PLACE_NAME} characters; got ${chars}`,
    );
  }
  const norm = normalizeName(raw);
  if (norm === '') {
    throw bad(
      'q',
      '请输入要搜索的地名或地址（至少一个字或数字）',
      'q must hold a place name or address (at least one letter or digit)',
    );
  }
  const near = parseNear(query.near);
  const limit = query.limit ?? 10;
  const res = await db.execute(placeSearchSql(norm, near, limit));
  const rows = (res as unknown as { rows: Row[] }).rows;
  return {
    q: raw,
    near,
    crs: 'wgs84' as const,
    items: rows.map((r) => {
      const lng = Number(r.lng);
      const lat = Number(r.lat);
      const hit = spatial.lookup(lng, lat);
      return {
        id: r.id,
        name: r.name,
        kind: r.kind,
        point: { lng, lat },
        grid: hit ? hit.grid : null,
        community: hit ? hit.community : null,
        township: hit ? hit.township : null,
        district: hit?.district ?? { code: r.district_code, name: spatial.nameOf(r.district_code) },
        distanceM: r.distance_m === null ? null : Math.round(Number(r.distance_m)),
        score: Math.round(Number(r.score) * 1000) / 1000,
        match: r.exact ? ('exact' as const) : r.prefix ? ('prefix' as const) : ('fuzzy' as const),
        generated: r.generated,
      };
    }),
  };
}

/** One place by its ID with the grid chain of its point, or undefined (intake's `address_id`). */
export async function placeById(db: Db, spatial: SpatialService, id: string) {
  const res = await db.execute(sql`SELECT id, name, lng, lat, district_code FROM place WHERE id = ${id}`);
  const row = (res as unknown as { rows: Pick<Row, 'id' | 'name' | 'lng' | 'lat' | 'district_code'>[] })
    .rows[0];
  if (!row) return undefined;
  const point = { lng: Number(row.lng), lat: Number(row.lat) };
  return { id: row.id, name: row.name, point, hit: spatial.lookup(point.lng, point.lat) };
}

/**
 * The places whose whole name occurs in a written address, longest name first (intake's
 * `address_string`: "宁波市海曙区天一广场东门" names 天一广场). A place qualifies when every gram of
 * its name is among the text's grams (the gram index narrows the candidates) and its normalised
 * name is a substring of the normalised text. Each comes with the grid chain of its point.
 */
export async function placesNamedIn(db: Db, spatial: SpatialService, text: string, limit = 10) {
  const norm = normalizeName(text);
  if (norm === '' || [...norm].length > MAX_PLACE_NAME) return [];
  const grams = gramsOf(norm);
  const res = await db.execute(sql`
    WITH q AS (SELECT DISTINCT value AS gram FROM jsonb_array_elements_text(${json(grams)}::jsonb)),
    cand AS (
      SELECT g.place_id AS id, count(*)::int AS shared
      FROM place_gram g JOIN q ON g.gram = q.gram
      GROUP BY g.place_id
    )
    SELECT p.id, p.name, p.norm_name, p.lng, p.lat, p.district_code
    FROM cand c JOIN place p ON p.id = c.id
    WHERE c.shared = p.gram_count AND strpos(${norm}::text, p.norm_name) > 0
    ORDER BY char_length(p.norm_name) DESC, p.name, p.id
    LIMIT ${limit}::int`);
  const rows = (
    res as unknown as {
      rows: {
        id: string;
        name: string;
        norm_name: string;
        lng: number;
        lat: number;
        district_code: string;
      }[];
    }
  ).rows;
  return rows.map((r) => {
    const point = { lng: Number(r.lng), lat: Number(r.lat) };
    return {
      id: r.id,
      name: r.name,
      normName: r.norm_name,
      exact: r.norm_name === norm,
      point,
      districtCode: r.district_code,
      hit: spatial.lookup(point.lng, point.lat),
    };
  });
}

/**
 * The one place a written address names, for a report without a map point (Open311's
 * `address_string`, a hotline call's address): the places named in it (`placesNamedIn`), the exact
 * name first, else the longest; several places of that name in different districts are told apart
 * by the district the text names. `none`: no place is named; `ambiguous`: several remain (their
 * name and districts, for the message asking which); `tooLong`: over 50 characters, not looked up.
 */
export type AddressPlace =
  | { kind: 'one'; place: Awaited<ReturnType<typeof placesNamedIn>>[number] }
  | { kind: 'none' }
  | { kind: 'tooLong' }
  | { kind: 'ambiguous'; name: string; districts: string[] };

export async function placeForAddress(
  db: Db,
  spatial: SpatialService,
  address: string,
): Promise<AddressPlace> {
  if ([...normalizeName(address)].length > 50) return { kind: 'tooLong' };
  const found = await placesNamedIn(db, spatial, address);
  if (found.length === 0) return { kind: 'none' };
  const exact = found.filter((p) => p.exact);
  const longest = exact.length ? exact : found.filter((p) => p.normName.length === found[0].normName.length);
  // Places of one name in several districts: the district the text names decides, if it names one.
  const named = longest.filter((p) => p.hit && address.includes(p.hit.district.name));
  const pick = longest.length === 1 ? longest : named.length === 1 ? named : [];
  if (pick.length === 1) return { kind: 'one', place: pick[0] };
  return {
    kind: 'ambiguous',
    name: longest[0].name,
    districts: [...new Set(longest.map((p) => p.hit?.district.name ?? p.districtCode))],
  };
}
