import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convertLngLat,
  detectCrsFromPrj,
  type GeographicCrs,
  gaussKrugerToWgs84,
  gaussKrugerZoneByEpsg,
  gaussKrugerZoneByMeridian,
  gaussKrugerZoneForLongitude,
  toWgs84,
  wgs84ToGaussKruger,
} from './crs.ts';

/** Metres between two nearby WGS84 points (equirectangular, fine at metre scale). */
const metres = (a: [number, number], b: [number, number]) =>
  Math.hypot((a[0] - b[0]) * 111_320 * Math.cos((a[1] * Math.PI) / 180), (a[1] - b[1]) * 110_574);

const ningboPoint = fc.tuple(
  fc.double({ min: 121.2, max: 122.1, noNaN: true }),
  fc.double({ min: 29.4, max: 30.2, noNaN: true }),
);

describe('geographic conversions', () => {
  it('offsets Ningbo by a few hundred metres in GCJ-02 and BD-09', () => {
    const p: [number, number] = [121.55, 29.87];
    const g = convertLngLat(p[0], p[1], 'wgs84', 'gcj02');
    const b = convertLngLat(p[0], p[1], 'wgs84', 'bd09');
    expect(metres(p, g)).toBeGreaterThan(100);
    expect(metres(p, g)).toBeLessThan(1000);
    expect(metres(p, b)).toBeGreaterThan(500);
    expect(convertLngLat(p[0], p[1], 'cgcs2000', 'wgs84')).toEqual(p);
  });
  it('round-trips wgs84 → gcj02/bd09 → wgs84 within 1e-5° (in fact ~1e-9°)', () => {
    fc.assert(
      fc.property(ningboPoint, fc.constantFrom<GeographicCrs>('gcj02', 'bd09'), ([lng, lat], sys) => {
        const [x, y] = convertLngLat(lng, lat, 'wgs84', sys);
        const [lng2, lat2] = convertLngLat(x, y, sys, 'wgs84');
        expect(Math.abs(lng2 - lng)).toBeLessThan(1e-8);
        expect(Math.abs(lat2 - lat)).toBeLessThan(1e-8);
        const [gx, gy] = convertLngLat(x, y, sys, 'gcj02');
        const [bx, by] = convertLngLat(gx, gy, 'gcj02', sys);
        expect(Math.abs(bx - x)).toBeLessThan(1e-5);
        expect(Math.abs(by - y)).toBeLessThan(1e-5);
      }),
    );
  });
});

describe('Gauss–Krüger', () => {
  it('knows the CGCS2000 EPSG zones', () => {
    const z = gaussKrugerZoneByEpsg(4549);
    expect(z).toMatchObject({
      width: 3,
      centralMeridian: 120,
      zone: 40,
      zonePrefix: false,
      falseEasting: 500_000,
    });
    expect(gaussKrugerZoneByEpsg(4528)).toMatchObject({
      width: 3,
      centralMeridian: 120,
      zonePrefix: true,
      falseEasting: 40_500_000,
    });
    expect(gaussKrugerZoneByEpsg(4510)).toMatchObject({ width: 6, centralMeridian: 123, zone: 21 });
    expect(gaussKrugerZoneByEpsg(4499)).toMatchObject({
      width: 6,
      centralMeridian: 123,
      falseEasting: 21_500_000,
    });
    expect(gaussKrugerZoneByMeridian(120, 3)?.epsg).toBe(4549);
    expect(gaussKrugerZoneByMeridian(121, 3)).toBeNull();
    expect(gaussKrugerZoneForLongitude(121.4, 3)?.centralMeridian).toBe(120);
    expect(gaussKrugerZoneForLongitude(121.55, 3)?.centralMeridian).toBe(123); // 3° zone 41 starts at 121.5°E
    expect(gaussKrugerZoneForLongitude(121.55, 6)?.centralMeridian).toBe(123);
    expect(gaussKrugerZoneByEpsg(4326)).toBeNull();
  });
  it('projects and unprojects Ningbo points within 1 m (3° and 6°, with and without zone prefix)', () => {
    const zones = [4549, 4528, 4510, 4499, 4550].map((e) => gaussKrugerZoneByEpsg(e)!);
    fc.assert(
      fc.property(ningboPoint, fc.constantFrom(...zones), ([lng, lat], zone) => {
        const [x, y] = wgs84ToGaussKruger(lng, lat, zone);
        expect(Math.floor(x / 1_000_000)).toBe(zone.zonePrefix ? zone.zone : 0);
        expect(y).toBeGreaterThan(3_200_000);
        expect(metres([lng, lat], gaussKrugerToWgs84(x, y, zone))).toBeLessThan(1);
      }),
    );
  });
  it('matches a known projection of 三江口 in EPSG:4549', () => {
    // 121.557°E 29.873°N lies ~150 km east of CM 120E: easting ≈ 650 km, northing ≈ 3 307 km.
    const [x, y] = wgs84ToGaussKruger(121.557, 29.873, gaussKrugerZoneByEpsg(4549)!);
    expect(x).toBeGreaterThan(650_000);
    expect(x).toBeLessThan(651_000);
    expect(y).toBeGreaterThan(3_306_000);
    expect(y).toBeLessThan(3_308_000);
  });
});

const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
const CGCS_PRJ =
  'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
const gkPrj = (name: string, fe: number, cm: number) =>
  `PROJCS["${name}",${CGCS_PRJ},PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",${fe}],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",${cm}],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`;

describe('detectCrsFromPrj', () => {
  it('recognises geographic WGS 84 and CGCS2000', () => {
    expect(detectCrsFromPrj(WGS84_PRJ)).toMatchObject({
      ok: true,
      crs: { kind: 'geographic', system: 'wgs84' },
    });
    expect(detectCrsFromPrj(CGCS_PRJ)).toMatchObject({
      ok: true,
      crs: { kind: 'geographic', system: 'cgcs2000' },
    });
  });
  it('recognises Gauss–Krüger zones by central meridian and false easting', () => {
    const a = detectCrsFromPrj(gkPrj('CGCS2000_3_Degree_GK_CM_120E', 500000, 120));
    expect(a.ok && a.crs.kind === 'gauss-kruger' && a.crs.zone.epsg).toBe(4549);
    const b = detectCrsFromPrj(gkPrj('CGCS2000_3_Degree_GK_Zone_40', 40500000, 120));
    expect(b.ok && b.crs.kind === 'gauss-kruger' && b.crs.zone.epsg).toBe(4528);
    const c = detectCrsFromPrj(gkPrj('CGCS2000_6_Degree_GK_CM_123E', 500000, 123));
    expect(c.ok && c.crs.kind === 'gauss-kruger' && c.crs.zone.epsg).toBe(4510);
    const d = detectCrsFromPrj(gkPrj('CGCS2000_GK_Zone_21', 21500000, 123));
    expect(d.ok && d.crs.kind === 'gauss-kruger' && d.crs.zone.width).toBe(6);
  });
  it('converts through a detected CRS', () => {
    const det = detectCrsFromPrj(gkPrj('CGCS2000_3_Degree_GK_CM_120E', 500000, 120));
    if (!det.ok) throw new Error('not detected');
    const zone = gaussKrugerZoneByEpsg(4549)!;
    const [x, y] = wgs84ToGaussKruger(121.55, 29.87, zone);
    expect(metres([121.55, 29.87], toWgs84(x, y, det.crs))).toBeLessThan(0.01);
  });
  it('refuses what it cannot convert', () => {
    expect(detectCrsFromPrj('')).toMatchObject({ ok: false, reason: 'empty' });
    const xian =
      'PROJCS["Xian_1980_3_Degree_GK_CM_120E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]]],PROJECTION["Gauss_Kruger"],PARAMETER["Central_Meridian",120.0]]';
    expect(detectCrsFromPrj(xian)).toMatchObject({ ok: false, reason: 'unsupported-datum' });
    const merc = `PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",${WGS84_PRJ},PROJECTION["Mercator_Auxiliary_Sphere"]]`;
    expect(detectCrsFromPrj(merc)).toMatchObject({ ok: false, reason: 'unsupported-projection' });
  });
});
