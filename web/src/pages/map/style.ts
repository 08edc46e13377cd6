/**
 * The map style, defined in code: the platform runs without internet, so there is no remote style,
 * no sprite and no glyphs URL.
 *
 * Labels, offline: the style deliberately has NO `glyphs` property. This MapLibre build (see
 * GlyphManager._getAndCacheGlyphsPromise in node_modules/maplibre-gl) draws every glyph locally
 * with TinySDF from the browser's own fonts when a style has no glyphs URL, using `text-font` as
 * the CSS font-family list. So Chinese division names and the digits of grid IDs render from the
 * system's CJK font (WenQuanYi / Noto CJK / PingFang / YaHei, then the generic sans-serif) and no
 * glyph request ever leaves the page — nothing to serve from web/public either.
 *
 * Sources: the platform's own vector tiles (`/tiles/{layer}/{z}/{x}/{y}.mvt`, same origin, the
 * session cookie authenticates them), the real outlines of the demo's districts
 * (`/api/geo/outlines`, drawn under the managed cores), plus GeoJSON sources filled by the page:
 * label points for districts/townships/communities (bbox centres from /api/geo/divisions), the
 * outline of the selected grid, division or component, and the open cases in the caller's scope
 * (GET /api/cases/map), clustered when zoomed out and coloured by their light.
 */
import type { FeatureCollection } from 'geojson';
import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';

export const BACKGROUND = '#f2efe9';
export const LABEL_FONT = [
  'WenQuanYi Micro Hei',
  'Noto Sans CJK SC',
  'PingFang SC',
  'Microsoft YaHei',
  'sans-serif',
];

/** Light fills for the area classes (A core / B general / C outer). */
export const AREA_CLASS_COLORS: Record<'A' | 'B' | 'C', string> = {
  A: '#f5222d',
  B: '#fa8c16',
  C: '#52c41a',
};

/** Component major classes of GB/T 47678.5 (first two digits of the type code). */
export const COMPONENT_MAJOR_COLORS: Record<string, string> = {
  '01': '#1677ff', // 市政公用设施
  '02': '#722ed1', // 交通设施
  '03': '#13c2c2', // 市容环卫设施
  '04': '#389e0d', // 园林绿化设施
  '05': '#8c8c8c', // 其他管理部件
};

/** Ring colour of a component by state: intact shows no warning colour. */
export const COMPONENT_STATE_COLORS: Record<string, string> = {
  intact: '#ffffff',
  damaged: '#ff4d4f',
  lost: '#000000',
  abandoned: '#ad8b00',
  removed: '#bfbfbf',
};

/** A pastel per demo district, so the six districts read apart at city zoom. */
const DISTRICT_FILLS: Record<string, string> = {
  '330203': '#f4d6c6',
  '330205': '#d6e4f0',
  '330206': '#dfe8cf',
  '330211': '#eadcf0',
  '330212': '#f2e8c4',
  '330213': '#cfe8e4',
};

const matchTable = (
  input: ExpressionSpecification,
  table: Record<string, string>,
  fallback: string,
): ExpressionSpecification =>
  ['match', input, ...Object.entries(table).flat(), fallback] as unknown as ExpressionSpecification;

/** A case point's colour by the light of its current deadline (红/黄/绿); grey: no clock running. */
export const CASE_LIGHT_COLORS: Record<'red' | 'yellow' | 'green' | 'none', string> = {
  red: '#f5222d',
  yellow: '#faad14',
  green: '#52c41a',
  none: '#8c8c8c',
};
/** Cases cluster up to this zoom; closer in, every case is its own point. */
export const CASE_CLUSTER_MAX_ZOOM = 15;

/** The layers the legend switches on and off, by group. */
export const LAYER_GROUPS = {
  divisions: [
    'district-fill',
    'community-line',
    'township-line',
    'district-line',
    'community-label',
    'township-label',
    'district-label',
  ],
  grids: ['grid-fill', 'grid-line', 'grid-label'],
  components: ['component-circle'],
  cases: ['case-cluster', 'case-cluster-count', 'case-point'],
} as const;
export type LayerGroup = keyof typeof LAYER_GROUPS;

export const GRID_MIN_ZOOM = 12;
export const COMPONENT_MIN_ZOOM = 14;
/** Tiles are fetched up to this zoom and over-zoomed beyond it. */
const TILE_MAX_ZOOM = 16;

const level = (l: string): ExpressionSpecification => ['==', ['get', 'level'], l];

export function buildStyle(origin: string, withComponents: boolean): StyleSpecification {
  const tiles = (layer: string) => [`${origin}/tiles/${layer}/{z}/{x}/{y}.mvt`];
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
    // The demo's districts' real outlines around their managed cores (none with imported divisions).
    {
      id: 'outline-fill',
      type: 'fill',
      source: 'outlines',
      paint: {
        'fill-color': matchTable(['get', 'code'], DISTRICT_FILLS, '#e6e6e6'),
        'fill-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0.45, 13, 0.2],
      },
    },
    {
      id: 'outline-line',
      type: 'line',
      source: 'outlines',
      paint: { 'line-color': '#8c8c8c', 'line-width': 1.2, 'line-dasharray': [4, 2] },
    },
    {
      id: 'district-fill',
      type: 'fill',
      source: 'divisions',
      'source-layer': 'divisions',
      filter: level('district'),
      paint: {
        'fill-color': matchTable(['get', 'code'], DISTRICT_FILLS, '#e6e6e6'),
        'fill-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.9, 14, 0.35],
      },
    },
    {
      id: 'grid-fill',
      type: 'fill',
      source: 'grids',
      'source-layer': 'grids',
      minzoom: GRID_MIN_ZOOM,
      paint: {
        'fill-color': matchTable(['get', 'areaClass'], AREA_CLASS_COLORS, '#d9d9d9'),
        'fill-opacity': 0.16,
      },
    },
    {
      id: 'grid-line',
      type: 'line',
      source: 'grids',
      'source-layer': 'grids',
      minzoom: GRID_MIN_ZOOM,
      paint: {
        'line-color': '#8c8c8c',
        'line-width': ['interpolate', ['linear'], ['zoom'], 12, 0.2, 16, 0.8],
        'line-opacity': ['interpolate', ['linear'], ['zoom'], 12, 0.3, 14, 0.8],
      },
    },
    {
      id: 'community-line',
      type: 'line',
      source: 'divisions',
      'source-layer': 'divisions',
      filter: level('community'),
      paint: { 'line-color': '#597ef7', 'line-width': 1, 'line-dasharray': [3, 2] },
    },
    {
      id: 'township-line',
      type: 'line',
      source: 'divisions',
      'source-layer': 'divisions',
      filter: level('township'),
      paint: {
        'line-color': '#2f54eb',
        'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.8, 14, 1.8],
      },
    },
    {
      id: 'district-line',
      type: 'line',
      source: 'divisions',
      'source-layer': 'divisions',
      filter: level('district'),
      paint: {
        'line-color': '#10239e',
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.5, 14, 3.5],
      },
    },
  ];
  if (withComponents) {
    layers.push({
      id: 'component-circle',
      type: 'circle',
      source: 'components',
      'source-layer': 'components',
      minzoom: COMPONENT_MIN_ZOOM,
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 14, 2.5, 17, 5, 19, 7],
        'circle-color': matchTable(['slice', ['get', 'typeCode'], 0, 2], COMPONENT_MAJOR_COLORS, '#595959'),
        'circle-stroke-color': matchTable(['get', 'state'], COMPONENT_STATE_COLORS, '#ffffff'),
        'circle-stroke-width': ['case', ['==', ['get', 'state'], 'intact'], 0.8, 2],
      },
    });
  }
  // Open cases (GET /api/cases/map), clustered when zoomed out. A cluster takes the colour of the
  // worst light among its cases: one red case makes the cluster red.
  const light = ['coalesce', ['get', 'light'], 'none'] as unknown as ExpressionSpecification;
  layers.push(
    {
      id: 'case-cluster',
      type: 'circle',
      source: 'cases',
      filter: ['has', 'point_count'],
      paint: {
        'circle-color': [
          'case',
          ['>', ['get', 'red'], 0],
          CASE_LIGHT_COLORS.red,
          ['>', ['get', 'yellow'], 0],
          CASE_LIGHT_COLORS.yellow,
          ['>', ['get', 'green'], 0],
          CASE_LIGHT_COLORS.green,
          CASE_LIGHT_COLORS.none,
        ],
        'circle-opacity': 0.85,
        'circle-radius': ['step', ['get', 'point_count'], 13, 10, 17, 50, 22, 200, 28],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    },
    {
      id: 'case-cluster-count',
      type: 'symbol',
      source: 'cases',
      filter: ['has', 'point_count'],
      layout: {
        'text-field': ['get', 'point_count_abbreviated'],
        'text-font': LABEL_FONT,
        'text-size': 12,
        'text-allow-overlap': true,
      },
      paint: { 'text-color': '#ffffff', 'text-halo-color': 'rgba(0,0,0,0.35)', 'text-halo-width': 1 },
    },
    {
      id: 'case-point',
      type: 'circle',
      source: 'cases',
      filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-color': matchTable(light, CASE_LIGHT_COLORS, CASE_LIGHT_COLORS.none),
        // larger than a component and ringed in white, so a case never reads as a damaged component
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 6, 17, 9],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2.5,
      },
    },
  );
  layers.push(
    {
      id: 'selection-fill',
      type: 'fill',
      source: 'selection',
      filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'fill-color': '#1677ff', 'fill-opacity': 0.18 },
    },
    {
      id: 'selection-line',
      type: 'line',
      source: 'selection',
      filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': '#0958d9', 'line-width': 3 },
    },
    {
      id: 'selection-point',
      type: 'circle',
      source: 'selection',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-radius': 10,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': '#0958d9',
        'circle-stroke-width': 3,
      },
    },
    // Labels appear by zoom: districts at city scale, townships mid, communities and grid IDs close in.
    {
      id: 'grid-label',
      type: 'symbol',
      source: 'grids',
      'source-layer': 'grids',
      minzoom: 16.5,
      layout: {
        'text-field': ['get', 'id'],
        'text-font': LABEL_FONT,
        'text-size': 10,
        'symbol-placement': 'point',
      },
      paint: { 'text-color': '#434343', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 },
    },
    {
      id: 'community-label',
      type: 'symbol',
      source: 'labels',
      filter: level('community'),
      minzoom: 13,
      layout: { 'text-field': ['get', 'name'], 'text-font': LABEL_FONT, 'text-size': 12 },
      paint: { 'text-color': '#1d39c4', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
    },
    {
      id: 'township-label',
      type: 'symbol',
      source: 'labels',
      filter: level('township'),
      minzoom: 10.5,
      maxzoom: 14.5,
      layout: { 'text-field': ['get', 'name'], 'text-font': LABEL_FONT, 'text-size': 13 },
      paint: { 'text-color': '#10239e', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
    },
    {
      id: 'district-label',
      type: 'symbol',
      source: 'labels',
      filter: level('district'),
      maxzoom: 12.5,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONT,
        'text-size': ['interpolate', ['linear'], ['zoom'], 8, 13, 12, 18],
        'text-allow-overlap': true,
      },
      paint: { 'text-color': '#061178', 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
    },
  );

  const empty = { type: 'FeatureCollection', features: [] } as FeatureCollection;
  const style: StyleSpecification = {
    version: 8,
    name: 'cityops-offline',
    sources: {
      divisions: { type: 'vector', tiles: tiles('divisions'), minzoom: 0, maxzoom: TILE_MAX_ZOOM },
      grids: { type: 'vector', tiles: tiles('grids'), minzoom: GRID_MIN_ZOOM, maxzoom: TILE_MAX_ZOOM },
      labels: { type: 'geojson', data: empty },
      selection: { type: 'geojson', data: empty },
      cases: {
        type: 'geojson',
        data: empty,
        cluster: true,
        clusterRadius: 45,
        clusterMaxZoom: CASE_CLUSTER_MAX_ZOOM,
        clusterProperties: {
          red: ['+', ['case', ['==', ['get', 'light'], 'red'], 1, 0]],
          yellow: ['+', ['case', ['==', ['get', 'light'], 'yellow'], 1, 0]],
          green: ['+', ['case', ['==', ['get', 'light'], 'green'], 1, 0]],
        },
      },
      outlines: { type: 'geojson', data: `${origin}/api/geo/outlines` },
    },
    layers,
  };
  if (withComponents) {
    style.sources.components = {
      type: 'vector',
      tiles: tiles('components'),
      minzoom: COMPONENT_MIN_ZOOM,
      maxzoom: TILE_MAX_ZOOM,
    };
  }
  return style;
}
