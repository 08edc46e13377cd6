/**
 * Place names mentioned in a free text (a report's words: "中山西路天一广场旁边下水道盖子碎了"): the
 * gazetteer's entries whose normalised name occurs in the normalised text — found as the entries
 * whose name equals one of the text's substrings, by the name's index, the same on PGlite and
 * PostgreSQL. A name inside a longer name found at the same place in the text is dropped (天一
 * inside 天一广场). With `near`, a name that exists in several districts (人民路) comes nearest
 * first. Reads follow the gazetteer's rule: the shared base map.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { normalizeName, type PlaceKindName } from './core/gazetteer.ts';

export interface PlaceMention {
  id: string;
  name: string;
  kind: PlaceKindName;
  lng: number;
  lat: number;
  districtCode: string;
  generated: boolean;
  /** Where the name starts in the normalised text (earlier mentions first). */
  at: number;
  distanceM: number | null;
}

/** Only the first characters of a text are scanned: a report names its place early. */
const MAX_SCAN = 500;
/** Longest place name looked for, in characters (longer names are rare in reports' words). */
const MAX_NAME = 24;

export async function placesInText(
  db: Db,
  text: string,
  opts: { near?: { lng: number; lat: number }; limit?: number } = {},
): Promise<PlaceMention[]> {
  const chars = [...normalizeName(text)].slice(0, MAX_SCAN);
  if (chars.length < 2) return [];
  // Every substring of two characters or more: a place is mentioned when its normalised name IS
  // one of them — equality, so the lookup is an index probe per substring (place_norm_name_idx).
  const subs = new Set<string>();
  for (let i = 0; i < chars.length; i++) {
    let s = chars[i];
    for (let j = i + 1; j < Math.min(chars.length, i + MAX_NAME); j++) {
      s += chars[j];
      subs.add(s);
    }
  }
  const norm = chars.join('');
  const near = opts.near;
  const distance = near
    ? sql`sqrt(power((p.lng - ${near.lng}::double precision) * cos(radians(${near.lat}::double precision)) * 111320, 2)
        + power((p.lat - ${near.lat}::double precision) * 110574, 2))`
    : sql`NULL::double precision`;
  const res = await db.execute(sql`
    SELECT p.id, p.name, p.kind, p.lng, p.lat, p.district_code, p.generated, p.norm_name,
      strpos(${norm}::text, p.norm_name) AS at, ${distance} AS distance_m
    FROM place p
    WHERE p.norm_name IN (SELECT value FROM jsonb_array_elements_text(${JSON.stringify([...subs])}::jsonb))
    ORDER BY char_length(p.norm_name) DESC, distance_m NULLS LAST, p.id
    LIMIT 200`);
  const rows = (
    res as unknown as {
      rows: {
        id: string;
        name: string;
        kind: PlaceKindName;
        lng: number;
        lat: number;
        district_code: string;
        generated: boolean;
        norm_name: string;
        at: number;
        distance_m: number | null;
      }[];
    }
  ).rows;
  // Positions in characters (strpos counts characters, not bytes or UTF-16 units).
  const spans = rows.map((r) => {
    const len = [...r.norm_name].length;
    return { r, len, start: Number(r.at) - 1, end: Number(r.at) - 1 + len };
  });
  const kept = spans.filter(
    (s) => !spans.some((o) => o !== s && o.len > s.len && o.start <= s.start && o.end >= s.end),
  );
  return kept
    .sort(
      (a, b) =>
        a.start - b.start ||
        (a.r.distance_m ?? Number.POSITIVE_INFINITY) - (b.r.distance_m ?? Number.POSITIVE_INFINITY) ||
        a.r.id.localeCompare(b.r.id),
    )
    .slice(0, opts.limit ?? 5)
    .map((s) => ({
      id: s.r.id,
      name: s.r.name,
      kind: s.r.kind,
      lng: Number(s.r.lng),
      lat: Number(s.r.lat),
      districtCode: s.r.district_code,
      generated: s.r.generated,
      at: s.start,
      distanceM: s.r.distance_m === null ? null : Math.round(Number(s.r.distance_m)),
    }));
}
