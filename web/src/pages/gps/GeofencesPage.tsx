/**
 * 电子围栏 — the geofences in the caller's scope on the city map (our own tiles, nothing from the
 * internet): areas filled (red: no entry, blue: stay inside, orange: speed only), routes as lines.
 * Whoever manages fences (gps:manage) draws a new one by clicking its vertices on the map (an area's
 * outline or a route's line), or takes a grid's, community's or district's outline by its code,
 * and sets its rule: stay inside / no entry, speed limit and how long, active windows (China time),
 * the terminal kinds, terminals it applies to, and whether its alarms raise a case.
 */
import { useMutation } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { type GeoJSONSource, Map as MapLibreMap, NavigationControl, ScaleControl } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GPS_TERMINAL_KIND_CODES } from '../../../../common/gps.ts';
import { GEOFENCE_MODES, GEOFENCE_SOURCES } from '../../../../common/gps-alarms.ts';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import { useDistricts } from '../../components/case/api';
import { cityStyle } from '../../components/map/CityMap';
import { useGeoInfo } from '../../components/map/geo';
import { PageContainer } from '../../components/PageContainer';
import {
  type Geofence,
  terminalKindName,
  useGeofences,
  useStaffChoices,
  useTerminalChoices,
} from './fenceApi';

type Pt = [number, number];

interface FormValues {
  name: string;
  shape: 'area' | 'route';
  source: (typeof GEOFENCE_SOURCES)[number];
  sourceCode?: string;
  corridorM?: number;
  mode: (typeof GEOFENCE_MODES)[number];
  speedLimitKmh?: number | null;
  overspeedSeconds?: number;
  windows?: { days: number[]; from: string; to: string }[];
  terminalKinds?: string[];
  terminalIds?: string[];
  userIds?: string[];
  raiseCase?: boolean;
  note?: string;
}

const MODE_COLOUR = ['match', ['get', 'mode'], 'no_entry', '#cf1322', 'stay_inside', '#1677ff', '#fa8c16'];
const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

function fencesGeoJson(items: Geofence[]): GeoJSON.FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: items
      .filter((f) => f.enabled)
      .map((f) => ({
        type: 'Feature',
        geometry: f.geometry as GeoJSON.Geometry,
        properties: { id: f.id, name: f.name, mode: f.rule.mode, shape: f.shape },
      })),
  };
}

function draftGeoJson(shape: 'area' | 'route', pts: Pt[]): GeoJSON.FeatureCollection {
  const features: GeoJSON.Feature[] = pts.map((p) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: p },
    properties: {},
  }));
  if (pts.length >= 2) {
    features.push({
      type: 'Feature',
      geometry:
        shape === 'area' && pts.length >= 3
          ? { type: 'Polygon', coordinates: [[...pts, pts[0]]] }
          : { type: 'LineString', coordinates: pts },
      properties: {},
    });
  }
  return { type: 'FeatureCollection', features };
}

const DAYS = [1, 2, 3, 4, 5, 6, 7];

export function GeofencesPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const { message } = AntApp.useApp();
  const { data: me } = useMe();
  const canManage = me?.permissions.includes('gps:manage') ?? false;
  const fences = useGeofences();
  const terminals = useTerminalChoices(canManage);
  const districts = useDistricts(canManage);
  const [staffQuery, setStaffQuery] = useState('');
  const staff = useStaffChoices(canManage && (me?.permissions.includes('user:read') ?? false), staffQuery);
  const info = useGeoInfo();
  const [form] = Form.useForm<FormValues>();
  const [editing, setEditing] = useState<Geofence | null>(null);
  const [vertices, setVertices] = useState<Pt[]>([]);
  const shape = Form.useWatch('shape', form) ?? 'area';
  const source = Form.useWatch('source', form) ?? 'drawn';
  const drawing = canManage && source === 'drawn';
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | null>(null);
  const drawingRef = useRef(drawing);
  drawingRef.current = drawing;
  const ready = !!info.data || info.isError;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is made once; its data is set below
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
      doubleClickZoom: false,
    });
    m.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    m.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    // Where the map looks (the e2e test turns a WGS84 point into a click from these).
    const where = () => {
      const c = m.getCenter();
      container.dataset.center = `${c.lng.toFixed(7)},${c.lat.toFixed(7)}`;
      container.dataset.zoom = m.getZoom().toFixed(4);
    };
    m.on('moveend', where);
    m.on('load', () => {
      where();
      m.addSource('fences', { type: 'geojson', data: EMPTY });
      m.addSource('draft', { type: 'geojson', data: EMPTY });
      m.addLayer({
        id: 'fence-fill',
        type: 'fill',
        source: 'fences',
        filter: ['==', ['get', 'shape'], 'area'],
        paint: { 'fill-color': MODE_COLOUR as never, 'fill-opacity': 0.2 },
      });
      m.addLayer({
        id: 'fence-line',
        type: 'line',
        source: 'fences',
        paint: {
          'line-color': MODE_COLOUR as never,
          'line-width': ['match', ['get', 'shape'], 'route', 5, 2] as never,
          'line-opacity': 0.85,
        },
      });
      m.addLayer({
        id: 'fence-label',
        type: 'symbol',
        source: 'fences',
        layout: { 'text-field': ['get', 'name'], 'text-size': 12 },
        paint: { 'text-color': '#262626', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      });
      m.addLayer({
        id: 'draft-fill',
        type: 'fill',
        source: 'draft',
        filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'fill-color': '#722ed1', 'fill-opacity': 0.15 },
      });
      m.addLayer({
        id: 'draft-line',
        type: 'line',
        source: 'draft',
        filter: ['!=', ['geometry-type'], 'Point'],
        paint: { 'line-color': '#722ed1', 'line-width': 2, 'line-dasharray': [2, 1] },
      });
      m.addLayer({
        id: 'draft-vertex',
        type: 'circle',
        source: 'draft',
        filter: ['==', ['geometry-type'], 'Point'],
        paint: {
          'circle-radius': 5,
          'circle-color': '#722ed1',
          'circle-stroke-color': '#fff',
          'circle-stroke-width': 1.5,
        },
      });
      container.dataset.ready = 'true';
    });
    m.on('click', (e) => {
      if (!drawingRef.current) return;
      const p: Pt = [Math.round(e.lngLat.lng * 1e6) / 1e6, Math.round(e.lngLat.lat * 1e6) / 1e6];
      setVertices((v) => [...v, p]);
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

  // biome-ignore lint/correctness/useExhaustiveDependencies: `ready` re-runs this once the map exists (it lives in a ref)
  useEffect(() => {
    const m = map.current;
    const items = fences.data?.items;
    if (!m || !items) return;
    const apply = () => {
      void (m.getSource('fences') as GeoJSONSource | undefined)?.setData(fencesGeoJson(items));
      if (el.current) el.current.dataset.fences = String(items.filter((f) => f.enabled).length);
    };
    if (m.getSource('fences')) apply();
    else m.once('load', apply);
  }, [fences.data, ready]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `ready` re-runs this once the map exists (it lives in a ref)
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const apply = () => {
      void (m.getSource('draft') as GeoJSONSource | undefined)?.setData(
        draftGeoJson(shape, drawing ? vertices : []),
      );
      if (el.current) el.current.dataset.vertices = String(vertices.length);
    };
    if (m.getSource('draft')) apply();
    else m.once('load', apply);
  }, [vertices, shape, drawing, ready]);

  const reset = () => {
    setEditing(null);
    setVertices([]);
    form.resetFields();
  };

  const edit = (f: Geofence) => {
    setEditing(f);
    const g = f.geometry;
    const pts: Pt[] =
      f.source !== 'drawn'
        ? []
        : g.type === 'LineString'
          ? (g.coordinates as Pt[])
          : g.type === 'Polygon'
            ? (g.coordinates[0] as Pt[]).slice(0, -1)
            : [];
    setVertices(pts);
    form.setFieldsValue({
      name: f.name,
      shape: f.shape,
      source: f.source,
      sourceCode: f.sourceCode ?? undefined,
      corridorM: f.corridorM ?? undefined,
      mode: f.rule.mode,
      speedLimitKmh: f.rule.speedLimitKmh,
      overspeedSeconds: f.rule.overspeedSeconds,
      windows: f.rule.windows,
      terminalKinds: f.rule.targets.terminalKinds,
      terminalIds: f.rule.targets.terminalIds,
      userIds: f.rule.targets.userIds,
      raiseCase: f.rule.raiseCase,
      note: f.note ?? undefined,
    });
  };

  const save = useMutation({
    mutationFn: async (v: FormValues) => {
      const drawn = v.source === 'drawn';
      const geometry = drawn
        ? v.shape === 'route'
          ? { type: 'LineString', coordinates: vertices }
          : { type: 'Polygon', coordinates: [vertices.length ? [...vertices, vertices[0]] : []] }
        : undefined;
      const rule = {
        mode: v.mode,
        speedLimitKmh: v.speedLimitKmh ?? null,
        overspeedSeconds: v.overspeedSeconds ?? 0,
        windows: v.windows ?? [],
        targets: {
          terminalKinds: v.terminalKinds ?? [],
          terminalIds: v.terminalIds ?? [],
          userIds: v.userIds ?? [],
        },
        raiseCase: v.raiseCase ?? false,
      };
      const common = {
        name: v.name,
        ...(drawn ? { geometry } : { sourceCode: v.sourceCode }),
        ...(v.shape === 'route' ? { corridorM: v.corridorM ?? null } : {}),
        rule,
        note: v.note?.trim() || null,
      };
      if (editing) {
        return api.patch<Geofence>(`/api/gps/geofences/${editing.id}`, {
          version: editing.version,
          source: v.source,
          ...common,
        });
      }
      return api.post<Geofence>('/api/gps/geofences', { shape: v.shape, source: v.source, ...common });
    },
    onSuccess: () => {
      void message.success(t('common.saved'));
      reset();
      void fences.refetch();
    },
    onError: (err: Error) => void message.error(err.message),
  });

  const disable = useMutation({
    mutationFn: (f: Geofence) => api.delete<Geofence>(`/api/gps/geofences/${f.id}?version=${f.version}`),
    onSuccess: () => {
      reset();
      void fences.refetch();
    },
    onError: (err: Error) => void message.error(err.message),
  });

  const modeLabel = (m: string) => t(`geofences.modes.${m}`);

  return (
    <PageContainer testId="gps-geofences-page" title={t('geofences.title')}>
      <Row gutter={12}>
        <Col xs={24} lg={15}>
          <Space size={4} style={{ marginBottom: 8 }} wrap>
            <Tag color="red">{modeLabel('no_entry')}</Tag>
            <Tag color="blue">{modeLabel('stay_inside')}</Tag>
            <Tag color="orange">{modeLabel('none')}</Tag>
            {drawing && (
              <Typography.Text type="secondary" data-testid="draw-hint">
                {t(shape === 'route' ? 'geofences.drawRouteHint' : 'geofences.drawAreaHint', {
                  n: vertices.length,
                })}
              </Typography.Text>
            )}
            {drawing && vertices.length > 0 && (
              <>
                <Button size="small" onClick={() => setVertices((v) => v.slice(0, -1))}>
                  {t('geofences.undoPoint')}
                </Button>
                <Button size="small" onClick={() => setVertices([])}>
                  {t('geofences.clearPoints')}
                </Button>
              </>
            )}
          </Space>
          <div
            ref={el}
            data-testid="fence-map"
            style={{
              height: 560,
              width: '100%',
              borderRadius: 4,
              border: '1px solid #e5e8ed',
              overflow: 'hidden',
              background: '#eef1f4',
              cursor: drawing ? 'crosshair' : undefined,
            }}
          />
        </Col>
        <Col xs={24} lg={9}>
          {canManage && (
            <Card
              size="small"
              title={editing ? t('geofences.editFence', { name: editing.name }) : t('geofences.newFence')}
              extra={
                editing && (
                  <Button size="small" onClick={reset}>
                    {t('geofences.cancelEdit')}
                  </Button>
                )
              }
              style={{ marginBottom: 12 }}
            >
              <Form<FormValues>
                form={form}
                layout="vertical"
                size="small"
                initialValues={{
                  shape: 'area',
                  source: 'drawn',
                  mode: 'no_entry',
                  overspeedSeconds: 0,
                  raiseCase: false,
                }}
                onFinish={(v) => save.mutate(v)}
              >
                <Form.Item
                  name="name"
                  label={t('geofences.name')}
                  rules={[{ required: true, message: t('geofences.nameRequired') }]}
                >
                  <Input data-testid="fence-name" maxLength={100} />
                </Form.Item>
                <Space wrap>
                  <Form.Item name="shape" label={t('geofences.shape')}>
                    <Radio.Group
                      disabled={!!editing}
                      onChange={(e) => {
                        if (e.target.value === 'route') form.setFieldValue('source', 'drawn');
                      }}
                      options={[
                        { value: 'area', label: t('geofences.shapes.area') },
                        { value: 'route', label: t('geofences.shapes.route') },
                      ]}
                    />
                  </Form.Item>
                  {shape === 'area' && (
                    <Form.Item name="source" label={t('geofences.source')}>
                      <Select
                        style={{ width: 130 }}
                        options={GEOFENCE_SOURCES.map((s) => ({
                          value: s,
                          label: t(`geofences.sources.${s}`),
                        }))}
                      />
                    </Form.Item>
                  )}
                </Space>
                {shape === 'area' && source === 'district' && (
                  <Form.Item name="sourceCode" label={t('geofences.sourceCode')} rules={[{ required: true }]}>
                    <Select
                      options={(districts.data?.items ?? []).map((d) => ({
                        value: d.code,
                        label: `${d.name} ${d.code}`,
                      }))}
                    />
                  </Form.Item>
                )}
                {shape === 'area' && (source === 'grid' || source === 'community') && (
                  <Form.Item name="sourceCode" label={t('geofences.sourceCode')} rules={[{ required: true }]}>
                    <Input placeholder={source === 'grid' ? '330203001001001' : '330203001001'} />
                  </Form.Item>
                )}
                {shape === 'route' && (
                  <Form.Item name="corridorM" label={t('geofences.corridorM')} rules={[{ required: true }]}>
                    <InputNumber min={1} max={5000} addonAfter="m" />
                  </Form.Item>
                )}
                <Space wrap>
                  <Form.Item name="mode" label={t('geofences.mode')}>
                    <Select
                      data-testid="fence-mode"
                      style={{ width: 150 }}
                      options={GEOFENCE_MODES.map((m) => ({ value: m, label: modeLabel(m) }))}
                    />
                  </Form.Item>
                  <Form.Item name="speedLimitKmh" label={t('geofences.speedLimit')}>
                    <InputNumber min={1} max={300} addonAfter="km/h" style={{ width: 130 }} />
                  </Form.Item>
                  <Form.Item name="overspeedSeconds" label={t('geofences.overspeedSeconds')}>
                    <InputNumber min={0} max={3600} addonAfter="s" style={{ width: 110 }} />
                  </Form.Item>
                </Space>
                <Form.List name="windows">
                  {(fields, { add, remove }) => (
                    <div style={{ marginBottom: 8 }}>
                      <Typography.Text>{t('geofences.windows')}</Typography.Text>{' '}
                      <Typography.Text type="secondary">
                        {fields.length === 0 ? t('geofences.always') : ''}
                      </Typography.Text>
                      {fields.map((f) => (
                        <Space key={f.key} align="start" wrap style={{ display: 'flex', marginTop: 4 }}>
                          <Form.Item name={[f.name, 'days']} rules={[{ required: true }]} noStyle>
                            <Checkbox.Group
                              options={DAYS.map((d) => ({ value: d, label: t(`geofences.days.${d}`) }))}
                            />
                          </Form.Item>
                          <Form.Item
                            name={[f.name, 'from']}
                            rules={[{ required: true, pattern: /^([01]\d|2[0-3]):[0-5]\d$/ }]}
                            noStyle
                          >
                            <Input style={{ width: 70 }} placeholder="07:00" />
                          </Form.Item>
                          <Form.Item
                            name={[f.name, 'to']}
                            rules={[{ required: true, pattern: /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/ }]}
                            noStyle
                          >
                            <Input style={{ width: 70 }} placeholder="19:00" />
                          </Form.Item>
                          <Button size="small" type="link" onClick={() => remove(f.name)}>
                            {t('geofences.remove')}
                          </Button>
                        </Space>
                      ))}
                      <div>
                        <Button
                          size="small"
                          type="dashed"
                          onClick={() => add({ days: [1, 2, 3, 4, 5], from: '07:00', to: '19:00' })}
                        >
                          {t('geofences.addWindow')}
                        </Button>
                      </div>
                    </div>
                  )}
                </Form.List>
                <Form.Item name="terminalKinds" label={t('geofences.terminalKinds')}>
                  <Select
                    data-testid="fence-kinds"
                    mode="multiple"
                    options={GPS_TERMINAL_KIND_CODES.map((k) => ({
                      value: k,
                      label: terminalKindName(k, en),
                    }))}
                  />
                </Form.Item>
                <Form.Item name="terminalIds" label={t('geofences.terminals')}>
                  <Select
                    mode="multiple"
                    optionFilterProp="label"
                    options={(terminals.data?.items ?? []).map((x) => ({
                      value: x.id,
                      label: `${x.plate ?? '—'} ${x.terminalId}`,
                    }))}
                  />
                </Form.Item>
                <Form.Item name="userIds" label={t('geofences.staff')}>
                  <Select
                    mode="multiple"
                    showSearch={{ filterOption: false, onSearch: setStaffQuery }}
                    options={[
                      ...(editing?.rule.targets.userIds ?? [])
                        .filter((id) => !(staff.data?.items ?? []).some((u) => u.id === id))
                        .map((id) => ({ value: id, label: id.slice(0, 8) })),
                      ...(staff.data?.items ?? []).map((u) => ({
                        value: u.id,
                        label: `${u.displayName}（${u.username}）`,
                      })),
                    ]}
                  />
                </Form.Item>
                <Form.Item name="raiseCase" label={t('geofences.raiseCase')} valuePropName="checked">
                  <Switch />
                </Form.Item>
                <Form.Item name="note" label={t('geofences.note')}>
                  <Input maxLength={500} />
                </Form.Item>
                <Button data-testid="fence-save" type="primary" htmlType="submit" loading={save.isPending}>
                  {t('geofences.save')}
                </Button>
              </Form>
            </Card>
          )}
          <Table<Geofence>
            data-testid="fence-table"
            rowKey="id"
            size="small"
            loading={fences.isLoading}
            dataSource={fences.data?.items ?? []}
            pagination={{ pageSize: 10, showSizeChanger: false }}
            columns={[
              {
                title: t('geofences.name'),
                dataIndex: 'name',
                render: (v: string, f) => (
                  <span>
                    {v} {!f.enabled && <Tag>{t('geofences.disabled')}</Tag>}
                  </span>
                ),
              },
              {
                title: t('geofences.mode'),
                key: 'mode',
                render: (_v, f) => (
                  <Space size={2} wrap>
                    <Tag
                      color={
                        f.rule.mode === 'no_entry' ? 'red' : f.rule.mode === 'stay_inside' ? 'blue' : 'orange'
                      }
                    >
                      {modeLabel(f.rule.mode)}
                    </Tag>
                    {f.rule.speedLimitKmh !== null && <Tag>≤ {f.rule.speedLimitKmh} km/h</Tag>}
                    {f.rule.raiseCase && <Tag color="purple">{t('geofences.raisesCase')}</Tag>}
                  </Space>
                ),
              },
              { title: t('geofences.org'), dataIndex: 'orgName' },
              ...(canManage
                ? [
                    {
                      title: t('common.actions'),
                      key: 'actions',
                      render: (_v: unknown, f: Geofence) =>
                        f.enabled && (
                          <Space size={0}>
                            <Button size="small" type="link" onClick={() => edit(f)}>
                              {t('common.edit')}
                            </Button>
                            <Popconfirm
                              title={t('geofences.disableConfirm')}
                              onConfirm={() => disable.mutate(f)}
                            >
                              <Button size="small" type="link" danger>
                                {t('geofences.disable')}
                              </Button>
                            </Popconfirm>
                          </Space>
                        ),
                    },
                  ]
                : []),
            ]}
          />
        </Col>
      </Row>
    </PageContainer>
  );
}
