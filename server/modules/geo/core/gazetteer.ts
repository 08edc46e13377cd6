/**
 * The gazetteer's text rules, shared by the search (places.ts), the import (imports/places.ts)
 * and the demo seed: how a name is normalised, which grams index it, and how a match is scored.
 *
 * Why grams and not pg_trgm: trigrams of a four-character Chinese name are few and a single
 * wrong character breaks most of them (天一光场 shares one trigram of 天一广场's), and PGlite has
 * no pg_trgm. Character unigrams + bigrams keep most of the overlap (天一光场 and 天一广场 share
 * 天, 一, 场 and 天一: 4 of 7), and the index is a plain table that PGlite and PostgreSQL query
 * the same way.
 */

/** Kinds of gazetteer entry, in the order the UI lists them. */
export const PLACE_KINDS = ['road', 'poi', 'building', 'community'] as const;
export type PlaceKindName = (typeof PLACE_KINDS)[number];

/** Longest name (and query) in characters. */
export const MAX_PLACE_NAME = 50;

/**
 * NFKC (full-width letters and digits to ASCII), lower case, and only letters and digits of any
 * script: spaces and punctuation carry no meaning in an address search (中山西路 = 中山 西路).
 */
export function normalizeName(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Distinct unigrams and bigrams of a normalised name (by code point, not UTF-16 unit). */
export function gramsOf(norm: string): string[] {
  const chars = [...norm];
  const out = new Set<string>(chars);
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return [...out];
}

/**
 * How many grams a candidate must share with the query: half of the query's, at least one. A
 * one-character misspelling of a four-character name keeps 4 of 7; a name sharing only a common
 * suffix (路, 广场) with the query falls below for any longer query.
 */
export function minSharedGrams(queryGrams: number): number {
  return Math.max(1, Math.ceil(queryGrams / 2));
}

/**
 * Ranking weights (score = similarity + prefix + exact + proximity):
 * - similarity: Dice coefficient of the gram sets, 2·shared / (query grams + name grams), 0…1;
 * - prefix: the name starts with the query (as typed so far);
 * - exact: the name is the query;
 * - proximity: PROXIMITY_WEIGHT / (1 + distance in km) when `near` is given.
 */
export const SCORE = { prefix: 0.5, exact: 0.3, proximity: 0.4 } as const;

/** A stable ID for an entry the file gives none: district, kind and name decide it. */
export function derivedPlaceId(districtCode: string, kind: string, norm: string): string {
  // FNV-1a 64-bit over the UTF-8 bytes, as 16 hex digits: short, stable across runs and machines.
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(`${districtCode}|${kind}|${norm}`)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `P${districtCode}${h.toString(16).padStart(16, '0')}`;
}
