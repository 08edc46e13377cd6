/**
 * The GPS pages' map: the city from our own tiles (divisions, unit grids) over the city's base
 * map (GET /api/basemap: the generated or uploaded offline archive; nothing from the internet),
 * as the other maps of the app draw it. `useGpsMap` makes it in a container and hands back the
 * MapLibre map once its style has loaded, for the page to add its own sources and layers.
 * The container carries `data-ready` (loaded), `data-basemap` (the base map's kind) and
 * `data-idle` (everything in view drawn; the pages set it to false when they change their data).
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import { AttributionControl, Map as MapLibreMap, NavigationControl, ScaleControl } from 'maplibre-gl';
import { type RefObject, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyBaseMap, foldAttribution, useBaseMap } from '../../components/map/basemap';
import { cityStyle } from '../../components/map/CityMap';
import { useGeoInfo } from '../../components/map/geo';

/** Our fills lighten over a base map (as CityMap does). */
const FILL_OPACITY: Record<string, [plain: number, overBase: number]> = {
  'outline-fill': [1, 0],
  'district-fill': [1, 0.25],
  'community-fill': [0.8, 0.4],
};

export function useGpsMap(el: RefObject<HTMLDivElement | null>): MapLibreMap | null {
  const { t } = useTranslation();
  const info = useGeoInfo();
  const base = useBaseMap();
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const ready = !!info.data || info.isError;
  const baseReady = !!base.data || base.isError;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is made once, when the city's extent and base map are known
  useEffect(() => {
    const container = el.current;
    if (!container || !ready || !baseReady) return;
    const bbox = info.data?.bbox as [number, number, number, number] | undefined;
    const m = new MapLibreMap({
      container,
      style: cityStyle(true, false),
      attributionControl: false,
      ...(bbox
        ? { bounds: bbox, fitBoundsOptions: { padding: 20 } }
        : { center: [121.555, 29.855], zoom: 11 }),
      maxZoom: 19,
      dragRotate: false,
      pitchWithRotate: false,
    });
    m.touchZoomRotate.disableRotation();
    m.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    m.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    m.on('error', (e) => {
      // Tiles that fail (no network, a missing archive) leave the plain background.
      if ((e as { sourceId?: string }).sourceId || (e as { tile?: unknown }).tile) return;
      console.error(e.error);
    });
    m.once('load', () => {
      const style = base.data?.style ?? null;
      applyBaseMap(m, style, { linesBefore: ['grid-line', 'community-line'] });
      for (const [id, [plain, overBase]] of Object.entries(FILL_OPACITY)) {
        if (m.getLayer(id)) m.setPaintProperty(id, 'fill-opacity', style ? overBase : plain);
      }
      if (style) {
        m.addControl(
          new AttributionControl({
            compact: true,
            customAttribution: base.data?.demo ? t('basemap.demoAttribution') : undefined,
          }),
          'bottom-right',
        );
        foldAttribution(m);
      }
      container.dataset.basemap = style ? (base.data?.kind ?? 'none') : 'none';
      container.dataset.ready = 'true';
      setMap(m);
    });
    m.on('movestart', () => {
      container.dataset.idle = 'false';
    });
    m.on('idle', () => {
      container.dataset.idle = 'true';
    });
    return () => {
      setMap(null);
      m.remove();
    };
  }, [ready, baseReady]);

  return map;
}

/** The map's container style. */
export const mapBoxStyle = (height: number | string) => ({
  height,
  width: '100%',
  borderRadius: 4,
  border: '1px solid #e5e8ed',
  overflow: 'hidden',
  background: '#eef1f4',
});
