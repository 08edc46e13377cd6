/**
 * 传感器: the devices in the caller's scope — how many are online, offline, never heard and in
 * alarm, whether this node listens to the broker — as a list (state, last reading, alarms) and as
 * a map; admins register devices one by one or from a CSV.
 */
import { ImportOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Form,
  Input,
  Row,
  Select,
  Space,
  Statistic,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { DEVICE_STATES } from '../../../../common/sensors.ts';
import { useMe } from '../../api/queries';
import type { ListResult } from '../../api/types';
import { DivisionName } from '../../components/case/CaseBits';
import { formatTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { cleanFilters, PagedTable, usePagedList } from '../../components/PagedList';
import { type Device, describeValues, nameOf, sensorsKey, useKinds, useSensorStatus } from './api';
import { DeviceDialog } from './DeviceDialog';
import { DeviceStateTag } from './DeviceStateTag';
import { ImportDialog } from './ImportDialog';
import { SensorMap } from './SensorMap';

interface Filters {
  q?: string;
  kindCode?: string;
  state?: string;
  alarm?: boolean;
}

export function SensorsPage() {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  const canManage = (me?.permissions.includes('sensor:manage') ?? false) && me?.scope.kind !== 'unit';
  const kinds = useKinds();
  const status = useSensorStatus();
  const [params, setParams] = useSearchParams();
  const tab = params.get('view') === 'map' ? 'map' : 'list';
  const [dialog, setDialog] = useState<'create' | 'import' | null>(null);
  const list = usePagedList<ListResult<Device>, Filters>({
    queryKey: [...sensorsKey, 'devices'],
    path: '/api/sensors/devices',
  });
  const kindOf = (code: string) => kinds.data?.items.find((k) => k.code === code);
  const ruleName = (kindCode: string, condition: string) => {
    const r = kindOf(kindCode)?.rules.find((x) => x.condition === condition);
    return r ? nameOf(i18n.language, r) : condition;
  };

  const columns: ColumnsType<Device> = [
    {
      title: t('sensors.code'),
      dataIndex: 'code',
      width: 190,
      render: (code: string, d) => (
        <Link to={`/sensors/${d.id}`} data-testid="sensor-link">
          <Typography.Text code>{code}</Typography.Text>
        </Link>
      ),
    },
    {
      title: t('sensors.name'),
      dataIndex: 'name',
      ellipsis: true,
      render: (name: string, d) => (
        <Space size={4}>
          <span>{name}</span>
          {d.generated && <Tag color="purple">{t('sensors.generated')}</Tag>}
          {!d.enabled && <Tag>{t('sensors.disabled')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('sensors.kind'),
      key: 'kind',
      width: 170,
      render: (_, d) => nameOf(i18n.language, { nameZh: d.kindNameZh, nameEn: d.kindNameEn }),
    },
    {
      title: t('sensors.district'),
      dataIndex: 'districtCode',
      width: 100,
      render: (code: string) => <DivisionName code={code} />,
    },
    {
      title: t('sensors.state'),
      key: 'state',
      width: 100,
      render: (_, d) => <DeviceStateTag state={d.status.state} />,
    },
    {
      title: t('sensors.lastReading'),
      key: 'last',
      render: (_, d) => (
        <div data-testid="sensor-last-reading">
          <div>{describeValues(i18n.language, d.status.lastValues, kindOf(d.kindCode)?.fields)}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {formatTime(d.status.lastReadingAt)}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('sensors.alarms'),
      key: 'alarms',
      width: 160,
      render: (_, d) =>
        d.activeConditions.length === 0 ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : (
          d.activeConditions.map((c) => (
            <Tag key={c} color="red" data-testid="sensor-alarm-tag">
              {ruleName(d.kindCode, c)}
            </Tag>
          ))
        ),
    },
  ];

  const s = status.data;
  return (
    <PageContainer
      testId="page-sensors"
      title={t('sensors.title')}
      extra={
        canManage && (
          <Space>
            <Button
              icon={<ImportOutlined />}
              onClick={() => setDialog('import')}
              data-testid="sensors-import"
            >
              {t('sensors.import.button')}
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setDialog('create')}
              data-testid="sensors-create"
            >
              {t('sensors.create')}
            </Button>
          </Space>
        )
      }
    >
      {s && !s.listener.enabled && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('sensors.listenerOff')}
          description={t('sensors.listenerOffHint')}
          data-testid="sensors-listener-off"
        />
      )}
      {s?.listener.enabled && s.listener.connected < s.listener.connections && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('sensors.listenerDown', {
            connected: s.listener.connected,
            connections: s.listener.connections,
          })}
        />
      )}
      <Row gutter={12} style={{ marginBottom: 12 }} data-testid="sensors-counts">
        {(
          [
            ['total', s?.devices.total, undefined],
            ['online', s?.devices.online, '#389e0d'],
            ['offline', s?.devices.offline, '#cf1322'],
            ['never', s?.devices.never, '#8c8c8c'],
            ['inAlarm', s?.devices.inAlarm, '#d4380d'],
          ] as const
        ).map(([key, value, color]) => (
          <Col key={key} xs={12} sm={8} md={4}>
            <Card size="small">
              <Statistic
                title={t(`sensors.count.${key}`)}
                value={value ?? '—'}
                styles={{ content: color ? { color } : undefined }}
              />
            </Card>
          </Col>
        ))}
        {s?.listener.enabled && (
          <Col xs={24} md={8}>
            <Card size="small">
              <Statistic
                title={t('sensors.count.stored')}
                value={s.listener.stored}
                suffix={
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('sensors.count.refused', { n: s.listener.rejected.reduce((a, r) => a + r.count, 0) })}
                  </Typography.Text>
                }
              />
            </Card>
          </Col>
        )}
      </Row>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'map' ? { view: 'map' } : {}, { replace: true })}
          items={[
            {
              key: 'list',
              label: t('sensors.tabs.list'),
              children: (
                <>
                  <Form<Filters>
                    layout="inline"
                    style={{ marginBottom: 16, rowGap: 8 }}
                    onFinish={(v) => list.setFilters(cleanFilters(v))}
                    data-testid="sensors-filter"
                  >
                    <Form.Item name="q">
                      <Input allowClear placeholder={t('sensors.search')} style={{ width: 200 }} />
                    </Form.Item>
                    <Form.Item name="kindCode" label={t('sensors.kind')}>
                      <Select
                        allowClear
                        style={{ width: 180 }}
                        placeholder={t('common.all')}
                        options={kinds.data?.items.map((k) => ({
                          value: k.code,
                          label: nameOf(i18n.language, k),
                        }))}
                      />
                    </Form.Item>
                    <Form.Item name="state" label={t('sensors.state')}>
                      <Select
                        allowClear
                        style={{ width: 110 }}
                        placeholder={t('common.all')}
                        options={DEVICE_STATES.map((x) => ({ value: x, label: t(`sensors.states.${x}`) }))}
                      />
                    </Form.Item>
                    <Form.Item name="alarm" label={t('sensors.alarms')}>
                      <Select
                        allowClear
                        style={{ width: 110 }}
                        placeholder={t('common.all')}
                        options={[
                          { value: true, label: t('sensors.inAlarm') },
                          { value: false, label: t('sensors.noAlarm') },
                        ]}
                      />
                    </Form.Item>
                    <Button
                      type="primary"
                      htmlType="submit"
                      icon={<SearchOutlined />}
                      data-testid="sensors-search"
                    >
                      {t('common.search')}
                    </Button>
                  </Form>
                  <PagedTable<Device> list={list} columns={columns} data-testid="sensors-table" />
                </>
              ),
            },
            {
              key: 'map',
              label: t('sensors.tabs.map'),
              children: tab === 'map' ? <SensorMap /> : null,
            },
          ]}
        />
      </Card>
      {dialog === 'create' && <DeviceDialog onClose={() => setDialog(null)} />}
      {dialog === 'import' && <ImportDialog onClose={() => setDialog(null)} />}
    </PageContainer>
  );
}
