/**
 * The devices on the city map (our own tiles, no base map from the internet): one dot per device
 * in the caller's scope, green online, red offline, grey never heard; a device in alarm has an
 * orange ring. A click opens the device. The map fits the devices shown.
 */

import { Alert, Space, Tag } from 'antd';
import { type GeoJSONSource, Map as MapLibreMap, NavigationControl, ScaleControl } from 'maplibre-gl';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { cityStyle } from '../../components/map/CityMap';
import { useGeoInfo } from '../../components/map/geo';
import { type MapPoint, useDeviceMap } from './api';

const STATE_COLOURS = ['match', ['get', 'state'], 'online', '#389e0d', 'offline', '#cf1322', '#8c8c8c'];

function toGeoJson(items: MapPoint[]): GeoJSON.FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: items.map((d) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [d.lng, d.lat] },
      properties: { id: d.id, code: d.code, name: d.name, state: d.state, alarm: d.alarm },
    })),
  };
}

export function SensorMap({ height = 520 }: { height?: number }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const points = useDeviceMap(true);
  const info = useGeoInfo();
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | null>(null);
  const ready = !!info.data || info.isError;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is made once; the points are set below
  useEffect(() => {
    if (!el.current || !ready || map.current) return;
    const container = el.current;
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
    });
    m.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    m.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    m.on('load', () => {
      m.addSource('devices', { type: 'geojson', data: toGeoJson([]) });
      m.addLayer({
        id: 'device-alarm',
        type: 'circle',
        source: 'devices',
        filter: ['==', ['get', 'alarm'], true],
        paint: {
          'circle-radius': 11,
          'circle-color': 'rgba(0,0,0,0)',
          'circle-stroke-color': '#fa8c16',
          'circle-stroke-width': 3,
        },
      });
      m.addLayer({
        id: 'device-dot',
        type: 'circle',
        source: 'devices',
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 4, 16, 7],
          'circle-color': STATE_COLOURS as never,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.5,
        },
      });
      m.on('click', 'device-dot', (e) => {
        const id = e.features?.[0]?.properties?.id;
        if (typeof id === 'string') void navigate(`/sensors/${id}`);
      });
      m.on('mouseenter', 'device-dot', () => {
        m.getCanvas().style.cursor = 'pointer';
      });
      m.on('mouseleave', 'device-dot', () => {
        m.getCanvas().style.cursor = '';
      });
      container.dataset.ready = 'true';
    });
    m.on('idle', () => {
      container.dataset.idle = 'true';
    });
    m.on('error', (e) => {
      if ((e as { sourceId?: string }).sourceId || (e as { tile?: unknown }).tile) return;
      console.error(e.error);
    });
    map.current = m;
    return () => {
      m.remove();
      map.current = null;
    };
  }, [ready]);

  // The points, and the view fitted to them.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `ready` re-runs this once the map exists (it lives in a ref)
  useEffect(() => {
    const m = map.current;
    const items = points.data?.items;
    if (!m || !items) return;
    const apply = () => {
      void (m.getSource('devices') as GeoJSONSource | undefined)?.setData(toGeoJson(items));
      if (el.current) el.current.dataset.devices = String(items.length);
      if (items.length > 0 && !m.isMoving()) {
        const lngs = items.map((d) => d.lng);
        const lats = items.map((d) => d.lat);
        m.fitBounds([Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)], {
          padding: 60,
          maxZoom: 15,
          duration: 0,
        });
      }
    };
    if (m.getSource('devices')) apply();
    else m.once('load', apply);
  }, [points.data, ready]);

  return (
    <div>
      {points.data?.truncated && (
        <Alert type="warning" showIcon title={t('sensors.mapTruncated')} style={{ marginBottom: 8 }} />
      )}
      <Space size={4} style={{ marginBottom: 8 }}>
        <Tag color="green">{t('sensors.states.online')}</Tag>
        <Tag color="red">{t('sensors.states.offline')}</Tag>
        <Tag>{t('sensors.states.never')}</Tag>
        <Tag color="orange">{t('sensors.inAlarm')}</Tag>
      </Space>
      <div
        ref={el}
        data-testid="sensor-map"
        style={{
          height,
          width: '100%',
          borderRadius: 4,
          border: '1px solid #e5e8ed',
          overflow: 'hidden',
          background: '#eef1f4',
        }}
      />
    </div>
  );
}
