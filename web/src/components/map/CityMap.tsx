/**
 * A small MapLibre map of the city from our own vector tiles: districts, townships and
 * communities from `/tiles/divisions`, unit grids from `/tiles/grids`, the demo's real district
 * outlines (`/api/geo/outlines`) around them, optionally the components (部件) from
 * `/tiles/components`, over the city's base map (GET /api/basemap, basemap.ts: the archive
 * generated from the city's layers, an uploaded offline one, or 天地图) or a plain background.
 * With a base map, our fills turn translucent and its labels sit above our lines. Optional
 * marker (draggable); optional click-to-pick (a point, or a component under the finger); overlay
 * controls as children. Tiles that fail (no network) leave the plain background, silently.
 *
 *   <CityMap marker={{ lng, lat }} onPick={(p) => …} height={320} />
 *
 * The container carries what the map shows now (`data-ready`, `data-center` "lng,lat",
 * `data-zoom`, `data-idle` once all in view is drawn, `data-basemap` the base map's kind once
 * added), so a test can tell where a point is on the screen and when the map is complete.
 *
 * `audience="public"` (the public portal, no session) draws what the public may see, from
 * /api/public/map: the division tiles and outlines, never grids, components or the staff's base
 * map. `points` draws a set of coloured dots (the portal's reports nearby); a tap on one goes to
 * `onPickPoint`. `heat` draws counts in cells as a heat map (decision support's cases of a period),
 * each cell weighted by its share of the busiest one; the container carries `data-heat`, the
 * number of cells drawn.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import {
  AttributionControl,
  type GeoJSONSource,
  Map as MapLibreMap,
  Marker,
  NavigationControl,
  ScaleControl,
  type StyleSpecification,
  setWorkerUrl,
  type VectorTileSource,
} from 'maplibre-gl';
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { applyBaseMap, type BaseMapStyle, foldAttribution, useBaseMap } from './basemap';
import { type MapAudience, useMapInfo } from './geo';

// Bundled, MapLibre cannot find its worker next to its module: point it at the asset Vite emits.
setWorkerUrl(maplibreWorkerUrl);

export interface LngLat {
  lng: number;
  lat: number;
}

export interface CityMapProps {
  /** Point to show (WGS84); the map centres on it. */
  marker?: LngLat | null;
  /** Click on the map → the clicked point (WGS84). Turns the cursor into a crosshair. */
  onPick?: (p: LngLat) => void;
  height?: number | string;
  /** Zoom when centred on the marker. */
  zoom?: number;
  /** Extent to show when there is no marker, [west, south, east, north]; default the whole city. */
  bounds?: [number, number, number, number] | null;
  /** Draw the unit grids (from zoom 13). Default true. */
  grids?: boolean;
  /** Draw the components (部件, from zoom 14; needs `component:read`). Default false. */
  components?: boolean;
  /** A tap on a drawn component → the component (instead of `onPick`). */
  onPickComponent?: (c: PickedComponent) => void;
  /** The component to ring (the one attached). */
  selectedComponentId?: string | null;
  /** The marker can be dragged; where it is dropped goes to `onPick`. */
  draggable?: boolean;
  /** A new value centres the map on the marker (e.g. after "my location"), wherever it was. */
  focusKey?: string | number;
  /** Controls drawn over the map (e.g. a "my location" button). */
  children?: ReactNode;
  testId?: string;
  /**
   * The base map to draw under our layers: the city's (default), none, or a given one (the
   * administrator's preview of an archive).
   */
  baseMap?: 'city' | 'none' | { style: BaseMapStyle | null; demo?: boolean; kind?: string };
  /** Whose data: the signed-in staff's (default) or the public's (no grids, no components, no base map). */
  audience?: MapAudience;
  /** Dots to draw (given at creation: the layer exists only on maps that draw points). */
  points?: readonly MapPoint[];
  /** A tap on a dot → its id (instead of `onPick`). */
  onPickPoint?: (id: string) => void;
  /** The dot to ring. */
  selectedPointId?: string | null;
  /** Counts in cells to draw as a heat map (given at creation: the layer exists only on maps that draw heat). */
  heat?: readonly HeatCell[];
}

/** A cell of a heat map (WGS84) and how many it counts. */
export interface HeatCell extends LngLat {
  count: number;
}

/** A dot on the map (WGS84) in a colour of its own. */
export interface MapPoint extends LngLat {
  id: string;
  color: string;
}

/** A component as its vector tile carries it, with its point. */
export interface PickedComponent extends LngLat {
  id: string;
  typeCode: string;
  state: string;
}

const tileUrl = (layer: string, audience: MapAudience = 'staff') =>
  audience === 'public'
    ? `${window.location.origin}/api/public/map/tiles/{z}/{x}/{y}.mvt`
    : `${window.location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt`;

/** Component major classes of GB/T 47678.5 (first two digits of the type code), as the city map colours them. */
const COMPONENT_COLOURS: (string | string[])[] = [
  ['01'],
  '#1677ff',
  ['02'],
  '#722ed1',
  ['03'],
  '#13c2c2',
  ['04'],
  '#389e0d',
];

/**
 * The plain style: background, division fills and outlines, grid outlines, optionally components
 * (never for the public) and dots.
 */
export function cityStyle(
  grids = true,
  components = false,
  audience: MapAudience = 'staff',
  points = false,
  heat = false,
): StyleSpecification {
  if (audience === 'public') {
    grids = false;
    components = false;
  }
  return {
    version: 8,
    sources: {
      divisions: { type: 'vector', tiles: [tileUrl('divisions', audience)], minzoom: 0, maxzoom: 16 },
      outlines: {
        type: 'geojson',
        data: `${window.location.origin}${audience === 'public' ? '/api/public/map/outlines' : '/api/geo/outlines'}`,
      },
      ...(points ? { points: { type: 'geojson' as const, data: EMPTY_POINTS } } : {}),
      ...(heat ? { heat: { type: 'geojson' as const, data: EMPTY_POINTS } } : {}),
      ...(grids
        ? { grids: { type: 'vector' as const, tiles: [tileUrl('grids')], minzoom: 12, maxzoom: 16 } }
        : {}),
      ...(components
        ? {
            components: {
              type: 'vector' as const,
              tiles: [tileUrl('components')],
              minzoom: 14,
              maxzoom: 16,
            },
          }
        : {}),
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef1f4' } },
      // The demo's districts' real outlines around the managed cores (none with imported divisions).
      { id: 'outline-fill', type: 'fill', source: 'outlines', paint: { 'fill-color': '#e3e8ee' } },
      {
        id: 'outline-line',
        type: 'line',
        source: 'outlines',
        paint: { 'line-color': '#9aa5b1', 'line-width': 1, 'line-dasharray': [4, 2] },
      },
      {
        id: 'district-fill',
        type: 'fill',
        source: 'divisions',
        'source-layer': 'divisions',
        filter: ['==', ['get', 'level'], 'district'],
        paint: { 'fill-color': '#f9fafb', 'fill-opacity': 1 },
      },
      {
        id: 'community-fill',
        type: 'fill',
        source: 'divisions',
        'source-layer': 'divisions',
        minzoom: 12,
        filter: ['==', ['get', 'level'], 'community'],
        paint: {
          'fill-color': [
            'match',
            ['%', ['to-number', ['get', 'code'], 0], 4],
            0,
            '#eef4fb',
            1,
            '#f2f7ee',
            2,
            '#fbf5ec',
            '#f5f0fa',
          ],
          'fill-opacity': 0.8,
        },
      },
      ...(grids
        ? ([
            {
              id: 'grid-line',
              type: 'line',
              source: 'grids',
              'source-layer': 'grids',
              minzoom: 13,
              paint: { 'line-color': '#b8c4d3', 'line-width': 0.6 },
            },
          ] as StyleSpecification['layers'])
        : []),
      {
        id: 'community-line',
        type: 'line',
        source: 'divisions',
        'source-layer': 'divisions',
        minzoom: 12,
        filter: ['==', ['get', 'level'], 'community'],
        paint: { 'line-color': '#8fa3bb', 'line-width': 0.8, 'line-dasharray': [3, 2] },
      },
      {
        id: 'township-line',
        type: 'line',
        source: 'divisions',
        'source-layer': 'divisions',
        minzoom: 10,
        filter: ['==', ['get', 'level'], 'township'],
        paint: { 'line-color': '#5b7393', 'line-width': 1.2 },
      },
      {
        id: 'district-line',
        type: 'line',
        source: 'divisions',
        'source-layer': 'divisions',
        filter: ['==', ['get', 'level'], 'district'],
        paint: { 'line-color': '#1d3f72', 'line-width': 2 },
      },
      ...(components
        ? ([
            {
              id: 'component-circle',
              type: 'circle',
              source: 'components',
              'source-layer': 'components',
              minzoom: 15,
              paint: {
                'circle-radius': ['interpolate', ['linear'], ['zoom'], 15, 3, 17, 6, 19, 9],
                'circle-color': [
                  'match',
                  ['slice', ['get', 'typeCode'], 0, 2],
                  ...COMPONENT_COLOURS,
                  '#8c8c8c',
                ],
                'circle-stroke-color': '#ffffff',
                'circle-stroke-width': 1,
              },
            },
            {
              id: 'component-selected',
              type: 'circle',
              source: 'components',
              'source-layer': 'components',
              minzoom: 14,
              filter: ['==', ['get', 'id'], ''],
              paint: {
                'circle-radius': 12,
                'circle-color': 'rgba(0,0,0,0)',
                'circle-stroke-color': '#d4380d',
                'circle-stroke-width': 3,
              },
            },
          ] as StyleSpecification['layers'])
        : []),
      ...(heat
        ? ([
            {
              id: 'heat',
              type: 'heatmap',
              source: 'heat',
              paint: {
                'heatmap-weight': ['get', 'weight'],
                // Gentle at the city's zoom, where many cells share a few pixels; stronger closer in.
                'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 9, 0.5, 12, 0.9, 16, 2],
                'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 9, 8, 12, 16, 16, 36],
                'heatmap-opacity': 0.8,
                'heatmap-color': [
                  'interpolate',
                  ['linear'],
                  ['heatmap-density'],
                  0,
                  'rgba(33,102,172,0)',
                  0.2,
                  '#67a9cf',
                  0.4,
                  '#d1e5f0',
                  0.6,
                  '#fddbc7',
                  0.8,
                  '#ef8a62',
                  1,
                  '#b2182b',
                ],
              },
            },
          ] as StyleSpecification['layers'])
        : []),
      ...(points
        ? ([
            {
              id: 'point-selected',
              type: 'circle',
              source: 'points',
              filter: ['==', ['get', 'id'], ''],
              paint: {
                'circle-radius': 13,
                'circle-color': 'rgba(0,0,0,0)',
                'circle-stroke-color': '#1f2329',
                'circle-stroke-width': 3,
              },
            },
            {
              id: 'point-circle',
              type: 'circle',
              source: 'points',
              paint: {
                'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 5, 16, 8, 19, 10],
                'circle-color': ['get', 'color'],
                'circle-stroke-color': '#ffffff',
                'circle-stroke-width': 2,
              },
            },
          ] as StyleSpecification['layers'])
        : []),
    ],
  };
}

const EMPTY_POINTS: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Maps whose `load` has fired: their sources and layers exist from then on. */
const loadedMaps = new WeakSet<MapLibreMap>();

/**
 * Runs `apply` now if the map has loaded, else once it does; returns the effect's clean-up.
 * Not `isStyleLoaded()`: that is false again whenever a tile or source is still loading, and a
 * `once('load')` registered then never fires, since `load` comes only once. The portal's dots were
 * lost that way on a busy machine (they arrived while the base map's tiles were loading).
 */
function whenLoaded(m: MapLibreMap, apply: () => void): () => void {
  if (loadedMaps.has(m)) {
    apply();
    return () => {};
  }
  m.once('load', apply);
  return () => {
    m.off('load', apply);
  };
}

const pointFeatures = (points: readonly MapPoint[]): GeoJSON.FeatureCollection => ({
  type: 'FeatureCollection',
  features: points.map((p) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
    properties: { id: p.id, color: p.color },
  })),
});

/** Each cell weighs its share of the busiest cell (0…1), whatever the period's volume. */
const heatFeatures = (cells: readonly HeatCell[]): GeoJSON.FeatureCollection => {
  const max = cells.reduce((m, c) => Math.max(m, c.count), 0) || 1;
  return {
    type: 'FeatureCollection',
    features: cells.map((c) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [c.lng, c.lat] },
      properties: { weight: c.count / max, count: c.count },
    })),
  };
};

/** Pixels around a tap that still count as touching a component (a fingertip is not a pixel). */
const TOUCH_SLOP = 12;

/** Our fills over a base map: the outline area gives way to the base map's land, the rest lighten. */
const FILL_OPACITY: Record<string, [plain: number, overBase: number]> = {
  'outline-fill': [1, 0],
  'district-fill': [1, 0.25],
  'community-fill': [0.8, 0.4],
};

export function CityMap({
  marker,
  onPick,
  bounds,
  height = 320,
  zoom = 16,
  grids = true,
  components = false,
  onPickComponent,
  selectedComponentId,
  draggable = false,
  focusKey,
  children,
  testId = 'city-map',
  baseMap: baseMapProp = 'city',
  audience = 'staff',
  points,
  onPickPoint,
  selectedPointId,
  heat,
}: CityMapProps) {
  // The staff's base map needs a session: the public's map draws none.
  const baseMap = audience === 'public' ? 'none' : baseMapProp;
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | null>(null);
  const pin = useRef<Marker | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const focused = useRef(focusKey);
  const pickComponent = useRef(onPickComponent);
  pickComponent.current = onPickComponent;
  const pickPoint = useRef(onPickPoint);
  pickPoint.current = onPickPoint;
  const info = useMapInfo(audience);
  const ready = !!info.data || info.isError;
  const cityBase = useBaseMap(baseMap === 'city');
  const base =
    baseMap === 'none'
      ? { style: null, demo: false, kind: 'none' }
      : baseMap === 'city'
        ? cityBase.data
          ? { style: cityBase.data.style, demo: cityBase.data.demo, kind: cityBase.data.kind }
          : cityBase.isError
            ? { style: null, demo: false, kind: 'none' }
            : undefined
        : baseMap;
  const attribution = useRef<AttributionControl | null>(null);
  /** Where the map looks once it has settled ("lng,lat" WGS84, and the zoom): data attributes for tests. */

  // Create the map once the city's extent is known (the marker effect below keeps it in step).
  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is created once; marker and zoom are applied below
  useEffect(() => {
    if (!el.current || !ready || map.current) return;
    const bbox = bounds ?? info.data?.bbox;
    const container = el.current;
    const m = new MapLibreMap({
      container,
      style: cityStyle(grids, components, audience, points !== undefined, heat !== undefined),
      attributionControl: false,
      ...(marker
        ? { center: [marker.lng, marker.lat] as [number, number], zoom }
        : bbox
          ? { bounds: bbox as [number, number, number, number], fitBoundsOptions: { padding: 20 } }
          : { center: [121.555, 29.855] as [number, number], zoom: 12 }),
      maxZoom: 19,
      dragRotate: false,
      pitchWithRotate: false,
    });
    m.touchZoomRotate.disableRotation();
    m.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    m.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    m.on('click', (e) => {
      if (pickPoint.current && m.getLayer('point-circle')) {
        const { x, y } = e.point;
        // The dot nearest the finger among those under it.
        const hit = m
          .queryRenderedFeatures(
            [
              [x - TOUCH_SLOP, y - TOUCH_SLOP],
              [x + TOUCH_SLOP, y + TOUCH_SLOP],
            ],
            { layers: ['point-circle'] },
          )
          .map((f) => ({
            f,
            at: f.geometry.type === 'Point' ? m.project(f.geometry.coordinates as [number, number]) : null,
          }))
          .filter((h) => h.at && typeof h.f.properties?.id === 'string')
          .sort((a, b) => Math.hypot(a.at!.x - x, a.at!.y - y) - Math.hypot(b.at!.x - x, b.at!.y - y))[0];
        if (hit) {
          pickPoint.current(String(hit.f.properties.id));
          return;
        }
      }
      if (pickComponent.current && m.getLayer('component-circle')) {
        const { x, y } = e.point;
        // The component nearest the finger among those under it.
        let best: PickedComponent | null = null;
        let bestD = Number.POSITIVE_INFINITY;
        for (const f of m.queryRenderedFeatures(
          [
            [x - TOUCH_SLOP, y - TOUCH_SLOP],
            [x + TOUCH_SLOP, y + TOUCH_SLOP],
          ],
          { layers: ['component-circle'] },
        )) {
          const p = f.properties;
          if (f.geometry.type !== 'Point' || typeof p?.id !== 'string') continue;
          const [lng, lat] = f.geometry.coordinates;
          const at = m.project([lng, lat]);
          const d = Math.hypot(at.x - x, at.y - y);
          if (d < bestD) {
            bestD = d;
            best = { id: p.id, typeCode: String(p.typeCode ?? ''), state: String(p.state ?? ''), lng, lat };
          }
        }
        if (best) {
          pickComponent.current(best);
          return;
        }
      }
      pick.current?.({ lng: e.lngLat.lng, lat: e.lngLat.lat });
    });
    if (pick.current) m.getCanvas().style.cursor = 'crosshair';
    // A tile that fails (no network, the session gone) leaves the background: nothing to report.
    m.on('error', (e) => {
      if ((e as { sourceId?: string }).sourceId || (e as { tile?: unknown }).tile) return;
      console.error(e.error);
    });
    const where = () => {
      const c = m.getCenter();
      container.dataset.center = `${c.lng.toFixed(7)},${c.lat.toFixed(7)}`;
      container.dataset.zoom = m.getZoom().toFixed(4);
    };
    m.on('load', () => {
      loadedMaps.add(m);
      where();
      container.dataset.ready = 'true';
    });
    m.on('moveend', where);
    // Whether everything in view is drawn (tiles loaded, no animation running).
    m.on('idle', () => {
      container.dataset.idle = 'true';
    });
    const busy = () => {
      container.dataset.idle = 'false';
    };
    m.on('movestart', busy);
    m.on('dataloading', busy);
    // Tiles that failed while the network was away are asked again when it is back.
    const onOnline = () => {
      for (const id of ['divisions', 'grids', 'components']) {
        const source = m.getSource(id);
        if (source?.type === 'vector') (source as VectorTileSource).setTiles([tileUrl(id, audience)]);
      }
    };
    window.addEventListener('online', onOnline);
    map.current = m;
    return () => {
      window.removeEventListener('online', onOnline);
      pin.current?.remove();
      pin.current = null;
      attribution.current = null;
      m.remove();
      map.current = null;
    };
  }, [ready, grids, components, audience]);

  // The base map under our layers, once both the map and the base map are there; our fills
  // lighten over it. A demo base map says it is generated demo data.
  const baseStyle = base?.style;
  const baseDemo = base?.demo ?? false;
  const baseKind = base?.kind;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `ready` re-runs this once the map exists (it lives in a ref)
  useEffect(() => {
    const m = map.current;
    const container = el.current;
    if (!m || !container || baseKind === undefined) return;
    const apply = () => {
      applyBaseMap(m, baseStyle, {
        linesBefore: ['grid-line', 'community-line'],
        labelsBefore: 'component-circle',
      });
      for (const [id, [plain, overBase]] of Object.entries(FILL_OPACITY)) {
        if (m.getLayer(id)) m.setPaintProperty(id, 'fill-opacity', baseStyle ? overBase : plain);
      }
      if (attribution.current) m.removeControl(attribution.current);
      attribution.current = null;
      if (baseStyle) {
        attribution.current = new AttributionControl({
          compact: true,
          customAttribution: baseDemo ? t('basemap.demoAttribution') : undefined,
        });
        m.addControl(attribution.current, 'bottom-right');
        foldAttribution(m);
      }
      container.dataset.basemap = baseStyle ? baseKind : 'none';
    };
    return whenLoaded(m, apply);
  }, [ready, grids, components, baseStyle, baseDemo, baseKind]);

  // A later extent (e.g. the caller's district, loaded after the map) is shown while nothing is picked.
  const boundsKey = bounds?.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the extent's value; `ready` re-runs it once the map exists
  useEffect(() => {
    const m = map.current;
    if (!m || !bounds || pin.current) return;
    m.fitBounds(bounds, { padding: 20, duration: 0 });
  }, [boundsKey, ready]);

  // Marker follows the prop; the map pans to it.
  const lng = marker?.lng;
  const lat = marker?.lat;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `ready` re-runs this once the map exists (it lives in a ref)
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    if (lng === undefined || lat === undefined) {
      pin.current?.remove();
      pin.current = null;
      return;
    }
    if (!pin.current) {
      const marker = new Marker({ color: '#d4380d', draggable }).setLngLat([lng, lat]).addTo(m);
      marker.on('dragend', () => {
        const p = marker.getLngLat();
        pick.current?.({ lng: p.lng, lat: p.lat });
      });
      marker.getElement().dataset.testid = 'map-pin';
      pin.current = marker;
    } else pin.current.setLngLat([lng, lat]);
    if (focused.current !== focusKey) {
      focused.current = focusKey;
      m.easeTo({ center: [lng, lat], zoom: Math.max(m.getZoom(), zoom) });
    } else if (!m.getBounds().contains([lng, lat]) || m.getZoom() < 14)
      m.easeTo({ center: [lng, lat], zoom: Math.max(m.getZoom(), zoom) });
  }, [lng, lat, zoom, ready, focusKey]);

  // The ring on the attached component.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `ready` re-runs this once the map exists (it lives in a ref)
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const apply = () => {
      if (m.getLayer('component-selected'))
        m.setFilter('component-selected', ['==', ['get', 'id'], selectedComponentId ?? '']);
    };
    return whenLoaded(m, apply);
  }, [selectedComponentId, ready]);

  // The dots follow the prop.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `ready` re-runs this once the map exists (it lives in a ref)
  useEffect(() => {
    const m = map.current;
    if (!m || !points) return;
    const apply = () => {
      void (m.getSource('points') as GeoJSONSource | undefined)?.setData(pointFeatures(points));
      if (el.current) el.current.dataset.points = String(points.length);
    };
    return whenLoaded(m, apply);
  }, [points, ready]);

  // The heat cells follow the prop.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `ready` re-runs this once the map exists (it lives in a ref)
  useEffect(() => {
    const m = map.current;
    if (!m || !heat) return;
    const apply = () => {
      void (m.getSource('heat') as GeoJSONSource | undefined)?.setData(heatFeatures(heat));
      if (el.current) el.current.dataset.heat = String(heat.length);
    };
    return whenLoaded(m, apply);
  }, [heat, ready]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `ready` re-runs this once the map exists (it lives in a ref)
  useEffect(() => {
    const m = map.current;
    if (!m || !points) return;
    const apply = () => {
      if (m.getLayer('point-selected'))
        m.setFilter('point-selected', ['==', ['get', 'id'], selectedPointId ?? '']);
    };
    return whenLoaded(m, apply);
  }, [selectedPointId, ready]);

  const box = (
    <div
      ref={el}
      data-testid={testId}
      style={{
        height,
        width: '100%',
        borderRadius: 4,
        border: '1px solid #e5e8ed',
        overflow: 'hidden',
        background: '#eef1f4',
      }}
    />
  );
  // A base map generated from the demo city says so on the map itself.
  const badge = base?.style && base.demo && (
    <div
      data-testid={`${testId}-demo-badge`}
      style={{
        position: 'absolute',
        top: 8,
        left: 8,
        padding: '1px 6px',
        borderRadius: 4,
        fontSize: 12,
        lineHeight: '18px',
        color: '#ad4e00',
        background: 'rgba(255, 247, 230, 0.9)',
        border: '1px solid #ffd591',
        pointerEvents: 'none',
      }}
    >
      {t('basemap.demoBadge')}
    </div>
  );
  // Always the same wrapper: a tree whose shape changed when the badge came (the base map's
  // answer arriving after the map) would make React put a new box in place of the map's container.
  return (
    <div style={{ position: 'relative' }}>
      {box}
      {badge}
      {children}
    </div>
  );
}
