/**
 * The base map under every map of the app (GET /api/basemap): the archive generated from the
 * city's own layers, an uploaded offline archive, or online raster tiles (天地图) — or nothing.
 *
 * - Archives are PMTiles read with HTTP Range from this server through the `pmtiles://` protocol
 *   (registered once, `registerPmtiles`); the server names them `pmtiles:///api/…` and the page
 *   writes its own origin in (`resolveSource`). The session cookie goes with every range request.
 * - `applyBaseMap` adds the base map to a map that already draws the platform's layers: its
 *   areas go under them (right above our background); its lines (roads, boundaries) above our
 *   translucent fills but under our own lines (`linesBefore`), so roads stay crisp; its labels
 *   (symbol layers) above our lines — under `labelsBefore` — so names stay readable.
 *   Calling it again replaces what it added (the administrator's preview switches archives).
 * - No glyphs URL anywhere: MapLibre draws labels from the system's fonts (TinySDF).
 * - Tiles that fail (no network, a 天地图 key refused) leave the plain background: MapLibre's
 *   error events of a source are not reported (see CityMap).
 */
import { useQuery } from '@tanstack/react-query';
import {
  addProtocol,
  type LayerSpecification,
  type Map as MapLibreMap,
  type SourceSpecification,
} from 'maplibre-gl';
import { Protocol } from 'pmtiles';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';

export type BaseMap = ApiResponse<'/api/basemap', 'get'>;
export type BaseMapStyle = NonNullable<BaseMap['style']>;

/** Ids of what `applyBaseMap` adds: sources and layers alike start with this. */
export const BASEMAP_PREFIX = 'basemap';

/** The city's base map; it changes when an administrator chooses another (rarely). */
export function useBaseMap(enabled = true) {
  return useQuery({
    queryKey: ['basemap'],
    queryFn: () => api.get<BaseMap>('/api/basemap'),
    staleTime: 5 * 60_000,
    // The generated base map is made at its first use: the first answer may take a few seconds.
    retry: 1,
    enabled,
  });
}

let registered = false;
/** The `pmtiles://` protocol, once per page. */
export function registerPmtiles(): void {
  if (registered) return;
  registered = true;
  addProtocol('pmtiles', new Protocol().tile);
}

/** A fragment's source with this page's origin written into `pmtiles:///…` URLs. */
export function resolveSource(
  src: BaseMapStyle['sources'][string],
  origin = window.location.origin,
): SourceSpecification {
  if (src.type === 'vector' && src.url.startsWith('pmtiles:///')) {
    return { ...src, url: `pmtiles://${origin}/${src.url.slice('pmtiles:///'.length)}` };
  }
  return src as SourceSpecification;
}

export interface ApplyOptions {
  /** Lines and points go under the first of these layers of ours that exists (our first line layer). */
  linesBefore?: string[];
  /** Labels go under this layer of ours (e.g. the components, the cases); on top without it. */
  labelsBefore?: string;
  /** Leave out the base map's division labels (a page that labels divisions itself). */
  dropDivisionLabels?: boolean;
}

/** Adds (or replaces) the base map's sources and layers on a map whose style has loaded. */
/** A compact attribution (the ⓘ button) starts folded: on a small map the text would cover it. */
export function foldAttribution(map: MapLibreMap): void {
  map.getContainer().querySelector('.maplibregl-ctrl-attrib')?.classList.remove('maplibregl-compact-show');
}

export function applyBaseMap(
  map: MapLibreMap,
  style: BaseMapStyle | null | undefined,
  opts: ApplyOptions = {},
): void {
  const current = map.getStyle();
  for (const l of current.layers) if (l.id.startsWith(BASEMAP_PREFIX)) map.removeLayer(l.id);
  for (const id of Object.keys(current.sources)) if (id.startsWith(BASEMAP_PREFIX)) map.removeSource(id);
  if (!style) return;
  registerPmtiles();
  for (const [id, src] of Object.entries(style.sources)) map.addSource(id, resolveSource(src));
  // Areas: right above our background, under everything else of ours.
  const under = map.getStyle().layers.find((l) => l.type !== 'background')?.id;
  const linesBefore = opts.linesBefore?.find((id) => map.getLayer(id)) ?? under;
  const labelsBefore = opts.labelsBefore && map.getLayer(opts.labelsBefore) ? opts.labelsBefore : undefined;
  for (const layer of style.layers) {
    if (opts.dropDivisionLabels && style.divisionLabelLayers.includes(layer.id)) continue;
    const before =
      layer.type === 'symbol'
        ? labelsBefore
        : layer.type === 'line' || layer.type === 'circle'
          ? linesBefore
          : under;
    map.addLayer(layer as unknown as LayerSpecification, before);
  }
}
