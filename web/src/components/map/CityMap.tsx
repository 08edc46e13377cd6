/**
 * A small MapLibre map of the city from our own vector tiles (no base map from the internet):
 * districts, townships and communities from `/tiles/divisions`, unit grids from `/tiles/grids`,
 * the demo's real district outlines (`/api/geo/outlines`) around them, on a plain background. Optional marker; optional click-to-pick.
 *
 *   <CityMap marker={{ lng, lat }} onPick={(p) => …} height={320} />
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import {
  Map as MapLibreMap,
  Marker,
  NavigationControl,
  ScaleControl,
  type StyleSpecification,
  setWorkerUrl,
} from 'maplibre-gl';
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useGeoInfo } from './geo';

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
  testId?: string;
}

const tileUrl = (layer: string) => `${window.location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt`;

/** The plain style: background, division fills and outlines, grid outlines. */
export function cityStyle(grids = true): StyleSpecification {
  return {
    version: 8,
    sources: {
      divisions: { type: 'vector', tiles: [tileUrl('divisions')], minzoom: 0, maxzoom: 16 },
      outlines: { type: 'geojson', data: `${window.location.origin}/api/geo/outlines` },
      ...(grids
        ? { grids: { type: 'vector' as const, tiles: [tileUrl('grids')], minzoom: 12, maxzoom: 16 } }
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
    ],
  };
}

export function CityMap({
  marker,
  onPick,
  bounds,
  height = 320,
  zoom = 16,
  grids = true,
  testId = 'city-map',
}: CityMapProps) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | null>(null);
  const pin = useRef<Marker | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const info = useGeoInfo();
  const ready = !!info.data || info.isError;
  /** Where the map looks once it has settled ("lng,lat" WGS84, and the zoom): data attributes for tests. */
  const [view, setView] = useState({ centre: '', zoom: '' });

  // Create the map once the city's extent is known (the marker effect below keeps it in step).
  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is created once; marker and zoom are applied below
  useEffect(() => {
    if (!el.current || !ready || map.current) return;
    const bbox = bounds ?? info.data?.bbox;
    const m = new MapLibreMap({
      container: el.current,
      style: cityStyle(grids),
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
    m.on('click', (e) => pick.current?.({ lng: e.lngLat.lng, lat: e.lngLat.lat }));
    const settled = () => {
      const c = m.getCenter();
      setView({ centre: `${c.lng.toFixed(6)},${c.lat.toFixed(6)}`, zoom: m.getZoom().toFixed(3) });
    };
    m.on('load', settled);
    m.on('moveend', settled);
    if (pick.current) m.getCanvas().style.cursor = 'crosshair';
    map.current = m;
    return () => {
      pin.current?.remove();
      pin.current = null;
      m.remove();
      map.current = null;
    };
  }, [ready, grids]);

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
    if (!pin.current) pin.current = new Marker({ color: '#d4380d' }).setLngLat([lng, lat]).addTo(m);
    else pin.current.setLngLat([lng, lat]);
    if (!m.getBounds().contains([lng, lat]) || m.getZoom() < 14)
      m.easeTo({ center: [lng, lat], zoom: Math.max(m.getZoom(), zoom) });
  }, [lng, lat, zoom, ready]);

  return (
    <div
      ref={el}
      data-testid={testId}
      data-center={view.centre}
      data-zoom={view.zoom}
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
}
