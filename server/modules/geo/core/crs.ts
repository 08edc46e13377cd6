/**
 * Coordinate reference systems (domain.md §3): everything is stored as WGS84 lng/lat. CGCS2000
 * and WGS84 differ by a few centimetres, far below what a 100 m grid cares about, so CGCS2000
 * geographic coordinates are stored unchanged.
 *
 * Inputs come in three other shapes:
 * - GCJ-02 (AMap, Tencent) and BD-09 (Baidu) from phones with Chinese map SDKs: obfuscated
 *   lng/lat, converted with gcoord, whose inverses are refined here (see `refineInverse`).
 * - CGCS2000 Gauss–Krüger projected metres from official survey Shapefiles: 3° zones
 *   (EPSG:4513–4533 with the zone number in the false easting, EPSG:4534–4554 without) and 6°
 *   zones (EPSG:4491–4501 / 4502–4512), converted with proj4.
 * - A Shapefile's .prj WKT tells which of these applies: `detectCrsFromPrj`.
 */
import gcoord from 'gcoord';
import proj4 from 'proj4';

export type LngLat = [lng: number, lat: number];

/** Geographic (degree) systems. `cgcs2000` is treated as identical to `wgs84`. */
export type GeographicCrs = 'wgs84' | 'cgcs2000' | 'gcj02' | 'bd09';

export const GEOGRAPHIC_CRS: readonly GeographicCrs[] = ['wgs84', 'cgcs2000', 'gcj02', 'bd09'];

export function isGeographicCrs(value: string): value is GeographicCrs {
  return (GEOGRAPHIC_CRS as readonly string[]).includes(value);
}

const GCOORD_CRS = {
  wgs84: gcoord.WGS84,
  cgcs2000: gcoord.WGS84,
  gcj02: gcoord.GCJ02,
  bd09: gcoord.BD09,
} as const;

function gcoordTransform(lng: number, lat: number, from: GeographicCrs, to: GeographicCrs): LngLat {
  // gcoord may reuse its input array; pass a fresh one each time.
  const out = gcoord.transform([lng, lat] as [number, number], GCOORD_CRS[from], GCOORD_CRS[to]);
  return [out[0], out[1]];
}

/**
 * gcoord's GCJ-02 → WGS84 stops iterating at 1e-6° (~0.1 m) and its BD-09 → GCJ-02 is a
 * closed-form approximation. A point near a grid edge can then land in the neighbouring
 * grid after a round trip, so we polish the inverse with a few fixed-point steps against the
 * exact forward function until the forward image matches the input to ~1e-10°.
 */
function refineInverse(target: LngLat, start: LngLat, forward: (lng: number, lat: number) => LngLat): LngLat {
  let lng = start[0];
  let lat = start[1];
  for (let i = 0; i < 8; i++) {
    const [fLng, fLat] = forward(lng, lat);
    const dLng = fLng - target[0];
    const dLat = fLat - target[1];
    if (Math.abs(dLng) < 1e-11 && Math.abs(dLat) < 1e-11) break;
    lng -= dLng;
    lat -= dLat;
  }
  return [lng, lat];
}

/**
 * Convert a point between geographic systems. Inverse directions (towards WGS84) are refined
 * so that `convertLngLat(convertLngLat(p, 'wgs84', s), s, 'wgs84')` returns p within ~1e-9°.
 * Outside China gcoord applies no offset, and neither do we.
 */
export function convertLngLat(lng: number, lat: number, from: GeographicCrs, to: GeographicCrs): LngLat {
  const f = from === 'cgcs2000' ? 'wgs84' : from;
  const t = to === 'cgcs2000' ? 'wgs84' : to;
  if (f === t) return [lng, lat];
  // Rank of each system along wgs84 → gcj02 → bd09; forward is towards bd09.
  const rank = { wgs84: 0, gcj02: 1, bd09: 2 } as const;
  if (rank[f] < rank[t]) return gcoordTransform(lng, lat, f, t);
  const rough = gcoordTransform(lng, lat, f, t);
  return refineInverse([lng, lat], rough, (x, y) => gcoordTransform(x, y, t, f));
}

// ---------------------------------------------------------------------------------------
// CGCS2000 Gauss–Krüger

export interface GaussKrugerZone {
  /** EPSG code of the CGCS2000 GK CRS. */
  epsg: number;
  /** Zone width in degrees. */
  width: 3 | 6;
  centralMeridian: number;
  /** Zone number: 3°: CM / 3; 6°: (CM + 3) / 6. */
  zone: number;
  /** True when the false easting carries the zone number (e.g. 40 500 000 m for 3° zone 40). */
  zonePrefix: boolean;
  falseEasting: number;
  /** proj4 definition string. */
  proj4: string;
}

/*
 * EPSG ranges for CGCS2000 GK (75°E–135°E covers China):
 *   3°: 4513–4533 zones 25–45 with prefix; 4534–4554 CM 75E–135E without prefix.
 *   6°: 4491–4501 zones 13–23 with prefix; 4502–4512 CM 75E–135E without prefix.
 */
function makeZone(width: 3 | 6, zone: number, zonePrefix: boolean): GaussKrugerZone {
  const centralMeridian = width === 3 ? zone * 3 : zone * 6 - 3;
  let epsg: number;
  if (width === 3) epsg = zonePrefix ? 4513 + (zone - 25) : 4534 + (zone - 25);
  else epsg = zonePrefix ? 4491 + (zone - 13) : 4502 + (zone - 13);
  const falseEasting = zonePrefix ? zone * 1_000_000 + 500_000 : 500_000;
  return {
    epsg,
    width,
    centralMeridian,
    zone,
    zonePrefix,
    falseEasting,
    // CGCS2000 uses the GRS80 ellipsoid parameters (a, 1/f = 298.257222101); scale factor 1.
    proj4: `+proj=tmerc +lat_0=0 +lon_0=${centralMeridian} +k=1 +x_0=${falseEasting} +y_0=0 +ellps=GRS80 +units=m +no_defs`,
  };
}

/** The CGCS2000 GK zone for an EPSG code, or null when the code is not one of them. */
export function gaussKrugerZoneByEpsg(epsg: number): GaussKrugerZone | null {
  if (epsg >= 4513 && epsg <= 4533) return makeZone(3, 25 + (epsg - 4513), true);
  if (epsg >= 4534 && epsg <= 4554) return makeZone(3, 25 + (epsg - 4534), false);
  if (epsg >= 4491 && epsg <= 4501) return makeZone(6, 13 + (epsg - 4491), true);
  if (epsg >= 4502 && epsg <= 4512) return makeZone(6, 13 + (epsg - 4502), false);
  return null;
}

/**
 * The zone for a central meridian (e.g. 120 → EPSG:4549 for 3°; 123 → EPSG:4510 for 6°).
 * Returns null when the meridian is not a centre of a zone of that width within 75°E–135°E.
 */
export function gaussKrugerZoneByMeridian(
  centralMeridian: number,
  width: 3 | 6,
  zonePrefix = false,
): GaussKrugerZone | null {
  const zone = width === 3 ? centralMeridian / 3 : (centralMeridian + 3) / 6;
  if (!Number.isInteger(zone)) return null;
  if (width === 3 && (zone < 25 || zone > 45)) return null;
  if (width === 6 && (zone < 13 || zone > 23)) return null;
  return makeZone(width, zone, zonePrefix);
}

/**
 * The zone that contains a longitude (for choosing where to project, e.g. in tests).
 * 3° zones are centred on multiples of 3°; 6° zones span [6n−6, 6n).
 */
export function gaussKrugerZoneForLongitude(
  lng: number,
  width: 3 | 6,
  zonePrefix = false,
): GaussKrugerZone | null {
  const cm = width === 3 ? Math.round(lng / 3) * 3 : Math.floor(lng / 6) * 6 + 3;
  return gaussKrugerZoneByMeridian(cm, width, zonePrefix);
}

const converters = new Map<string, proj4.Converter>();

function converterFor(zone: GaussKrugerZone): proj4.Converter {
  let c = converters.get(zone.proj4);
  if (!c) {
    c = proj4(zone.proj4, 'WGS84');
    converters.set(zone.proj4, c);
  }
  return c;
}

/**
 * Projected GK metres (easting x, northing y — the Shapefile axis order, not EPSG's
 * northing-first order) → WGS84 lng/lat.
 */
export function gaussKrugerToWgs84(easting: number, northing: number, zone: GaussKrugerZone): LngLat {
  const [lng, lat] = converterFor(zone).forward([easting, northing]);
  return [lng, lat];
}

export function wgs84ToGaussKruger(
  lng: number,
  lat: number,
  zone: GaussKrugerZone,
): [easting: number, northing: number] {
  const [x, y] = converterFor(zone).inverse([lng, lat]);
  return [x, y];
}

// ---------------------------------------------------------------------------------------
// Any supported CRS

export type Crs =
  | { kind: 'geographic'; system: GeographicCrs }
  | { kind: 'gauss-kruger'; zone: GaussKrugerZone };

/** Any supported CRS → WGS84 lng/lat: the one function importers need per coordinate. */
export function toWgs84(x: number, y: number, crs: Crs): LngLat {
  if (crs.kind === 'geographic') return convertLngLat(x, y, crs.system, 'wgs84');
  return gaussKrugerToWgs84(x, y, crs.zone);
}

export function fromWgs84(lng: number, lat: number, crs: Crs): [number, number] {
  if (crs.kind === 'geographic') return convertLngLat(lng, lat, 'wgs84', crs.system);
  return wgs84ToGaussKruger(lng, lat, crs.zone);
}

// ---------------------------------------------------------------------------------------
// .prj detection

export type PrjDetection =
  | { ok: true; crs: Crs; name: string }
  | {
      ok: false;
      name: string;
      reason: 'empty' | 'unsupported-datum' | 'unsupported-projection' | 'unrecognised';
    };

function wktName(wkt: string, keyword: string): string | null {
  const m = new RegExp(`${keyword}\\s*\\[\\s*"([^"]*)"`, 'i').exec(wkt);
  return m ? m[1] : null;
}

function wktParameter(wkt: string, name: string): number | null {
  const m = new RegExp(`PARAMETER\\s*\\[\\s*"${name}"\\s*,\\s*([-+0-9.eE]+)`, 'i').exec(wkt);
  return m ? Number(m[1]) : null;
}

/**
 * Recognise the CRS of an ESRI .prj (WKT1) string. Supported: geographic WGS 84 and CGCS2000
 * (GCS_China_Geodetic_Coordinate_System_2000), and CGCS2000 Gauss–Krüger / Transverse Mercator
 * 3° or 6° zones (from the central meridian and false easting, falling back to an EPSG
 * AUTHORITY and to the zone name). Beijing 1954 and Xi'an 1980 are reported as unsupported:
 * they need a local seven-parameter transformation we do not have.
 */
export function detectCrsFromPrj(wkt: string): PrjDetection {
  const text = wkt.trim();
  if (!text) return { ok: false, name: '', reason: 'empty' };
  const projcs = wktName(text, 'PROJCS');
  const geogcs = wktName(text, 'GEOGCS') ?? '';
  const datum = `${wktName(text, 'DATUM') ?? ''} ${geogcs}`;
  const name = projcs ?? geogcs;
  const norm = datum.toLowerCase().replace(/[\s_-]+/g, '');

  const isCgcs =
    norm.includes('chinageodeticcoordinatesystem2000') ||
    norm.includes('cgcs2000') ||
    norm.includes('chinageodetic');
  const isWgs = norm.includes('wgs1984') || norm.includes('wgs84');
  if (/beijing|xian|xi_an|1954|1980/i.test(datum)) return { ok: false, name, reason: 'unsupported-datum' };
  if (!isCgcs && !isWgs) return { ok: false, name, reason: 'unrecognised' };

  if (!projcs) return { ok: true, name, crs: { kind: 'geographic', system: isCgcs ? 'cgcs2000' : 'wgs84' } };

  const projection = (wktName(text, 'PROJECTION') ?? '').toLowerCase();
  if (!isCgcs || !/gauss|transverse_mercator|transverse mercator/.test(projection)) {
    return { ok: false, name, reason: 'unsupported-projection' };
  }
  const lastAuthority = /AUTHORITY\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]\s*\]\s*$/i.exec(text);
  if (lastAuthority) {
    const zone = gaussKrugerZoneByEpsg(Number(lastAuthority[1]));
    if (zone) return { ok: true, name, crs: { kind: 'gauss-kruger', zone } };
  }
  const cm = wktParameter(text, 'Central_Meridian');
  const fe = wktParameter(text, 'False_Easting');
  const scale = wktParameter(text, 'Scale_Factor');
  if (cm === null || (scale !== null && Math.abs(scale - 1) > 1e-12)) {
    return { ok: false, name, reason: 'unsupported-projection' };
  }
  const zonePrefix = fe !== null && fe > 1_000_000;
  // The name says the width ("3_Degree"/"6_Degree"); otherwise a meridian that is a multiple
  // of 3 but not of the 6° pattern (6n−3) must be 3°, and the false easting's zone number
  // disambiguates the rest.
  let width: 3 | 6 | null = /6_?degree/i.test(name) ? 6 : /3_?degree/i.test(name) ? 3 : null;
  if (width === null && zonePrefix) {
    const zoneNo = Math.floor((fe as number) / 1_000_000);
    width = zoneNo === cm / 3 ? 3 : zoneNo === (cm + 3) / 6 ? 6 : null;
  }
  if (width === null) width = (cm + 3) % 6 === 0 ? 6 : 3;
  const zone = gaussKrugerZoneByMeridian(cm, width, zonePrefix);
  if (!zone || (fe !== null && Math.abs(fe - zone.falseEasting) > 1e-6)) {
    return { ok: false, name, reason: 'unsupported-projection' };
  }
  return { ok: true, name, crs: { kind: 'gauss-kruger', zone } };
}
