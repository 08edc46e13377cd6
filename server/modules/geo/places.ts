/**
 * The address gazetteer (地名地址): writing places with their search grams (the import and the
 * demo seed, inside their transactions) and searching them as the user types
 * (`GET /api/geo/places`). Prefix and fuzzy matching both come from the gram table
 * (core/gazetteer.ts): candidates share at least half the query's grams; they are ranked by
 * gram similarity, a bonus when the name starts with (or is) the query, and nearness to `near`.
 * Each answer carries the grid, community, township and district its point lies in, from the
 * in-memory spatial index (never stale after a grid import).
 *
 * Reads follow the geography's rule (policy.ts): the gazetteer is part of the shared base map.
 */
import { sql } from 'drizzle-orm';
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
 * Writes places and their grams in three statements; with `upsert`, a stored place of the same
 * ID is replaced (its grams too), so importing the same file again never doubles a place.
 */
export async function writePlaces(tx: Db, rows: readonly PlaceWrite[], upsert: boolean): Promise<void> {
  if (rows.length === 0) return;
  const batch = rows.map((p) => {
    const norm = normalizeName(p.name);
    return { ...p, norm, grams: gramsOf(norm) };
  });
  await tx.execute(sql`
    INSERT INTO place (id, name, kind, lng, lat, district_code, norm_name, gram_count, generated, source, line)
    SELECT id, name, kind, lng, lat, district_code, norm_name, gram_count, generated, source, line
    FROM jsonb_to_recordset(${json(
      batch.map((p) => ({
        id: p.id,
        name: p.name,
        kind: p.kind,
        lng: p.lng,
        lat: p.lat,
        district_code: p.districtCode,
        norm_name: p.norm,
        gram_count: p.grams.length,
        generated: p.generated,
        source: p.source,
        line: p.line ?? null,
      })),
    )}::jsonb) AS x(id text, name text, kind text, lng double precision, lat double precision,
      district_code text, norm_name text, gram_count integer, generated boolean, source text, line jsonb)
    ${
      upsert
        ? sql`ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, lng = EXCLUDED.lng,
            lat = EXCLUDED.lat, district_code = EXCLUDED.district_code, norm_name = EXCLUDED.norm_name,
            gram_count = EXCLUDED.gram_count, generated = EXCLUDED.generated, source = EXCLUDED.source,
            line = EXCLUDED.line,
            updated_at = now(), version = place.version + 1`
        : sql``
    }`);
  if (upsert) {
    await tx.execute(sql`DELETE FROM place_gram WHERE place_id IN
      (SELECT value FROM jsonb_array_elements_text(${json(batch.map((p) => p.id))}::jsonb))`);
  }
  await tx.execute(sql`
    INSERT INTO place_gram (gram, place_id)
    SELECT gram, place_id FROM jsonb_to_recordset(${json(
      batch.flatMap((p) => p.grams.map((gram) => ({ gram, place_id: p.id }))),
    )}::jsonb) AS x(gram text, place_id text)`);
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
  if ([...raw].length > MAX_PLACE_NAME) {
    throw bad('q', `搜索内容最多 ${MAX_PLACE_NAME} 个字`, `q must be at most ${MAX_PLACE_NAME} characters`);
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
  const grams = gramsOf(norm);
  const distance = near
    ? sql`sqrt(power((p.lng - ${near.lng}::double precision) * cos(radians(${near.lat}::double precision)) * 111320, 2)
        + power((p.lat - ${near.lat}::double precision) * 110574, 2))`
    : sql`NULL::double precision`;
  const res = await db.execute(sql`
    WITH q AS (SELECT DISTINCT value AS gram FROM jsonb_array_elements_text(${json(grams)}::jsonb)),
    cand AS (
      SELECT g.place_id AS id, count(*)::int AS shared
      FROM place_gram g JOIN q ON g.gram = q.gram
      GROUP BY g.place_id
      HAVING count(*) >= ${minSharedGrams(grams.length)}::int
    ),
    scored AS (
      SELECT p.id, p.name, p.kind, p.lng, p.lat, p.district_code, p.generated, c.shared,
        starts_with(p.norm_name, ${norm}::text) AS prefix, p.norm_name = ${norm}::text AS exact,
        ${distance} AS distance_m,
        2.0 * c.shared / (${grams.length}::int + p.gram_count) AS similarity
      FROM cand c JOIN place p ON p.id = c.id
    )
    SELECT id, name, kind, lng, lat, district_code, generated, shared, prefix, exact, distance_m,
      similarity
        + CASE WHEN prefix THEN ${SCORE.prefix}::double precision ELSE 0 END
        + CASE WHEN exact THEN ${SCORE.exact}::double precision ELSE 0 END
        + COALESCE(${SCORE.proximity}::double precision / (1 + distance_m / 1000), 0) AS score
    FROM scored
    ORDER BY score DESC, name, id
    LIMIT ${limit}::int`);
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
