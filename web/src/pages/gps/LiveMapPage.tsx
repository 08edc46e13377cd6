/**
 * 实时监控 (issue 12 item 4): every vehicle and every person on duty the caller may see, on the
 * city map and in a list beside it. A marker's fill is its state (moving / stopped / offline /
 * alarm: common/gps-live.ts), its ring what it is (the vehicle's kind, or a person); the legend
 * says so. The page takes GET /api/gps/live once and then follows GET /api/gps/live/stream: markers
 * move without a reload. A click (on the map or the list) shows the details and a link to the
 * replay of the last hours.
 */
import { HistoryOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Badge,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  List,
  Row,
  Segmented,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource } from 'maplibre-gl';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { GPS_TERMINAL_KIND_CODES } from '../../../../common/gps.ts';
import { LIVE_STATES, MOVING_ABOVE_KMH, OFFLINE_AFTER_MS } from '../../../../common/gps-live.ts';
import { formatTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { KIND_COLOURS, kindKey, type LiveItem, STATE_COLOURS, terminalKindName, useLiveItems } from './api';
import { mapBoxStyle, useGpsMap } from './GpsMap';

declare global {
  interface Window {
    /** What the live map draws now, for end-to-end tests. */
    __gpsLiveFeatures?: FeatureCollection;
  }
}

/** The list's order: alarms first, then moving, stopped, offline. */
const RANK = { alarm: 0, moving: 1, stopped: 2, offline: 3 } as const;

const MAP_HEIGHT = 'calc(100vh - 300px)';

function toGeoJson(items: LiveItem[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: items
      .filter((i) => i.lat !== null && i.lng !== null)
      .map((i) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [i.lng as number, i.lat as number] },
        properties: { key: i.key, state: i.state, kind: kindKey(i), label: i.label },
      })),
  };
}

/** The replay link of an item: its last two hours. */
export function replayHref(i: Pick<LiveItem, 'kind' | 'id'>): string {
  return `/gps/replay?${i.kind === 'vehicle' ? 'terminal' : 'user'}=${i.id}`;
}

export function LiveMapPage() {
  const { t, i18n } = useTranslation();
  const { items, connected, snapshot } = useLiveItems();
  const el = useRef<HTMLDivElement>(null);
  const map = useGpsMap(el);
  const [selected, setSelected] = useState<string | null>(null);
  const [kindFilter, setKindFilter] = useState<'all' | 'vehicle' | 'person'>('all');
  const [q, setQ] = useState('');

  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return items
      .filter((i) => kindFilter === 'all' || i.kind === kindFilter)
      .filter(
        (i) =>
          !needle || `${i.label} ${i.terminalPhone ?? ''} ${i.orgName ?? ''}`.toLowerCase().includes(needle),
      )
      .sort((a, b) => RANK[a.state] - RANK[b.state] || a.label.localeCompare(b.label));
  }, [items, kindFilter, q]);
  const current = items.find((i) => i.key === selected) ?? null;
  const counts = Object.fromEntries(LIVE_STATES.map((s) => [s, items.filter((i) => i.state === s).length]));

  // The markers' layers, once the map is there.
  useEffect(() => {
    if (!map) return;
    map.addSource('live', { type: 'geojson', data: toGeoJson([]) });
    map.addLayer({
      id: 'live-selected',
      type: 'circle',
      source: 'live',
      filter: ['==', ['get', 'key'], ''],
      paint: {
        'circle-radius': 14,
        'circle-color': 'rgba(250, 173, 20, 0.25)',
        'circle-stroke-color': '#faad14',
        'circle-stroke-width': 2,
      },
    });
    map.addLayer({
      id: 'live-dot',
      type: 'circle',
      source: 'live',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 5, 16, 8],
        'circle-color': [
          'match',
          ['get', 'state'],
          ...Object.entries(STATE_COLOURS).flat(),
          '#8c8c8c',
        ] as never,
        'circle-stroke-color': [
          'match',
          ['get', 'kind'],
          ...Object.entries(KIND_COLOURS).flat(),
          '#595959',
        ] as never,
        'circle-stroke-width': 3,
      },
    });
    map.on('click', 'live-dot', (e) => {
      const key = e.features?.[0]?.properties?.key;
      if (typeof key === 'string') setSelected(key);
    });
    map.on('mouseenter', 'live-dot', () => {
      map.getCanvas().style.cursor = 'pointer';
    });
    map.on('mouseleave', 'live-dot', () => {
      map.getCanvas().style.cursor = '';
    });
  }, [map]);

  // The markers follow the items.
  const fitted = useRef(false);
  useEffect(() => {
    const source = map?.getSource('live') as GeoJSONSource | undefined;
    if (!map || !source) return;
    const fc = toGeoJson(items);
    void source.setData(fc);
    window.__gpsLiveFeatures = fc;
    if (el.current) {
      // Drawn again: `data-idle` comes back once the map has rendered it (GpsMap).
      el.current.dataset.idle = 'false';
      el.current.dataset.markers = String(fc.features.length);
    }
    if (!fitted.current && snapshot.data && fc.features.length > 0) {
      fitted.current = true;
      const xs = fc.features.map((f) => (f.geometry as GeoJSON.Point).coordinates);
      map.fitBounds(
        [
          Math.min(...xs.map((c) => c[0])),
          Math.min(...xs.map((c) => c[1])),
          Math.max(...xs.map((c) => c[0])),
          Math.max(...xs.map((c) => c[1])),
        ],
        { padding: 80, maxZoom: 15, duration: 0 },
      );
    }
  }, [map, items, snapshot.data]);

  useEffect(() => {
    if (map?.getLayer('live-selected'))
      map.setFilter('live-selected', ['==', ['get', 'key'], selected ?? '']);
  }, [map, selected]);

  const focus = (i: LiveItem) => {
    setSelected(i.key);
    if (map && i.lat !== null && i.lng !== null) {
      map.easeTo({ center: [i.lng, i.lat], zoom: Math.max(map.getZoom(), 15), duration: 300 });
    }
  };

  const stateTag = (i: LiveItem) => (
    <Tag color={STATE_COLOURS[i.state]} data-testid="gps-live-state">
      {t(`gps.state.${i.state}`)}
    </Tag>
  );

  return (
    <PageContainer
      testId="page-gps-live"
      title={t('gps.live.title')}
      extra={
        <Badge
          status={connected ? 'processing' : 'default'}
          text={connected ? t('gps.live.connected') : t('gps.live.disconnected')}
          data-testid="gps-live-connection"
        />
      }
    >
      <Row gutter={12} style={{ marginBottom: 12 }}>
        {LIVE_STATES.map((s) => (
          <Col key={s} xs={12} sm={6}>
            <Card size="small">
              <Statistic
                title={t(`gps.state.${s}`)}
                value={counts[s]}
                styles={{ content: { color: STATE_COLOURS[s] } }}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={12}>
        <Col xs={24} lg={17}>
          <div ref={el} data-testid="gps-live-map" style={mapBoxStyle(MAP_HEIGHT)} />
          <Space wrap size={[12, 4]} style={{ marginTop: 8 }} data-testid="gps-live-legend">
            <Typography.Text type="secondary">{t('gps.legend.fill')}</Typography.Text>
            {LIVE_STATES.map((s) => (
              <Space key={s} size={4}>
                <Dot fill={STATE_COLOURS[s]} />
                {t(`gps.state.${s}`)}
              </Space>
            ))}
            <Typography.Text type="secondary">{t('gps.legend.ring')}</Typography.Text>
            {[...GPS_TERMINAL_KIND_CODES, 'person' as const].map((k) => (
              <Space key={k} size={4}>
                <Dot ring={KIND_COLOURS[k]} />
                {k === 'person' ? t('gps.kind.person') : terminalKindName(i18n.language, k)}
              </Space>
            ))}
          </Space>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 4 }}>
            {t('gps.legend.rule', { offline: OFFLINE_AFTER_MS / 60_000, moving: MOVING_ABOVE_KMH })}
          </Typography.Paragraph>
        </Col>
        <Col xs={24} lg={7}>
          {current && (
            <Card
              size="small"
              title={
                <Space>
                  {current.label}
                  {stateTag(current)}
                </Space>
              }
              extra={
                <Link to={replayHref(current)} data-testid="gps-live-replay">
                  <Button size="small" icon={<HistoryOutlined />}>
                    {t('gps.live.replay')}
                  </Button>
                </Link>
              }
              style={{ marginBottom: 12 }}
              data-testid="gps-live-detail"
            >
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('gps.field.kind')}>
                  {current.kind === 'person'
                    ? t('gps.kind.person')
                    : terminalKindName(i18n.language, current.terminalKind)}
                </Descriptions.Item>
                {current.terminalPhone && (
                  <Descriptions.Item label={t('gps.field.terminalId')}>
                    {current.terminalPhone}
                  </Descriptions.Item>
                )}
                <Descriptions.Item label={t('gps.field.org')}>{current.orgName ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('gps.field.time')}>{formatTime(current.time)}</Descriptions.Item>
                <Descriptions.Item label={t('gps.field.speed')}>
                  {current.speed === null ? '—' : `${current.speed.toFixed(1)} km/h`}
                </Descriptions.Item>
                <Descriptions.Item label={t('gps.field.position')}>
                  <span data-testid="gps-live-position">
                    {current.lat === null || current.lng === null
                      ? '—'
                      : `${current.lng.toFixed(5)}, ${current.lat.toFixed(5)}`}
                  </span>
                </Descriptions.Item>
                {!!current.alarm && (
                  <Descriptions.Item label={t('gps.field.alarm')}>
                    0x{current.alarm.toString(16).toUpperCase()}
                  </Descriptions.Item>
                )}
              </Descriptions>
            </Card>
          )}
          <Card size="small" styles={{ body: { padding: 8 } }}>
            <Space direction="vertical" style={{ width: '100%' }} size={8}>
              <Segmented
                block
                value={kindFilter}
                onChange={(v) => setKindFilter(v as typeof kindFilter)}
                options={[
                  { value: 'all', label: `${t('common.all')} ${items.length}` },
                  {
                    value: 'vehicle',
                    label: `${t('gps.kind.vehicle')} ${items.filter((i) => i.kind === 'vehicle').length}`,
                  },
                  {
                    value: 'person',
                    label: `${t('gps.kind.person')} ${items.filter((i) => i.kind === 'person').length}`,
                  },
                ]}
              />
              <Input
                allowClear
                prefix={<SearchOutlined />}
                placeholder={t('gps.live.search')}
                value={q}
                onChange={(e) => setQ(e.target.value)}
              />
              <div
                style={{
                  maxHeight: `calc(100vh - ${current ? 600 : 380}px)`,
                  minHeight: 200,
                  overflow: 'auto',
                }}
              >
                {shown.length === 0 ? (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('gps.live.empty')} />
                ) : (
                  <List
                    size="small"
                    dataSource={shown}
                    data-testid="gps-live-list"
                    renderItem={(i) => (
                      <List.Item
                        key={i.key}
                        onClick={() => focus(i)}
                        style={{
                          cursor: 'pointer',
                          background: i.key === selected ? '#e6f4ff' : undefined,
                          paddingInline: 8,
                        }}
                        data-testid="gps-live-item"
                        data-key={i.key}
                      >
                        <List.Item.Meta
                          avatar={<Dot fill={STATE_COLOURS[i.state]} ring={KIND_COLOURS[kindKey(i)]} />}
                          title={
                            <Space size={4}>
                              <span>{i.label}</span>
                              {stateTag(i)}
                            </Space>
                          }
                          description={
                            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                              {i.orgName ?? ''} · {i.time ? formatTime(i.time) : t('gps.live.noFix')}
                            </Typography.Text>
                          }
                        />
                      </List.Item>
                    )}
                  />
                )}
              </div>
            </Space>
          </Card>
        </Col>
      </Row>
    </PageContainer>
  );
}

function Dot({ fill = '#ffffff', ring = '#ffffff' }: { fill?: string; ring?: string }) {
  return (
    <span
      style={{
        display: 'inline-block',
        width: 14,
        height: 14,
        borderRadius: 7,
        background: fill,
        border: `3px solid ${ring}`,
        boxShadow: '0 0 0 1px #d9d9d9',
        verticalAlign: 'middle',
      }}
    />
  );
}
