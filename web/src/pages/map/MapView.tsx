import { SearchOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Spin } from 'antd';
import type { Feature, FeatureCollection, Point } from 'geojson';
import {
  type GeoJSONSource,
  type MapGeoJSONFeature,
  Map as MapLibreMap,
  type MapMouseEvent,
  NavigationControl,
  type PointLike,
  ScaleControl,
  setWorkerUrl,
} from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useMe } from '../../api/queries';
import { useGeoInfo } from '../../components/map/geo';
import { PlaceSearch } from '../../components/map/PlaceSearch';
import { PageContainer } from '../../components/PageContainer';
import {
  type Bbox,
  type DivisionLevel,
  type DivisionSummary,
  fetchAllDivisions,
  fetchComponent,
  fetchDivision,
  fetchGrid,
  searchCommunities,
} from './api';
import { Legend } from './Legend';
import { type Selection, SelectionPanel, selectionQuery } from './panels';
import { classifySearch } from './search';
import { buildStyle, GRID_MIN_ZOOM } from './style';

// MapLibre looks for its worker next to its own module; bundled, that file is not there, so point
// it at the worker Vite emits as an asset (same origin, no network beyond the platform).
setWorkerUrl(maplibreWorkerUrl);

/** Zoom at which a feature `widthDeg` degrees of longitude wide spans `px` pixels (512 px tiles). */
function zoomForWidth(widthDeg: number, px: number): number {
  return Math.log2((px * 360) / (512 * Math.max(widthDeg, 1e-7)));
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const LEVELS: DivisionLevel[] = ['district', 'township', 'community'];
/** Grids are about 100 m wide (10,000 m²): their 15-digit IDs fit from about this zoom. */
const GRID_LABEL_ZOOM = 16;

/**
 * Label points for the divisions (centre of each bbox) and, per level, the zoom from which the
 * level's typical feature is wide enough for its name: so districts label the whole city,
 * townships appear mid-way and communities close in, whatever the size of the imported city.
 */
function labelData(all: DivisionSummary[]): {
  fc: FeatureCollection<Point>;
  minZoom: Record<DivisionLevel, number>;
} {
  const features: Feature<Point>[] = all.map((d) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [(d.bbox[0] + d.bbox[2]) / 2, (d.bbox[1] + d.bbox[3]) / 2] },
    properties: { code: d.code, name: d.name, level: d.level },
  }));
  const minZoom = {} as Record<DivisionLevel, number>;
  for (const level of LEVELS) {
    const widths = all.filter((d) => d.level === level).map((d) => d.bbox[2] - d.bbox[0]);
    minZoom[level] = Math.min(Math.max(zoomForWidth(median(widths), 70), 0), 18);
  }
  minZoom.district = 0;
  return { fc: { type: 'FeatureCollection', features }, minZoom };
}

export function MapView() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const canComponents = me?.permissions.includes('component:read') ?? false;
  const info = useGeoInfo();
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const fittedRef = useRef(false);
  const [ready, setReady] = useState(false);
  const [idle, setIdle] = useState(false);
  const [zoom, setZoom] = useState(0);
  const [rendered, setRendered] = useState({ grids: 0, components: 0 });
  const [selection, setSelection] = useState<Selection | null>(null);
  const [searching, setSearching] = useState(false);

  const labels = useQuery({
    queryKey: ['geo', 'divisions', 'labels'],
    queryFn: async () => labelData((await Promise.all(LEVELS.map(fetchAllDivisions))).flat()),
    staleTime: 5 * 60_000,
  });

  // The map itself: created once per permission set, removed on unmount.
  useEffect(() => {
    const container = containerRef.current;
    if (!container || !me) return;
    const map = new MapLibreMap({
      container,
      style: buildStyle(window.location.origin, canComponents),
      center: [121.55, 29.86],
      zoom: 10,
      maxZoom: 19.5,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      // tiles are same-origin: send the session cookie with every tile request
      transformRequest: (url: string) => ({ url, credentials: 'same-origin' }),
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    map.addControl(new ScaleControl({ unit: 'metric', maxWidth: 140 }), 'bottom-right');
    const onZoom = () => setZoom(map.getZoom());
    map.on('zoom', onZoom);
    map.on('movestart', () => setIdle(false));
    map.on('dataloading', () => setIdle(false));
    map.on('idle', () => {
      // What is drawn now, for tests and for the legend: feature counts of the clickable layers.
      const count = (layer: string) =>
        map.getLayer(layer) ? map.queryRenderedFeatures({ layers: [layer] }).length : 0;
      setRendered({ grids: count('grid-fill'), components: count('component-circle') });
      setIdle(true);
    });
    map.on('load', () => {
      onZoom();
      setReady(true);
    });
    mapRef.current = map;
    return () => {
      mapRef.current = null;
      fittedRef.current = false;
      setReady(false);
      map.remove();
    };
  }, [me, canComponents]);

  // Fit the whole city once the map and /api/geo/info are there.
  const bbox = info.data?.bbox;
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !bbox || fittedRef.current) return;
    fittedRef.current = true;
    map.fitBounds(bbox as Bbox, { padding: 32, duration: 0 });
  }, [ready, bbox]);

  // Division labels and the zoom each level's labels start at.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !labels.data) return;
    void (map.getSource('labels') as GeoJSONSource | undefined)?.setData(labels.data.fc);
    const z = labels.data.minZoom;
    map.setLayerZoomRange('district-label', 0, Math.max(z.township + 1.5, 9));
    map.setLayerZoomRange('township-label', z.township, Math.max(z.community + 1.5, z.township + 1));
    map.setLayerZoomRange('community-label', z.community, 24);
    map.setLayerZoomRange('grid-label', Math.max(GRID_LABEL_ZOOM, z.community + 0.5), 24);
  }, [ready, labels.data]);

  // The selected feature's detail (shared with the panel through the query cache).
  const detail = useQuery({ ...selectionQuery(selection), enabled: selection !== null });

  // Outline the selection and, when it came from the search box, fly to it.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    const src = map.getSource('selection') as GeoJSONSource | undefined;
    const d = detail.data;
    if (!selection || !d) {
      void src?.setData({ type: 'FeatureCollection', features: [] });
      return;
    }
    void src?.setData({ type: 'Feature', geometry: d.geometry, properties: {} });
    if (!selection.fly) return;
    if ('bbox' in d && Array.isArray(d.bbox)) {
      map.fitBounds(d.bbox as Bbox, {
        padding: { top: 60, bottom: 60, left: 60, right: 380 },
        maxZoom: selection.kind === 'grid' ? 17.5 : 17,
        duration: 800,
      });
    } else if ('lng' in d) {
      map.flyTo({ center: [d.lng, d.lat], zoom: 18, duration: 800 });
    }
  }, [ready, selection, detail.data]);

  // Click: a component under the pointer, else the grid, else (zoomed out) the division there.
  const onClick = useCallback((e: MapMouseEvent) => {
    const map = mapRef.current;
    if (!map) return;
    const near: [PointLike, PointLike] = [
      [e.point.x - 5, e.point.y - 5],
      [e.point.x + 5, e.point.y + 5],
    ];
    const has = (id: string) => map.getLayer(id) !== undefined;
    const comps: MapGeoJSONFeature[] = has('component-circle')
      ? map.queryRenderedFeatures(near, { layers: ['component-circle'] })
      : [];
    const compId = comps[0]?.properties?.id;
    if (typeof compId === 'string') {
      setSelection({ kind: 'component', id: compId, fly: false });
      return;
    }
    const grids = map.queryRenderedFeatures(e.point, { layers: ['grid-fill'] });
    const gridId = grids[0]?.properties?.id;
    if (typeof gridId === 'string') {
      setSelection({ kind: 'grid', id: gridId, fly: false });
      return;
    }
    const divs = map.queryRenderedFeatures(e.point, { layers: ['district-fill'] });
    const code = divs[0]?.properties?.code;
    if (typeof code === 'string' && map.getZoom() < GRID_MIN_ZOOM) {
      setSelection({ kind: 'division', id: code, fly: false });
    }
  }, []);
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    const layers = [
      'grid-fill',
      'district-fill',
      ...(map.getLayer('component-circle') ? ['component-circle'] : []),
    ];
    const enter = () => {
      map.getCanvas().style.cursor = 'pointer';
    };
    const leave = () => {
      map.getCanvas().style.cursor = '';
    };
    map.on('click', onClick);
    for (const l of layers) {
      map.on('mouseenter', l, enter);
      map.on('mouseleave', l, leave);
    }
    return () => {
      map.off('click', onClick);
      for (const l of layers) {
        map.off('mouseenter', l, enter);
        map.off('mouseleave', l, leave);
      }
    };
  }, [ready, onClick]);

  const runSearch = async (raw: string) => {
    const s = classifySearch(raw);
    if (s.kind === 'none') return;
    // close the suggestions so they do not cover the map
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    setSearching(true);
    try {
      if (s.kind === 'grid') {
        const g = await qc.fetchQuery({ queryKey: ['geo', 'grid', s.id], queryFn: () => fetchGrid(s.id) });
        qc.setQueryData(['geo', 'grid', g.id], g);
        setSelection({ kind: 'grid', id: g.id, fly: true });
      } else if (s.kind === 'component') {
        await qc.fetchQuery({ queryKey: ['components', s.id], queryFn: () => fetchComponent(s.id) });
        setSelection({ kind: 'component', id: s.id, fly: true });
      } else {
        const found = await searchCommunities(s.q);
        const hit = found.items.find((d) => d.name === s.q) ?? found.items[0];
        if (!hit) {
          void message.warning(t('map.search.noCommunity', { q: s.q }));
          return;
        }
        await qc.fetchQuery({
          queryKey: ['geo', 'division', hit.code],
          queryFn: () => fetchDivision(hit.code),
        });
        setSelection({ kind: 'division', id: hit.code, fly: true });
      }
    } catch (err) {
      if (isApiError(err) && (err.status === 404 || err.status === 400)) {
        void message.warning(t('map.search.notFound', { q: raw.trim() }));
      } else {
        void message.error(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setSearching(false);
    }
  };

  const notice = info.data?.generated
    ? i18n.language === 'en-US'
      ? info.data.notice.en
      : info.data.notice.zh
    : null;

  return (
    <PageContainer
      testId="page-map"
      title={t('map.title')}
      extra={
        <PlaceSearch
          onChoose={(p) => {
            // A community goes to its division; any other place to the grid it stands in.
            if (p.kind === 'community' && p.community) {
              setSelection({ kind: 'division', id: p.community.code, fly: true });
            } else if (p.grid) {
              setSelection({ kind: 'grid', id: p.grid.id, fly: true });
            } else {
              mapRef.current?.flyTo({ center: [p.point.lng, p.point.lat], zoom: 17, duration: 800 });
            }
          }}
          onSearch={(v) => void runSearch(v)}
          enterButton={<SearchOutlined />}
          loading={searching}
          activeFirst={false}
          placeholder={t('map.search.placeholder')}
          style={{ width: 380 }}
          testId="map-search"
        />
      }
    >
      {notice && (
        <Alert
          type="warning"
          showIcon
          title={notice}
          style={{ marginBottom: 8 }}
          data-testid="map-generated-banner"
        />
      )}
      <div
        style={{
          position: 'relative',
          height: 'calc(100vh - 250px)',
          minHeight: 480,
          border: '1px solid #f0f0f0',
          borderRadius: 4,
          overflow: 'hidden',
        }}
      >
        <div
          ref={containerRef}
          style={{ position: 'absolute', inset: 0 }}
          data-testid="map-canvas"
          data-map-ready={ready ? 'true' : 'false'}
          data-map-idle={ready && idle ? 'true' : 'false'}
          data-zoom={zoom.toFixed(2)}
          data-rendered-grids={rendered.grids}
          data-rendered-components={rendered.components}
        />
        {!ready && (
          <div style={{ position: 'absolute', inset: 0, display: 'grid', placeItems: 'center' }}>
            <Spin />
          </div>
        )}
        <Legend zoom={zoom} components={canComponents} />
        {selection && (
          <SelectionPanel
            selection={selection}
            onClose={() => setSelection(null)}
            onSelectGrid={(id) => setSelection({ kind: 'grid', id, fly: true })}
          />
        )}
      </div>
    </PageContainer>
  );
}
