/**
 * 决策辅助 — what the record says to the city's leaders over a period (China days): case trends per
 * type family or region with the same bucket a year earlier (ECharts), hotspot grids and components
 * with the cases that recurred soon after a closing, the units and matter types behind overdue
 * disposal (the evaluation's own definitions, shown beside), and the cases as a heat map. Every
 * case code opens the case. A district centre sees its own district only (the server's scope).
 */
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Card,
  Col,
  DatePicker,
  InputNumber,
  Row,
  Segmented,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import type { ApiResponse, ListResult } from '../../api/types';
import { formatTime } from '../../components/format';
import { CityMap } from '../../components/map/CityMap';
import { PageContainer } from '../../components/PageContainer';
import { TrendChart } from './TrendChart';

type Trends = ApiResponse<'/api/decision/trends', 'get'>;
type Hotspots = ApiResponse<'/api/decision/hotspots', 'get'>;
type Overdue = ApiResponse<'/api/decision/overdue', 'get'>;
type Heat = ApiResponse<'/api/decision/heat', 'get'>;
type OverdueRow = Overdue['units'][number];

const FAMILIES = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '99'] as const;
/** The lines drawn besides the total: the busiest series (the rest are in the total). */
const MAX_LINES = 6;
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

function CaseLink({ id, code }: { id: string; code: string }) {
  return (
    <Link to={`/cases/${id}`} data-testid="decision-case-link">
      {code}
    </Link>
  );
}

export function DecisionPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const [granularity, setGranularity] = useState<'week' | 'month'>('month');
  const [by, setBy] = useState<'family' | 'district' | 'township'>('family');
  const [family, setFamily] = useState<string | undefined>(undefined);
  const [districtCode, setDistrictCode] = useState<string | undefined>(undefined);
  const me = useMe();
  // A district centre is confined to its district by the server; the city may narrow to one.
  const cityLevel = me.data?.scope.kind === 'city';
  const districts = useQuery({
    queryKey: ['geo', 'divisions', 'district'],
    staleTime: 10 * 60_000,
    enabled: cityLevel,
    queryFn: () =>
      api.get<ListResult<{ code: string; name: string }>>('/api/geo/divisions', {
        level: 'district',
        pageSize: 200,
      }),
  });
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [
    dayjs().startOf('month').subtract(5, 'month'),
    dayjs().startOf('month').add(1, 'month'),
  ]);
  const [threshold, setThreshold] = useState(3);
  const [recurrenceDays, setRecurrenceDays] = useState(30);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const tooLong = range[1].diff(range[0], 'day') > 400;
  const base = { from, to, ...(family ? { family } : {}), ...(districtCode ? { districtCode } : {}) };
  const enabled = !tooLong && from < to;

  const trends = useQuery({
    queryKey: ['decision', 'trends', base, granularity, by],
    queryFn: () => api.get<Trends>('/api/decision/trends', { ...base, granularity, by }),
    enabled,
  });
  const hotspots = useQuery({
    queryKey: ['decision', 'hotspots', base, threshold, recurrenceDays],
    queryFn: () => api.get<Hotspots>('/api/decision/hotspots', { ...base, threshold, recurrenceDays }),
    enabled,
  });
  const overdue = useQuery({
    queryKey: ['decision', 'overdue', base],
    queryFn: () => api.get<Overdue>('/api/decision/overdue', base),
    enabled,
  });
  const heat = useQuery({
    queryKey: ['decision', 'heat', base],
    queryFn: () => api.get<Heat>('/api/decision/heat', base),
    enabled,
  });

  // The trend's `by` is the answer's own, so the names never lag a change of the select.
  const lines = useMemo(() => {
    const data = trends.data;
    if (!data) return [];
    return data.series.slice(0, MAX_LINES).map((s) => ({
      name:
        s.key === null
          ? t('decision.unclassified')
          : data.by === 'family'
            ? `${s.key} ${t(`decision.familyName.${s.key}`, { defaultValue: s.label })}`
            : s.label,
      counts: s.counts,
      lastYear: s.lastYear,
    }));
  }, [trends.data, t]);
  const total = useMemo(
    () => ({
      name: t('decision.total'),
      counts: trends.data?.total.counts ?? [],
      lastYear: trends.data?.total.lastYear ?? [],
    }),
    [trends.data, t],
  );
  const heatCells = useMemo(() => heat.data?.cells ?? [], [heat.data]);
  // The map shows where the cases are (a district's, when narrowed to one), a little around them.
  const heatBounds = useMemo((): [number, number, number, number] | null => {
    if (!heatCells.length) return null;
    const lngs = heatCells.map((c) => c.lng);
    const lats = heatCells.map((c) => c.lat);
    const pad = 0.005;
    return [
      Math.min(...lngs) - pad,
      Math.min(...lats) - pad,
      Math.max(...lngs) + pad,
      Math.max(...lats) + pad,
    ];
  }, [heatCells]);

  const overdueColumns = (first: string) => [
    { title: first, dataIndex: 'label', key: 'label' },
    { title: t('decision.overdueCount'), dataIndex: 'overdue', key: 'overdue', width: 90 },
    {
      title: t('decision.share'),
      key: 'share',
      width: 110,
      render: (_: unknown, r: OverdueRow) => pct(r.share),
    },
    { title: t('decision.due'), dataIndex: 'due', key: 'due', width: 90 },
    {
      title: t('decision.onTimeRate'),
      key: 'onTimeRate',
      width: 120,
      render: (_: unknown, r: OverdueRow) => pct(r.onTimeRate),
    },
  ];
  const pickText = (x: { zh: string; en: string }) => (en ? x.en : x.zh);
  const error = trends.error ?? hotspots.error ?? overdue.error ?? heat.error;

  return (
    <PageContainer testId="decision-page" title={t('decision.title')}>
      <Space direction="vertical" style={{ width: '100%' }} size="large">
        <Space wrap>
          <span>{t('decision.period')}</span>
          <DatePicker.RangePicker
            value={range}
            allowClear={false}
            onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
            data-testid="decision-period"
          />
          <Segmented
            value={granularity}
            onChange={(v) => setGranularity(v as 'week' | 'month')}
            options={[
              { value: 'month', label: t('decision.month') },
              { value: 'week', label: t('decision.week') },
            ]}
          />
          <Select
            style={{ width: 150 }}
            value={by}
            onChange={setBy}
            options={[
              { value: 'family', label: t('decision.byFamily') },
              { value: 'district', label: t('decision.byDistrict') },
              { value: 'township', label: t('decision.byTownship') },
            ]}
            data-testid="decision-by"
          />
          {cityLevel && (
            <Select
              style={{ width: 180 }}
              allowClear
              placeholder={t('decision.allDistricts')}
              value={districtCode}
              onChange={(v) => setDistrictCode(v ?? undefined)}
              options={(districts.data?.items ?? []).map((d) => ({ value: d.code, label: d.name }))}
              data-testid="decision-district"
            />
          )}
          <Select
            style={{ width: 200 }}
            allowClear
            placeholder={t('decision.allFamilies')}
            value={family}
            onChange={(v) => setFamily(v ?? undefined)}
            options={FAMILIES.map((f) => ({ value: f, label: `${f} ${t(`decision.familyName.${f}`)}` }))}
            data-testid="decision-family"
          />
        </Space>
        {tooLong && <Alert type="warning" message={t('decision.periodTooLong')} />}
        {error && <Alert type="error" message={String(error)} />}

        <Card title={t('decision.trends')} size="small" loading={trends.isLoading}>
          <Typography.Paragraph type="secondary">{t('decision.trendsNote')}</Typography.Paragraph>
          <TrendChart buckets={trends.data?.buckets ?? []} lines={lines} total={total} />
        </Card>

        <Card
          title={t('decision.hotspots')}
          size="small"
          extra={
            <Space>
              <span>{t('decision.threshold')}</span>
              <InputNumber
                min={2}
                max={10000}
                value={threshold}
                onChange={(v) => v && setThreshold(v)}
                data-testid="decision-threshold"
              />
              <span>{t('decision.recurrenceDays')}</span>
              <InputNumber
                min={1}
                max={365}
                value={recurrenceDays}
                onChange={(v) => v && setRecurrenceDays(v)}
              />
            </Space>
          }
        >
          <Row gutter={16}>
            <Col xs={24} xl={12}>
              <Typography.Title level={5}>{t('decision.gridHotspots')}</Typography.Title>
              <Table
                data-testid="decision-grid-hotspots"
                rowKey="gridId"
                size="small"
                loading={hotspots.isLoading}
                dataSource={hotspots.data?.grids ?? []}
                pagination={{ pageSize: 10 }}
                locale={{ emptyText: t('decision.none') }}
                columns={[
                  { title: t('decision.grid'), dataIndex: 'gridId' },
                  { title: t('decision.count'), dataIndex: 'count', width: 80 },
                  { title: t('decision.types'), dataIndex: 'types', width: 90 },
                  {
                    title: t('decision.topMatter'),
                    key: 'top',
                    render: (_: unknown, r: Hotspots['grids'][number]) =>
                      r.topMatterCode ? `${r.topMatterCode} ${r.topMatterName ?? ''}（${r.topCount}）` : '—',
                  },
                ]}
              />
            </Col>
            <Col xs={24} xl={12}>
              <Typography.Title level={5}>{t('decision.componentHotspots')}</Typography.Title>
              <Table
                data-testid="decision-component-hotspots"
                rowKey="componentId"
                size="small"
                loading={hotspots.isLoading}
                dataSource={hotspots.data?.components ?? []}
                pagination={{ pageSize: 10 }}
                locale={{ emptyText: t('decision.none') }}
                columns={[
                  { title: t('decision.component'), dataIndex: 'componentId' },
                  { title: t('decision.grid'), dataIndex: 'gridId' },
                  { title: t('decision.count'), dataIndex: 'count', width: 80 },
                  {
                    title: t('decision.topMatter'),
                    key: 'top',
                    render: (_: unknown, r: Hotspots['components'][number]) =>
                      r.topMatterCode ? `${r.topMatterCode} ${r.topMatterName ?? ''}` : '—',
                  },
                ]}
              />
            </Col>
          </Row>
          <Typography.Title level={5}>{t('decision.recurrences')}</Typography.Title>
          <Typography.Paragraph type="secondary">
            {t('decision.recurrenceNote', { days: recurrenceDays })}
          </Typography.Paragraph>
          <Table
            data-testid="decision-recurrences"
            rowKey={(r) => `${r.earlier.id}:${r.later.id}`}
            size="small"
            loading={hotspots.isLoading}
            dataSource={hotspots.data?.recurrences ?? []}
            pagination={{ pageSize: 10 }}
            locale={{ emptyText: t('decision.none') }}
            columns={[
              {
                title: t('decision.earlier'),
                key: 'earlier',
                render: (_: unknown, r: Hotspots['recurrences'][number]) => <CaseLink {...r.earlier} />,
              },
              {
                title: t('decision.later'),
                key: 'later',
                render: (_: unknown, r: Hotspots['recurrences'][number]) => <CaseLink {...r.later} />,
              },
              {
                title: t('decision.matter'),
                key: 'matter',
                render: (_: unknown, r: Hotspots['recurrences'][number]) =>
                  `${r.matterCode} ${r.matterName ?? ''}`,
              },
              {
                title: t('decision.grid'),
                key: 'where',
                render: (_: unknown, r: Hotspots['recurrences'][number]) => r.componentId ?? r.gridId,
              },
              {
                title: t('decision.closedAt'),
                dataIndex: 'earlierClosedAt',
                render: (v: string) => formatTime(v),
              },
              {
                title: t('decision.reportedAt'),
                dataIndex: 'laterReportedAt',
                render: (v: string) => formatTime(v),
              },
              {
                title: t('decision.daysAfter'),
                dataIndex: 'daysAfter',
                width: 90,
                render: (v: number) => v.toFixed(1),
              },
            ]}
          />
        </Card>

        <Card title={t('decision.overdue')} size="small" loading={overdue.isLoading}>
          {overdue.data && (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Typography.Text strong data-testid="decision-overdue-summary">
                {t('decision.overdueSummary', {
                  due: overdue.data.totalDue,
                  overdue: overdue.data.totalOverdue,
                  onTime: overdue.data.totalOnTime,
                })}
              </Typography.Text>
              <Typography.Text type="secondary">
                {t('decision.overdueCount')}: {pickText(overdue.data.definitions.overdue)}
              </Typography.Text>
              <Typography.Text type="secondary">
                {t('decision.onTimeRate')}: {pickText(overdue.data.definitions.onTime)}
              </Typography.Text>
              <Row gutter={16}>
                <Col xs={24} xl={12}>
                  <Typography.Title level={5}>{t('decision.overdueUnits')}</Typography.Title>
                  <Table
                    data-testid="decision-overdue-units"
                    rowKey={(r) => r.key ?? '-'}
                    size="small"
                    dataSource={overdue.data.units}
                    pagination={{ pageSize: 10 }}
                    columns={overdueColumns(t('decision.unit'))}
                  />
                </Col>
                <Col xs={24} xl={12}>
                  <Typography.Title level={5}>{t('decision.overdueTypes')}</Typography.Title>
                  <Table
                    data-testid="decision-overdue-types"
                    rowKey={(r) => r.key ?? '-'}
                    size="small"
                    dataSource={overdue.data.types}
                    pagination={{ pageSize: 10 }}
                    columns={overdueColumns(t('decision.matter'))}
                  />
                </Col>
              </Row>
            </Space>
          )}
        </Card>

        <Card
          title={t('decision.heat')}
          size="small"
          extra={
            heat.data && (
              <span data-testid="decision-heat-summary">
                {t('decision.heatSummary', {
                  total: heat.data.total,
                  cells: heat.data.cells.length,
                  max: heat.data.max,
                })}
              </span>
            )
          }
        >
          <CityMap
            height={460}
            grids={false}
            heat={heatCells}
            bounds={heatBounds}
            testId="decision-heat-map"
          />
        </Card>
      </Space>
    </PageContainer>
  );
}
