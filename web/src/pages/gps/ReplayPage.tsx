/**
 * 轨迹回放 (issue 12 item 4): a vehicle's or a person's track over a time range (GET
 * /api/gps/tracks/analysis) — the line on the city map with its start, end and stops, a time
 * slider (and play) moving a marker along it, the speed chart, the stops and the unit grids
 * crossed in order. A stop or a grid clicked moves the slider to it. The page's address carries
 * the subject and range (`?terminal=<id>` or `?user=<id>`, `from`, `to`), so the live map links
 * here and a replay can be shared.
 */
import { CaretRightOutlined, PauseOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Row,
  Segmented,
  Select,
  Slider,
  Space,
  Statistic,
  Table,
  Tabs,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource } from 'maplibre-gl';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { isApiError } from '../../api/client';
import { ChinaRangePicker, ChinaTimeHint } from '../../components/ChinaPicker';
import { fromChinaPicker, toChinaPicker } from '../../components/china-time';
import { formatTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import {
  formatDistance,
  formatDuration,
  type TrackAnalysis,
  useLiveSnapshot,
  useTerminalOptions,
  useTrackAnalysis,
} from './api';
import { mapBoxStyle, useGpsMap } from './GpsMap';
import { SpeedChart } from './SpeedChart';

const HOUR = 3_600_000;
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

function trackFeatures(a: TrackAnalysis | undefined): { line: FeatureCollection; marks: FeatureCollection } {
  if (!a || a.points.length === 0) return { line: EMPTY, marks: EMPTY };
  const coords = a.points.map((p) => [p.lng, p.lat]);
  return {
    line: {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: { type: 'LineString', coordinates: coords }, properties: {} }],
    },
    marks: {
      type: 'FeatureCollection',
      features: [
        ...a.stops.map((s, i) => ({
          type: 'Feature' as const,
          geometry: { type: 'Point' as const, coordinates: [s.lng, s.lat] },
          properties: { role: 'stop', n: i + 1 },
        })),
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: coords[0] },
          properties: { role: 'start' },
        },
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: coords.at(-1)! },
          properties: { role: 'end' },
        },
      ],
    },
  };
}

export function ReplayPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const terminal = params.get('terminal') ?? undefined;
  const user = params.get('user') ?? undefined;
  const now = useMemo(() => Date.now(), []);
  const from = params.get('from') ?? new Date(now - 2 * HOUR).toISOString();
  const to = params.get('to') ?? new Date(now + 60_000).toISOString();
  const subject = terminal ? { terminal } : user ? { user } : null;
  const analysis = useTrackAnalysis(subject, from, to);
  const a = analysis.data;

  // The form: what to replay, over when (applied with the button).
  const [mode, setMode] = useState<'vehicle' | 'person'>(user ? 'person' : 'vehicle');
  const [pickedTerminal, setPickedTerminal] = useState<string | undefined>(terminal);
  const [pickedUser, setPickedUser] = useState<string | undefined>(user);
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null]>([toChinaPicker(from), toChinaPicker(to)]);
  const terminals = useTerminalOptions();
  const live = useLiveSnapshot();
  const people = (live.data?.items ?? []).filter((i) => i.kind === 'person');
  const apply = () => {
    const f = fromChinaPicker(range[0]);
    const tt = fromChinaPicker(range[1]);
    const next: Record<string, string> = {};
    if (mode === 'vehicle' && pickedTerminal) next.terminal = pickedTerminal;
    if (mode === 'person' && pickedUser) next.user = pickedUser;
    if (f) next.from = f;
    if (tt) next.to = tt;
    setParams(next);
  };

  // The slider's position (an index into the points) and playing.
  const [cursor, setCursor] = useState(0);
  const [playing, setPlaying] = useState(false);
  const n = a?.points.length ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new track starts at its beginning
  useEffect(() => {
    setCursor(0);
    setPlaying(false);
  }, [a]);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(
      () =>
        setCursor((c) => {
          if (c + 1 >= n) {
            setPlaying(false);
            return c;
          }
          return c + 1;
        }),
      Math.max(30, Math.min(400, 20_000 / Math.max(n, 1))),
    );
    return () => clearInterval(timer);
  }, [playing, n]);

  const el = useRef<HTMLDivElement>(null);
  const map = useGpsMap(el);
  useEffect(() => {
    if (!map) return;
    map.addSource('track', { type: 'geojson', data: EMPTY });
    map.addSource('track-marks', { type: 'geojson', data: EMPTY });
    map.addSource('track-cursor', { type: 'geojson', data: EMPTY });
    map.addLayer({
      id: 'track-line-casing',
      type: 'line',
      source: 'track',
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': '#ffffff', 'line-width': 6 },
    });
    map.addLayer({
      id: 'track-line',
      type: 'line',
      source: 'track',
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': '#1677ff', 'line-width': 3.5 },
    });
    map.addLayer({
      id: 'track-marks',
      type: 'circle',
      source: 'track-marks',
      paint: {
        // A stop is larger than the start and end drawn over it: a track that ends where it stopped shows both.
        'circle-radius': ['match', ['get', 'role'], 'stop', 11, 6],
        'circle-color': ['match', ['get', 'role'], 'stop', '#fa8c16', 'start', '#389e0d', '#cf1322'],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    });
    map.addLayer({
      id: 'track-cursor',
      type: 'circle',
      source: 'track-cursor',
      // The replayed vehicle: white with a thick blue ring, above the start (green), stops (orange), end (red).
      paint: {
        'circle-radius': 8,
        'circle-color': '#ffffff',
        'circle-stroke-color': '#0958d9',
        'circle-stroke-width': 4,
      },
    });
  }, [map]);

  // The track, fitted.
  useEffect(() => {
    if (!map) return;
    const { line, marks } = trackFeatures(a);
    void (map.getSource('track') as GeoJSONSource | undefined)?.setData(line);
    void (map.getSource('track-marks') as GeoJSONSource | undefined)?.setData(marks);
    if (el.current) {
      // Drawn again: `data-idle` comes back once the map has rendered it (GpsMap).
      el.current.dataset.idle = 'false';
      el.current.dataset.points = String(a?.points.length ?? 0);
      el.current.dataset.stops = String(a?.stops.length ?? 0);
    }
    if (a && a.points.length > 0) {
      const lngs = a.points.map((p) => p.lng);
      const lats = a.points.map((p) => p.lat);
      map.fitBounds([Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)], {
        padding: 60,
        maxZoom: 17,
        duration: 0,
      });
    }
  }, [map, a]);

  // The marker at the slider's point.
  const point = a?.points[Math.min(cursor, n - 1)];
  useEffect(() => {
    if (!map) return;
    void (map.getSource('track-cursor') as GeoJSONSource | undefined)?.setData(
      point
        ? {
            type: 'FeatureCollection',
            features: [
              {
                type: 'Feature',
                geometry: { type: 'Point', coordinates: [point.lng, point.lat] },
                properties: {},
              },
            ],
          }
        : EMPTY,
    );
    if (el.current) el.current.dataset.cursor = point ? `${point.lng},${point.lat}` : '';
  }, [map, point]);

  const goTo = (index: number, fly = true) => {
    setPlaying(false);
    setCursor(index);
    const p = a?.points[index];
    if (fly && map && p)
      map.easeTo({ center: [p.lng, p.lat], zoom: Math.max(map.getZoom(), 16), duration: 300 });
  };
  const indexAt = (iso: string) => {
    const at = Date.parse(iso);
    const i = a?.points.findIndex((p) => Date.parse(p.time) >= at) ?? -1;
    return Math.max(i, 0);
  };

  const error = analysis.error;
  return (
    <PageContainer testId="page-gps-replay" title={t('gps.replay.title')}>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap>
          <Segmented
            value={mode}
            onChange={(v) => setMode(v as typeof mode)}
            options={[
              { value: 'vehicle', label: t('gps.kind.vehicle') },
              { value: 'person', label: t('gps.kind.person') },
            ]}
          />
          {mode === 'vehicle' ? (
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              style={{ width: 260 }}
              placeholder={t('gps.replay.pickVehicle')}
              value={pickedTerminal}
              onChange={setPickedTerminal}
              loading={terminals.isLoading}
              options={terminals.data?.items.map((x) => ({
                value: x.id,
                label: `${x.plate ?? x.terminalId}${x.orgName ? ` · ${x.orgName}` : ''}`,
              }))}
              data-testid="gps-replay-terminal"
            />
          ) : (
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              style={{ width: 260 }}
              placeholder={t('gps.replay.pickPerson')}
              value={pickedUser}
              onChange={setPickedUser}
              options={[
                ...people.map((p) => ({
                  value: p.id,
                  label: `${p.label}${p.orgName ? ` · ${p.orgName}` : ''}`,
                })),
                ...(user && !people.some((p) => p.id === user) && a?.subject.kind === 'person'
                  ? [{ value: user, label: a.subject.label }]
                  : []),
              ]}
              notFoundContent={t('gps.replay.noPeople')}
              data-testid="gps-replay-person"
            />
          )}
          <ChinaRangePicker
            showTime
            value={range}
            onChange={(v) => setRange([v?.[0] ?? null, v?.[1] ?? null])}
            data-testid="gps-replay-range"
          />
          <ChinaTimeHint />
          <Button type="primary" icon={<SearchOutlined />} onClick={apply} data-testid="gps-replay-apply">
            {t('gps.replay.show')}
          </Button>
        </Space>
      </Card>
      {error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={isApiError(error) ? error.message : String(error)}
        />
      )}
      {a && (
        <Row gutter={12} style={{ marginBottom: 12 }} data-testid="gps-replay-summary">
          {(
            [
              ['subject', a.subject.label],
              ['points', a.points.length],
              ['distance', formatDistance(a.distanceM)],
              ['duration', formatDuration(a.durationS)],
              ['maxSpeed', a.maxSpeed === null ? '—' : `${a.maxSpeed.toFixed(1)} km/h`],
              ['stops', a.stops.length],
            ] as const
          ).map(([k, v]) => (
            <Col key={k} xs={12} sm={8} md={4}>
              <Card size="small">
                <Statistic title={t(`gps.replay.summary.${k}`)} value={v} />
              </Card>
            </Col>
          ))}
        </Row>
      )}
      <Row gutter={12}>
        <Col xs={24} lg={16}>
          <div ref={el} data-testid="gps-replay-map" style={mapBoxStyle(460)} />
          <Card size="small" style={{ marginTop: 8 }}>
            {!a || n === 0 ? (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={
                  subject
                    ? analysis.isLoading
                      ? t('gps.replay.loading')
                      : t('gps.replay.noPoints')
                    : t('gps.replay.pick')
                }
              />
            ) : (
              <>
                <Space style={{ width: '100%' }} align="center">
                  <Button
                    shape="circle"
                    icon={playing ? <PauseOutlined /> : <CaretRightOutlined />}
                    onClick={() => {
                      if (!playing && cursor >= n - 1) setCursor(0);
                      setPlaying(!playing);
                    }}
                    aria-label={playing ? t('gps.replay.pause') : t('gps.replay.play')}
                    data-testid="gps-replay-play"
                  />
                  <Typography.Text data-testid="gps-replay-cursor-time" style={{ whiteSpace: 'nowrap' }}>
                    {formatTime(point?.time)}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
                    {point?.speed === null || point?.speed === undefined
                      ? '—'
                      : `${point.speed.toFixed(1)} km/h`}
                  </Typography.Text>
                </Space>
                <Slider
                  min={0}
                  max={n - 1}
                  value={cursor}
                  onChange={(v) => goTo(v, false)}
                  tooltip={{ formatter: (v) => formatTime(a.points[v ?? 0]?.time).slice(11) }}
                  data-testid="gps-replay-slider"
                />
                <SpeedChart analysis={a} cursor={cursor} onPick={(i) => goTo(i, false)} />
              </>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small">
            <Tabs
              items={[
                {
                  key: 'stops',
                  label: `${t('gps.replay.stops')} ${a?.stops.length ?? 0}`,
                  children: (
                    <Table
                      size="small"
                      rowKey="start"
                      pagination={false}
                      scroll={{ y: 520 }}
                      dataSource={a?.stops ?? []}
                      data-testid="gps-replay-stops"
                      onRow={(s) => ({ onClick: () => goTo(s.fromIndex), style: { cursor: 'pointer' } })}
                      locale={{ emptyText: t('gps.replay.noStops') }}
                      columns={[
                        { title: '#', key: 'n', width: 36, render: (_, __, i) => i + 1 },
                        {
                          title: t('gps.replay.start'),
                          dataIndex: 'start',
                          render: (v: string) => formatTime(v).slice(5),
                        },
                        {
                          title: t('gps.replay.end'),
                          dataIndex: 'end',
                          render: (v: string) => formatTime(v).slice(11),
                        },
                        {
                          title: t('gps.replay.duration'),
                          dataIndex: 'durationS',
                          width: 80,
                          render: (v: number) => formatDuration(v),
                        },
                      ]}
                    />
                  ),
                },
                {
                  key: 'grids',
                  label: `${t('gps.replay.grids')} ${a?.grids.length ?? 0}`,
                  children: (
                    <Table
                      size="small"
                      rowKey={(g) => `${g.gridId}-${g.enter}`}
                      pagination={false}
                      scroll={{ y: 520 }}
                      dataSource={a?.grids ?? []}
                      data-testid="gps-replay-grids"
                      onRow={(g) => ({ onClick: () => goTo(indexAt(g.enter)), style: { cursor: 'pointer' } })}
                      locale={{ emptyText: t('gps.replay.noGrids') }}
                      columns={[
                        {
                          title: t('gps.replay.grid'),
                          dataIndex: 'gridId',
                          render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
                        },
                        {
                          title: t('gps.replay.enter'),
                          dataIndex: 'enter',
                          render: (v: string) => formatTime(v).slice(11),
                        },
                        {
                          title: t('gps.replay.leave'),
                          dataIndex: 'leave',
                          render: (v: string) => formatTime(v).slice(11),
                        },
                      ]}
                    />
                  ),
                },
              ]}
            />
            {a && (
              <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
                {t('gps.replay.stopRule', { radius: a.params.stopRadiusM, minutes: a.params.stopMinutes })}
              </Typography.Paragraph>
            )}
          </Card>
        </Col>
      </Row>
    </PageContainer>
  );
}
