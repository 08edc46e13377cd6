/**
 * One device: where it stands and what it watches, whether it is heard, its conditions against
 * the kind's rules, the chart of its readings with the thresholds, and its alarms with the cases
 * they raised (a case link only for whoever may open the case).
 */
import { EditOutlined, HomeOutlined } from '@ant-design/icons';
import {
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Result,
  Row,
  Segmented,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { COMPARISON_SIGNS } from '../../../../common/sensors.ts';
import { isApiError } from '../../api/client';
import { useMe } from '../../api/queries';
import { DivisionName } from '../../components/case/CaseBits';
import { formatTime } from '../../components/format';
import { CityMap } from '../../components/map/CityMap';
import { type Alarm, describeValues, nameOf, useDevice, useReadings, withUnit } from './api';
import { DeviceDialog } from './DeviceDialog';
import { DeviceStateTag } from './DeviceStateTag';
import { ReadingsChart } from './ReadingsChart';

const RANGES = { '6h': 6, '24h': 24, '7d': 24 * 7, '30d': 24 * 30 } as const;
type Range = keyof typeof RANGES;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const duration = (t: TFunction, s: number) =>
  s % 3600 === 0 && s >= 3600
    ? t('sensors.hours', { n: s / 3600 })
    : s % 60 === 0 && s >= 60
      ? t('sensors.minutesN', { n: s / 60 })
      : t('sensors.seconds', { n: s });

export function DeviceDetailPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const valid = UUID.test(id);
  const q = useDevice(id, valid);
  const { data: me } = useMe();
  const canManage = (me?.permissions.includes('sensor:manage') ?? false) && me?.scope.kind !== 'unit';
  const [range, setRange] = useState<Range>('24h');
  const [editing, setEditing] = useState(false);
  const d = q.data;
  // The range ends now (rounded to the minute, so the query key holds still between renders).
  const [from, to] = useMemo(() => {
    const end = Math.ceil(Date.now() / 60_000) * 60_000;
    return [new Date(end - RANGES[range] * 3600_000).toISOString(), new Date(end).toISOString()];
  }, [range]);
  const readings = useReadings(id, from, to, valid && !!d);
  const ruleFields = d?.kind.rules.filter((r) => r.enabled).map((r) => r.field) ?? [];
  const [field, setField] = useState<string | null>(null);
  const shownField = field ?? ruleFields[0] ?? d?.kind.fields[0]?.key ?? '';

  const crumbs = (
    <Breadcrumb
      style={{ marginBottom: 8 }}
      items={[
        {
          title: (
            <Link to="/">
              <HomeOutlined /> <span>{t('menu.home')}</span>
            </Link>
          ),
        },
        { title: <Link to="/sensors">{t('sensors.title')}</Link> },
        { title: d?.device.code ?? '…' },
      ]}
    />
  );
  if (!valid || q.isError) {
    const notFound = !valid || (isApiError(q.error) && q.error.status === 404);
    return (
      <div data-testid="page-sensor">
        {crumbs}
        <Result
          status={notFound ? '404' : 'error'}
          title={notFound ? t('sensors.notFound') : t('sensors.loadFailed')}
        />
      </div>
    );
  }
  if (!d) {
    return (
      <div data-testid="page-sensor">
        {crumbs}
        <Skeleton active />
      </div>
    );
  }
  const dev = d.device;
  const ruleOf = (condition: string) => d.kind.rules.find((r) => r.condition === condition);
  const unitOf = (f: string | null) => d.kind.fields.find((x) => x.key === f)?.unit ?? '';
  const value = (v: number | null, f: string | null) => (v === null ? '—' : withUnit(v, unitOf(f)));

  const alarmColumns = [
    {
      title: t('sensors.condition'),
      dataIndex: 'condition',
      render: (c: string) => {
        const r = ruleOf(c);
        return c === 'offline' ? <Tag>{t('sensors.offlineAlarm')}</Tag> : r ? nameOf(i18n.language, r) : c;
      },
    },
    { title: t('sensors.startedAt'), dataIndex: 'startedAt', render: formatTime },
    { title: t('sensors.raisedAt'), dataIndex: 'raisedAt', render: formatTime },
    {
      title: t('sensors.clearedAt'),
      dataIndex: 'clearedAt',
      render: (v: string | null) => (v ? formatTime(v) : <Tag color="red">{t('sensors.ongoing')}</Tag>),
    },
    {
      title: t('sensors.values'),
      key: 'values',
      render: (_: unknown, a: Alarm) =>
        a.field
          ? `${value(a.raisedValue, a.field)} / ${value(a.peakValue, a.field)} / ${value(a.clearValue, a.field)}`
          : '—',
    },
    {
      title: t('sensors.report'),
      key: 'report',
      render: (_: unknown, a: Alarm) => (
        <Space size={4}>
          <Tag color={a.report === 'failed' ? 'red' : a.report === 'due' ? 'gold' : undefined}>
            {t(`sensors.reports.${a.report}`)}
          </Tag>
          {a.caseId && (
            <Link to={`/cases/${a.caseId}`} data-testid="sensor-alarm-case">
              {a.caseCode}
            </Link>
          )}
          {a.reportError && <Typography.Text type="danger">{a.reportError}</Typography.Text>}
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="page-sensor">
      {crumbs}
      <div
        style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', marginBottom: 12 }}
      >
        <Space size={8} wrap>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="page-title">
            {dev.name}
          </Typography.Title>
          <Typography.Text code>{dev.code}</Typography.Text>
          <DeviceStateTag state={dev.status.state} />
          {dev.activeConditions.map((c) => (
            <Tag key={c} color="red">
              {ruleOf(c) ? nameOf(i18n.language, ruleOf(c)!) : c}
            </Tag>
          ))}
          {dev.generated && <Tag color="purple">{t('sensors.generated')}</Tag>}
          {!dev.enabled && <Tag>{t('sensors.disabled')}</Tag>}
        </Space>
        {canManage && (
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="sensor-edit">
            {t('common.edit')}
          </Button>
        )}
      </div>
      <Row gutter={12}>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('sensors.device')} style={{ marginBottom: 12 }}>
            <Descriptions size="small" column={2} data-testid="sensor-info">
              <Descriptions.Item label={t('sensors.kind')}>{nameOf(i18n.language, d.kind)}</Descriptions.Item>
              <Descriptions.Item label={t('sensors.district')}>
                <DivisionName code={dev.districtCode} />
              </Descriptions.Item>
              <Descriptions.Item label={t('sensors.grid')}>
                <Typography.Text code>{dev.gridId}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('sensors.component')}>
                {dev.componentId ? <Typography.Text code>{dev.componentId}</Typography.Text> : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('sensors.address')}>{dev.address ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('sensors.org')}>{dev.orgName ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('sensors.silence')}>
                {duration(t, dev.effectiveSilenceS)}
                {dev.silenceS === null && (
                  <Typography.Text type="secondary"> {t('sensors.kindDefault')}</Typography.Text>
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('sensors.lastSeen')}>
                {formatTime(dev.status.lastSeenAt)}
              </Descriptions.Item>
              <Descriptions.Item label={t('sensors.lastReading')} span={2}>
                <span data-testid="sensor-last-values">
                  {describeValues(i18n.language, dev.status.lastValues, d.kind.fields)}
                </span>
                <Typography.Text type="secondary"> · {formatTime(dev.status.lastReadingAt)}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('sensors.stateSince')}>
                {formatTime(dev.status.stateSince)}
              </Descriptions.Item>
              <Descriptions.Item label={t('sensors.counts')}>
                {t('sensors.countsValue', { readings: dev.status.readings, rejected: dev.status.rejected })}
                {dev.status.lastRejectedReason && (
                  <Typography.Text type="secondary">
                    {' '}
                    (
                    {t(`sensors.reasons.${dev.status.lastRejectedReason}`, {
                      defaultValue: dev.status.lastRejectedReason,
                    })}
                    )
                  </Typography.Text>
                )}
              </Descriptions.Item>
              {dev.note && (
                <Descriptions.Item label={t('sensors.note')} span={2}>
                  {dev.note}
                </Descriptions.Item>
              )}
            </Descriptions>
          </Card>
          <Card size="small" title={t('sensors.conditions')} style={{ marginBottom: 12 }}>
            {d.conditions.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sensors.noRules')} />
            ) : (
              d.conditions.map((c) => {
                const r = ruleOf(c.condition)!;
                const unit = unitOf(r.field);
                return (
                  <div key={c.condition} style={{ marginBottom: 6 }} data-testid="sensor-condition">
                    <Space wrap>
                      <Typography.Text strong>{nameOf(i18n.language, r)}</Typography.Text>
                      <Tag color={c.state === 'active' ? 'red' : c.state === 'pending' ? 'gold' : 'green'}>
                        {t(`sensors.alarmStates.${c.state}`)}
                      </Tag>
                      <Typography.Text type="secondary">
                        {t('sensors.ruleText', {
                          field: nameOf(
                            i18n.language,
                            d.kind.fields.find((f) => f.key === r.field) ?? {
                              nameZh: r.field,
                              nameEn: r.field,
                            },
                          ),
                          op: COMPARISON_SIGNS[r.comparison],
                          threshold: withUnit(r.threshold, unit),
                          duration: duration(t, r.durationS),
                          clear: withUnit(r.clearLevel, unit),
                        })}
                      </Typography.Text>
                      {c.since && <Typography.Text type="secondary">· {formatTime(c.since)}</Typography.Text>}
                    </Space>
                  </div>
                );
              })
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('sensors.where')} style={{ marginBottom: 12 }}>
            <CityMap
              marker={{ lng: dev.lng, lat: dev.lat }}
              height={300}
              zoom={17}
              components
              testId="sensor-detail-map"
            />
          </Card>
        </Col>
      </Row>
      <Card
        size="small"
        title={t('sensors.readings')}
        style={{ marginBottom: 12 }}
        extra={
          <Space wrap>
            <Segmented
              size="small"
              value={shownField}
              onChange={(v) => setField(String(v))}
              options={d.kind.fields.map((f) => ({ value: f.key, label: nameOf(i18n.language, f) }))}
              data-testid="sensor-field"
            />
            <Segmented
              size="small"
              value={range}
              onChange={(v) => setRange(v as Range)}
              options={(Object.keys(RANGES) as Range[]).map((r) => ({
                value: r,
                label: t(`sensors.ranges.${r}`),
              }))}
              data-testid="sensor-range"
            />
          </Space>
        }
      >
        {readings.data ? (
          readings.data.points.length === 0 ? (
            <Empty description={t('sensors.noReadings')} />
          ) : (
            <>
              <ReadingsChart
                readings={readings.data}
                field={shownField}
                rules={d.kind.rules}
                alarms={d.alarms}
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('sensors.chart.bucket', { d: duration(t, readings.data.bucketSeconds) })}
              </Typography.Text>
            </>
          )
        ) : (
          <Skeleton active />
        )}
      </Card>
      <Card size="small" title={t('sensors.alarmHistory')}>
        <Table<Alarm>
          rowKey="id"
          size="small"
          columns={alarmColumns}
          dataSource={d.alarms}
          pagination={false}
          locale={{ emptyText: t('sensors.noAlarms') }}
          data-testid="sensor-alarms"
        />
      </Card>
      {editing && <DeviceDialog device={dev} onClose={() => setEditing(false)} />}
    </div>
  );
}
