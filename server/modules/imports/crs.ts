/**
 * Which coordinate system a file is in: declared by the caller, or detected from the Shapefile's
 * .prj, the legacy GeoJSON `crs` member, or the coordinates themselves (degrees → WGS84;
 * Gauss–Krüger metres whose false easting carries the zone number → that zone). A projected file
 * without a zone prefix and without a .prj cannot be placed: the caller must declare its EPSG.
 */
import { type Crs, detectCrsFromPrj, gaussKrugerZoneByEpsg, isGeographicCrs } from '../geo/index.ts';
import type { ParsedSource } from './source.ts';

export interface CrsChoice {
  crs: Crs;
  /** A short name for the report and the job row: "gcj02", "EPSG:4549". */
  label: string;
  how: 'declared' | 'prj' | 'geojson-crs' | 'coordinates';
}

export class CrsError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

export function crsLabel(crs: Crs): string {
  return crs.kind === 'geographic' ? crs.system : `EPSG:${crs.zone.epsg}`;
}

/** "wgs84", "gcj02", "bd09", "cgcs2000", "EPSG:4549", "4549", "urn:ogc:def:crs:EPSG::4490", "CRS84". */
export function parseCrsName(name: string): Crs | null {
  const s = name.trim().toLowerCase();
  if (isGeographicCrs(s)) return { kind: 'geographic', system: s };
  if (s.endsWith('crs84')) return { kind: 'geographic', system: 'wgs84' };
  const m = /(?:epsg)?[:]*\s*(\d{4,5})$/.exec(s);
  if (!m) return null;
  const code = Number(m[1]);
  if (code === 4326) return { kind: 'geographic', system: 'wgs84' };
  if (code === 4490) return { kind: 'geographic', system: 'cgcs2000' };
  const zone = gaussKrugerZoneByEpsg(code);
  return zone ? { kind: 'gauss-kruger', zone } : null;
}

function firstPositions(source: ParsedSource, max = 50): number[][] {
  const out: number[][] = [];
  const walk = (c: unknown) => {
    if (out.length >= max || !Array.isArray(c)) return;
    if (typeof c[0] === 'number') out.push(c as number[]);
    else for (const x of c) walk(x);
  };
  for (const f of source.features) {
    if (out.length >= max) break;
    walk((f.geometry as { coordinates?: unknown } | null)?.coordinates);
  }
  return out;
}

function detectFromCoordinates(source: ParsedSource): CrsChoice {
  const ps = firstPositions(source).filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (ps.length === 0)
    return { crs: { kind: 'geographic', system: 'wgs84' }, label: 'wgs84', how: 'coordinates' };
  if (ps.every((p) => Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90)) {
    return { crs: { kind: 'geographic', system: 'wgs84' }, label: 'wgs84', how: 'coordinates' };
  }
  // Projected metres: a zone-prefixed false easting (e.g. 40 500 000) names its zone.
  const zones = new Set(ps.map((p) => Math.floor(p[0] / 1_000_000)));
  if (zones.size === 1) {
    const z = [...zones][0];
    const epsg = z >= 25 && z <= 45 ? 4513 + (z - 25) : z >= 13 && z <= 23 ? 4491 + (z - 13) : null;
    const zone = epsg ? gaussKrugerZoneByEpsg(epsg) : null;
    if (zone) return { crs: { kind: 'gauss-kruger', zone }, label: `EPSG:${epsg}`, how: 'coordinates' };
  }
  throw new CrsError(
    '无法识别坐标系：坐标像是投影坐标（米），但没有 .prj 文件，也无法从横坐标判断带号，请指定 EPSG 代码',
    'cannot detect the coordinate system: the coordinates look projected (metres) but there is no .prj ' +
      'and no zone number in the eastings; declare the EPSG code',
  );
}

export function resolveCrs(declared: string | undefined, source: ParsedSource): CrsChoice {
  if (declared && declared !== 'detect') {
    const crs = parseCrsName(declared);
    if (!crs) {
      throw new CrsError(`不支持的坐标系：${declared}`, `unsupported coordinate system: ${declared}`);
    }
    return { crs, label: crsLabel(crs), how: 'declared' };
  }
  if (source.prj) {
    const d = detectCrsFromPrj(source.prj);
    if (!d.ok) {
      throw new CrsError(
        `.prj 中的坐标系无法使用（${d.name || '空'}：${d.reason}），请指定坐标系`,
        `the .prj coordinate system cannot be used (${d.name || 'empty'}: ${d.reason}); declare the CRS`,
      );
    }
    return { crs: d.crs, label: crsLabel(d.crs), how: 'prj' };
  }
  if (source.geojsonCrs) {
    const crs = parseCrsName(source.geojsonCrs);
    if (!crs) {
      throw new CrsError(
        `GeoJSON 声明的坐标系不受支持：${source.geojsonCrs}`,
        `unsupported CRS in the GeoJSON file: ${source.geojsonCrs}`,
      );
    }
    return { crs, label: crsLabel(crs), how: 'geojson-crs' };
  }
  return detectFromCoordinates(source);
}
