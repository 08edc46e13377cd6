import { SearchOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Select, Space, Spin, Tag } from 'antd';
import type { Feature, FeatureCollection, Point } from 'geojson';
import {
  AttributionControl,
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
import { useNavigate } from 'react-router';
import { OPEN_STATES } from '../../../../common/workflow.ts';
import { isApiError } from '../../api/client';
import { useMe } from '../../api/queries';
import { applyBaseMap, useBaseMap } from '../../components/map/basemap';
import { useGeoInfo } from '../../components/map/geo';
import { PlaceSearch } from '../../components/map/PlaceSearch';
import { PageContainer } from '../../components/PageContainer';
import { useMatterTypes } from '../catalog/api';
import {
  type Bbox,
  type CaseMapFilter,
  type DivisionLevel,
  type DivisionSummary,
  fetchAllDivisions,
  fetchCaseMap,
  fetchComponent,
  fetchDivision,
  fetchGrid,
  searchCommunities,
} from './api';
import { Legend } from './Legend';
import { type Selection, SelectionPanel, selectionQuery } from './panels';
import { classifySearch } from './search';
import { buildStyle, GRID_MIN_ZOOM, LAYER_GROUPS, type LayerGroup } from './style';

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

/** The map object, for end-to-end tests (they compare the case source's features with the API). */
declare global {
  interface Window {
    __cityopsMap?: MapLibreMap;
  }
}

const ALL_LAYERS_ON: Record<LayerGroup, boolean> = {
  divisions: true,
  grids: true,
  components: true,
  cases: true,
};

export function MapView() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const canComponents = me?.permissions.includes('component:read') ?? false;
  const canCases = me?.permissions.includes('case:read') ?? false;
  const [layersOn, setLayersOn] = useState<Record<LayerGroup, boolean>>(ALL_LAYERS_ON);
  const [caseFilter, setCaseFilter] = useState<CaseMapFilter>({ states: [], matterCode: null });
  const matterTypes = useMatterTypes();
  // A district's (or a district unit's) map opens on its district: the extent of that division.
  const scope = me?.scope;
  const myDistrict =
    scope?.kind === 'district' ? scope.districtCode : scope?.kind === 'unit' ? scope.districtCode : null;
  const district = useQuery({
    queryKey: ['geo', 'division', myDistrict],
    enabled: !!myDistrict,
    staleTime: 5 * 60_000,
    queryFn: () => fetchDivision(myDistrict as string),
  });
  const info = useGeoInfo();
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;
  const fittedRef = useRef(false);
  const [ready, setReady] = useState(false);
  const [idle, setIdle] = useState(false);
  const [zoom, setZoom] = useState(0);
  const [rendered, setRendered] = useState({ grids: 0, components: 0, cases: 0 });
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
      setRendered({
        grids: count('grid-fill'),
        components: count('component-circle'),
        cases: count('case-point') + count('case-cluster'),
      });
      setIdle(true);
    });
    map.on('load', () => {
      onZoom();
      setReady(true);
    });
    mapRef.current = map;
    window.__cityopsMap = map;
    return () => {
      if (window.__cityopsMap === map) window.__cityopsMap = undefined;
      mapRef.current = null;
      fittedRef.current = false;
      setReady(false);
      map.remove();
    };
  }, [me, canComponents]);

  // The city's base map under our layers (this page labels divisions itself, so the base map's
  // division labels are left out; its other labels go under the case points). Our fills lighten
  // over it; tiles that fail leave the plain background.
  const base = useBaseMap();
  const baseStyle = base.data?.style;
  const baseDemo = base.data?.demo ?? false;
  const attributionRef = useRef<AttributionControl | null>(null);
  /** The base map's kind once it is on the map (`none` without one), for tests. */
  const [baseDrawn, setBaseDrawn] = useState('pending');
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || base.isPending) return;
    applyBaseMap(map, baseStyle, {
      linesBefore: ['grid-line', 'community-line'],
      labelsBefore: 'case-cluster',
      dropDivisionLabels: true,
    });
    const over = !!baseStyle;
    map.setPaintProperty(
      'outline-fill',
      'fill-opacity',
      over
        ? ['interpolate', ['linear'], ['zoom'], 8, 0.25, 13, 0.08]
        : ['interpolate', ['linear'], ['zoom'], 8, 0.45, 13, 0.2],
    );
    map.setPaintProperty(
      'district-fill',
      'fill-opacity',
      over
        ? ['interpolate', ['linear'], ['zoom'], 10, 0.4, 14, 0.12]
        : ['interpolate', ['linear'], ['zoom'], 10, 0.9, 14, 0.35],
    );
    // The base map's sources name their attribution (天地图's is required); a demo one says it is generated.
    if (attributionRef.current && map.hasControl(attributionRef.current))
      map.removeControl(attributionRef.current);
    attributionRef.current = over
      ? new AttributionControl({
          compact: true,
          customAttribution: baseDemo ? t('basemap.demoAttribution') : undefined,
        })
      : null;
    if (attributionRef.current) map.addControl(attributionRef.current, 'bottom-left');
    setBaseDrawn(baseStyle ? (base.data?.kind ?? 'none') : 'none');
  }, [ready, baseStyle, baseDemo, base.isPending, base.data?.kind, t]);

  // Fit once: a district user's district, everyone else the whole city (/api/geo/info).
  const districtBbox = district.data?.bbox ?? null;
  const bbox = myDistrict ? (district.isError ? info.data?.bbox : districtBbox) : info.data?.bbox;
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !bbox || fittedRef.current) return;
    fittedRef.current = true;
    map.fitBounds(bbox as Bbox, { padding: 32, duration: 0 });
  }, [ready, bbox]);

  // The open cases in the caller's scope, with the filters; drawn into the clustered source.
  const cases = useQuery({
    queryKey: ['cases', 'map', caseFilter],
    queryFn: () => fetchCaseMap(caseFilter),
    enabled: canCases,
    staleTime: 30_000,
    refetchInterval: 60_000,
  });
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    const items = cases.data?.items ?? [];
    const fc: FeatureCollection<Point> = {
      type: 'FeatureCollection',
      features: items.map((c) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [c.lng, c.lat] },
        properties: { id: c.id, code: c.code, state: c.state, light: c.light, matterCode: c.matterCode },
      })),
    };
    void (map.getSource('cases') as GeoJSONSource | undefined)?.setData(fc);
  }, [ready, cases.data]);

  // The legend's switches: each group of layers shown or hidden.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    for (const [group, ids] of Object.entries(LAYER_GROUPS) as [LayerGroup, readonly string[]][]) {
      for (const id of ids) {
        if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', layersOn[group] ? 'visible' : 'none');
      }
    }
  }, [ready, layersOn]);

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

  // Click: a case cluster zooms in, a case opens its page; else a component under the pointer,
  // else the grid, else (zoomed out) the division there.
  const onClick = useCallback((e: MapMouseEvent) => {
    const map = mapRef.current;
    if (!map) return;
    const near: [PointLike, PointLike] = [
      [e.point.x - 5, e.point.y - 5],
      [e.point.x + 5, e.point.y + 5],
    ];
    const has = (id: string) => map.getLayer(id) !== undefined;
    const visible = (id: string) => has(id) && map.getLayoutProperty(id, 'visibility') !== 'none';
    const cluster = visible('case-cluster')
      ? map.queryRenderedFeatures(near, { layers: ['case-cluster'] })[0]
      : undefined;
    if (cluster && cluster.geometry.type === 'Point') {
      const center = cluster.geometry.coordinates as [number, number];
      const src = map.getSource('cases') as GeoJSONSource;
      void src.getClusterExpansionZoom(Number(cluster.properties.cluster_id)).then((z) => {
        map.easeTo({ center, zoom: z + 0.5, duration: 500 });
      });
      return;
    }
    const caseHit = visible('case-point')
      ? map.queryRenderedFeatures(near, { layers: ['case-point'] })[0]
      : undefined;
    if (typeof caseHit?.properties?.id === 'string') {
      void navigateRef.current(`/cases/${caseHit.properties.id}`);
      return;
    }
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
      'case-cluster',
      'case-point',
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
      {canCases && (
        <Space wrap style={{ marginBottom: 8 }} data-testid="map-case-filters">
          <Select
            mode="multiple"
            allowClear
            maxTagCount="responsive"
            style={{ minWidth: 260 }}
            placeholder={t('map.cases.allStates')}
            value={caseFilter.states}
            onChange={(states: string[]) => setCaseFilter((f) => ({ ...f, states }))}
            options={OPEN_STATES.map((s) => ({ value: s, label: t(`case.state.${s}`) }))}
            data-testid="map-case-state"
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 240 }}
            placeholder={t('map.cases.allMatters')}
            value={caseFilter.matterCode ?? undefined}
            onChange={(v: string | undefined) => setCaseFilter((f) => ({ ...f, matterCode: v ?? null }))}
            options={(matterTypes.data?.items ?? []).map((m) => ({
              value: m.code,
              label: `${m.code} ${m.name}`,
            }))}
            data-testid="map-case-matter"
          />
          {cases.data && (
            <Tag data-testid="map-case-count">
              {t('map.cases.count', { n: cases.data.items.length, total: cases.data.total })}
            </Tag>
          )}
          {cases.data?.truncated && (
            <Tag color="orange">{t('map.cases.truncated', { n: cases.data.items.length })}</Tag>
          )}
        </Space>
      )}
      <div
        style={{
          position: 'relative',
          height: 'calc(100vh - 290px)',
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
          data-rendered-cases={rendered.cases}
          data-case-points={cases.data?.items.length ?? ''}
          data-fitted={myDistrict ? `district:${myDistrict}` : 'city'}
          data-basemap={baseDrawn}
        />
        {!ready && (
          <div style={{ position: 'absolute', inset: 0, display: 'grid', placeItems: 'center' }}>
            <Spin />
          </div>
        )}
        <Legend
          zoom={zoom}
          components={canComponents}
          cases={canCases}
          layersOn={layersOn}
          onToggle={(g, on) => setLayersOn((prev) => ({ ...prev, [g]: on }))}
        />
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
