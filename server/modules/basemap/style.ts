/**
 * MapLibre style fragments for the base map: the sources and layers the web client puts under
 * its own layers (symbol layers — labels — go above them, so names stay readable over the
 * translucent division fills). Pure functions, no I/O:
 *
 * - `cityLayersStyle`: the hand-made style of the base map the platform generates from the
 *   city's own layers (generate.ts writes the layers it names);
 * - an uploaded archive's style (archive-style.ts): its own, made offline, or a default;
 * - `tiandituFragment` / `xyzFragment`: raster tiles from the internet, drawn by the browser.
 *
 * Text: the fragments never carry a `glyphs` URL. MapLibre then draws every glyph locally with
 * TinySDF from the browser's fonts, `text-font` naming the CSS font families (LABEL_FONTS).
 */

/** Font families for labels, Chinese first (the same list as the map page's). */
export const LABEL_FONTS = [
  'WenQuanYi Micro Hei',
  'Noto Sans CJK SC',
  'PingFang SC',
  'Microsoft YaHei',
  'sans-serif',
];

export const LAYER_TYPES = [
  'background',
  'fill',
  'line',
  'symbol',
  'circle',
  'fill-extrusion',
  'heatmap',
] as const;
export type LayerType = (typeof LAYER_TYPES)[number];

export interface FragmentLayer {
  id: string;
  type: LayerType | 'raster';
  source?: string;
  'source-layer'?: string;
  minzoom?: number;
  maxzoom?: number;
  filter?: unknown[];
  layout?: Record<string, unknown>;
  paint?: Record<string, unknown>;
}

export interface VectorSourceSpec {
  type: 'vector';
  /** `pmtiles:///api/basemap/archives/<id>/file`: the client puts its own origin after `pmtiles://`. */
  url: string;
  attribution?: string;
}

export interface RasterSourceSpec {
  type: 'raster';
  tiles: string[];
  tileSize: number;
  minzoom: number;
  maxzoom: number;
  attribution?: string;
}

export interface StyleFragment {
  sources: Record<string, VectorSourceSpec | RasterSourceSpec>;
  layers: FragmentLayer[];
  /** Layers that label divisions (a page that labels divisions itself may leave them out). */
  divisionLabelLayers: string[];
}

/** The one source id of an archive in a fragment; layer ids get the same prefix. */
export const ARCHIVE_SOURCE = 'basemap';
/** Every layer id of a fragment starts with this. */
export const PREFIX = 'basemap-';

export const archiveSourceUrl = (archiveId: string) => `pmtiles:///api/basemap/archives/${archiveId}/file`;

/**
 * A source's `attribution` as MapLibre wants it: MapLibre's attribution control writes it as HTML
 * (innerHTML). What reaches it here is text — an uploaded archive's metadata, the administrator's
 * XYZ field — so it is escaped: `<img onerror=…>` shows as those characters and runs nothing.
 */
export function attributionHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** A fragment drawing `layers` from the archive `archiveId`. */
export function archiveFragment(
  archiveId: string,
  layers: FragmentLayer[],
  attribution: string | null,
  divisionLabelLayers: string[] = [],
): StyleFragment {
  return {
    sources: {
      [ARCHIVE_SOURCE]: {
        type: 'vector',
        url: archiveSourceUrl(archiveId),
        ...(attribution ? { attribution: attributionHtml(attribution) } : {}),
      },
    },
    layers,
    divisionLabelLayers,
  };
}

// ------------------------------------------------------------------------------------------------
// The generated base map's style

/** Layers of the generated archive (generate.ts) and what each holds. */
export const CITY_LAYERS = {
  land: 'the districts (their real outlines where the platform has them): polygons',
  boundary: 'lines: level = outline (a real district outline) | district | township | community',
  road: 'lines: name, generated',
  label: 'points: name, kind = district | township | community | poi | building | road, rank',
} as const;

const kindIs = (...kinds: string[]): unknown[] =>
  kinds.length === 1 ? ['==', ['get', 'kind'], kinds[0]] : ['match', ['get', 'kind'], kinds, true, false];
const levelIs = (level: string): unknown[] => ['==', ['get', 'level'], level];
export const LABEL_HALO = { 'text-halo-color': 'rgba(255,255,255,0.92)', 'text-halo-width': 1.6 };

/** The style of the base map generated from the city's own layers. */
export function cityLayersStyle(): { layers: FragmentLayer[]; divisionLabelLayers: string[] } {
  const src = { source: ARCHIVE_SOURCE };
  const layers: FragmentLayer[] = [
    {
      id: `${PREFIX}land`,
      type: 'fill',
      ...src,
      'source-layer': 'land',
      paint: { 'fill-color': '#f4f1ea', 'fill-opacity': 1 },
    },
    {
      id: `${PREFIX}boundary-outline`,
      type: 'line',
      ...src,
      'source-layer': 'boundary',
      filter: levelIs('outline'),
      paint: { 'line-color': '#b3a993', 'line-width': 1.2, 'line-dasharray': [4, 2] },
    },
    {
      id: `${PREFIX}boundary-community`,
      type: 'line',
      ...src,
      'source-layer': 'boundary',
      minzoom: 13,
      filter: levelIs('community'),
      paint: { 'line-color': '#d4cfc2', 'line-width': 0.6 },
    },
    {
      id: `${PREFIX}boundary-township`,
      type: 'line',
      ...src,
      'source-layer': 'boundary',
      minzoom: 10,
      filter: levelIs('township'),
      paint: { 'line-color': '#b9aecd', 'line-width': 1, 'line-dasharray': [3, 2] },
    },
    {
      id: `${PREFIX}boundary-district`,
      type: 'line',
      ...src,
      'source-layer': 'boundary',
      filter: levelIs('district'),
      paint: { 'line-color': '#9d90b8', 'line-width': 1.6 },
    },
    {
      id: `${PREFIX}road-casing`,
      type: 'line',
      ...src,
      'source-layer': 'road',
      minzoom: 11,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': '#d6c8a8',
        'line-width': ['interpolate', ['exponential', 1.6], ['zoom'], 11, 1.5, 14, 6, 17, 20],
      },
    },
    {
      id: `${PREFIX}road`,
      type: 'line',
      ...src,
      'source-layer': 'road',
      minzoom: 11,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': '#fffaf0',
        'line-width': ['interpolate', ['exponential', 1.6], ['zoom'], 11, 0.8, 14, 4.4, 17, 16],
      },
    },
    {
      id: `${PREFIX}place-dot`,
      type: 'circle',
      ...src,
      'source-layer': 'label',
      minzoom: 14,
      filter: kindIs('poi', 'building'),
      paint: {
        'circle-radius': 3.5,
        'circle-color': ['match', ['get', 'kind'], 'poi', '#c0783a', '#8a7a66'],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1,
      },
    },
    {
      id: `${PREFIX}road-label`,
      type: 'symbol',
      ...src,
      'source-layer': 'road',
      minzoom: 13,
      layout: {
        'symbol-placement': 'line',
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONTS,
        'text-size': ['interpolate', ['linear'], ['zoom'], 13, 11, 17, 14],
        'text-max-angle': 30,
        'symbol-spacing': 320,
      },
      paint: { 'text-color': '#5e5240', ...LABEL_HALO },
    },
    {
      id: `${PREFIX}label-road-point`,
      type: 'symbol',
      ...src,
      'source-layer': 'label',
      minzoom: 15,
      filter: kindIs('road'),
      layout: { 'text-field': ['get', 'name'], 'text-font': LABEL_FONTS, 'text-size': 12 },
      paint: { 'text-color': '#5e5240', ...LABEL_HALO },
    },
    {
      id: `${PREFIX}label-place`,
      type: 'symbol',
      ...src,
      'source-layer': 'label',
      minzoom: 14,
      filter: kindIs('poi', 'building'),
      layout: {
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONTS,
        'text-size': 12,
        'text-anchor': 'top',
        'text-offset': [0, 0.5],
        'symbol-sort-key': ['get', 'rank'],
      },
      paint: { 'text-color': ['match', ['get', 'kind'], 'poi', '#8a4a16', '#5a4e40'], ...LABEL_HALO },
    },
    {
      id: `${PREFIX}label-community`,
      type: 'symbol',
      ...src,
      'source-layer': 'label',
      minzoom: 13.5,
      filter: kindIs('community'),
      layout: { 'text-field': ['get', 'name'], 'text-font': LABEL_FONTS, 'text-size': 12 },
      paint: { 'text-color': '#6b6487', ...LABEL_HALO },
    },
    {
      id: `${PREFIX}label-township`,
      type: 'symbol',
      ...src,
      'source-layer': 'label',
      minzoom: 11,
      maxzoom: 15,
      filter: kindIs('township'),
      layout: { 'text-field': ['get', 'name'], 'text-font': LABEL_FONTS, 'text-size': 14 },
      paint: { 'text-color': '#4a4170', ...LABEL_HALO },
    },
    {
      id: `${PREFIX}label-district`,
      type: 'symbol',
      ...src,
      'source-layer': 'label',
      maxzoom: 13,
      filter: kindIs('district'),
      layout: { 'text-field': ['get', 'name'], 'text-font': LABEL_FONTS, 'text-size': 17 },
      paint: { 'text-color': '#2f2850', ...LABEL_HALO, 'text-halo-width': 2 },
    },
  ];
  return {
    layers,
    divisionLabelLayers: [`${PREFIX}label-community`, `${PREFIX}label-township`, `${PREFIX}label-district`],
  };
}

// ------------------------------------------------------------------------------------------------
// Online raster tiles

export const TIANDITU_LAYERS = ['vec', 'img'] as const;
export type TiandituLayer = (typeof TIANDITU_LAYERS)[number];
/** The annotation layer that goes with each base layer: 矢量注记 over 矢量底图, 影像注记 over 影像. */
const TIANDITU_LABELS: Record<TiandituLayer, string> = { vec: 'cva', img: 'cia' };
export const TIANDITU_HOSTS = Array.from({ length: 8 }, (_, i) => `https://t${i}.tianditu.gov.cn`);
export const TIANDITU_ATTRIBUTION = '© 天地图 国家地理信息公共服务平台';

/**
 * 天地图 Web Mercator (`_w`) WMTS tiles in the KVP form its documentation gives
 * (lbs.tianditu.gov.cn, 地图API → 服务说明): one URL per host t0–t7, `tk` the key.
 */
export function tiandituTileUrls(layer: string, key: string): string[] {
  return TIANDITU_HOSTS.map(
    (host) =>
      `${host}/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default` +
      `&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`,
  );
}

/**
 * 天地图 base layer and its annotations. 天地图 is CGCS2000, which is WGS84 to within centimetres
 * here, like the platform's data: no shift.
 */
export function tiandituFragment(key: string, layer: TiandituLayer): StyleFragment {
  const raster = (l: string): RasterSourceSpec => ({
    type: 'raster',
    tiles: tiandituTileUrls(l, key),
    tileSize: 256,
    minzoom: 1,
    maxzoom: 18,
    attribution: TIANDITU_ATTRIBUTION,
  });
  const label = TIANDITU_LABELS[layer];
  return {
    sources: { [`${PREFIX}tdt-${layer}`]: raster(layer), [`${PREFIX}tdt-${label}`]: raster(label) },
    layers: [
      { id: `${PREFIX}tdt-${layer}`, type: 'raster', source: `${PREFIX}tdt-${layer}` },
      { id: `${PREFIX}tdt-${label}`, type: 'raster', source: `${PREFIX}tdt-${label}` },
    ],
    divisionLabelLayers: [],
  };
}

/** A generic XYZ raster source in WGS84 / CGCS2000 (web.ts refuses GCJ-02 and BD-09 ones). */
export function xyzFragment(url: string, maxZoom: number, attribution: string | null): StyleFragment {
  return {
    sources: {
      [`${PREFIX}xyz`]: {
        type: 'raster',
        tiles: [url],
        tileSize: 256,
        minzoom: 0,
        maxzoom: maxZoom,
        ...(attribution ? { attribution: attributionHtml(attribution) } : {}),
      },
    },
    layers: [{ id: `${PREFIX}xyz`, type: 'raster', source: `${PREFIX}xyz` }],
    divisionLabelLayers: [],
  };
}
