/**
 * Which component types stand near a point, with the nearest distance of each: what the
 * classifier uses to favour the anomaly of a component that is actually there (a report at a
 * point 5 m from a manhole cover of type 01002 is likelier about that cover). The inventory is
 * the city's shared base map, so this reads no scope; it returns types and distances, never
 * components. A bbox on the (lng, lat) index first, then the exact distance.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { component } from './tables.ts';

const EARTH_R = 6371008.8;

export interface TypeNearby {
  typeCode: string;
  distanceM: number;
}

export async function componentTypesNear(
  db: Db,
  lng: number,
  lat: number,
  radiusM = 30,
  limit = 20,
): Promise<TypeNearby[]> {
  if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) return [];
  // Nine decimals: PostgreSQL refuses subnormal float8 literals (5e-324).
  lng = Math.round(lng * 1e9) / 1e9;
  lat = Math.round(lat * 1e9) / 1e9;
  const r = Math.max(1, Math.min(500, radiusM));
  const dLat = (r / 111_000) * 1.01;
  const dLng = dLat / Math.max(0.01, Math.cos((lat * Math.PI) / 180));
  const x = sql.raw(`${Number(lng)}::float8`);
  const y = sql.raw(`${Number(lat)}::float8`);
  const distance = sql`(2 * ${sql.raw(String(EARTH_R))} * asin(least(1, sqrt(
    power(sin(radians(${component.lat} - ${y}) / 2), 2) +
    cos(radians(${y})) * cos(radians(${component.lat})) *
    power(sin(radians(${component.lng} - ${x}) / 2), 2)))))`;
  const res = await db.execute(sql`
    SELECT type_code, min(d) AS distance_m FROM (
      SELECT ${component.typeCode} AS type_code, ${distance} AS d FROM ${component}
      WHERE ${component.lng} BETWEEN ${lng - dLng} AND ${lng + dLng}
        AND ${component.lat} BETWEEN ${lat - dLat} AND ${lat + dLat}
        AND ${component.state} NOT IN ('removed', 'abandoned')
    ) near
    WHERE d <= ${r}
    GROUP BY type_code
    ORDER BY min(d), type_code
    LIMIT ${limit}`);
  return (res as unknown as { rows: { type_code: string; distance_m: number }[] }).rows.map((row) => ({
    typeCode: row.type_code,
    distanceM: Number(row.distance_m),
  }));
}
