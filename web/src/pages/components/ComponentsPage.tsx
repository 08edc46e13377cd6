import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEMO_DISTRICTS } from '../../../../common/identity.ts';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import type { ListResult } from '../../api/types';
import { PageContainer } from '../../components/PageContainer';
import { ComponentDrawer } from './ComponentDrawer';
import { COMPONENT_STATES, type Component, STATE_COLORS } from './types';

interface Filters {
  q?: string;
  typeCode?: string;
  gridId?: string;
  districtCode?: string;
  state?: string;
  near?: string;
  radius?: number;
  crs?: string;
}

const NEAR = /^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$/;

/** The component inventory: search by ID, type, grid, district, state or distance from a point. */
export function ComponentsPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canManage = me?.permissions.includes('component:manage') ?? false;
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [selected, setSelected] = useState<Component | null>(null);
  const [form] = Form.useForm<Filters>();

  const list = useQuery({
    queryKey: ['components', 'list', filters, page, pageSize],
    queryFn: () => api.get<ListResult<Component>>('/api/components', { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });

  const columns: ColumnsType<Component> = [
    {
      title: t('components.id'),
      dataIndex: 'id',
      width: 190,
      render: (id: string, c) => (
        <Typography.Link onClick={() => setSelected(c)} data-testid={`component-${id}`}>
          {id}
        </Typography.Link>
      ),
    },
    {
      title: t('components.type'),
      dataIndex: 'typeCode',
      width: 170,
      render: (code: string, c) => `${code} ${c.typeName ?? ''}`,
    },
    { title: t('components.name'), dataIndex: 'name', ellipsis: true },
    {
      title: t('components.state'),
      dataIndex: 'state',
      width: 90,
      render: (s: Component['state']) => <Tag color={STATE_COLORS[s]}>{t(`components.states.${s}`)}</Tag>,
    },
    { title: t('components.grid'), dataIndex: 'gridId', width: 160, render: (g: string | null) => g ?? '—' },
    { title: t('components.maintainerDept'), dataIndex: 'maintainerDept', ellipsis: true },
  ];
  if (filters.near) {
    columns.push({
      title: t('components.distance'),
      dataIndex: 'distanceM',
      width: 100,
      render: (d?: number) => (d === undefined ? '—' : `${d.toFixed(1)} m`),
    });
  }

  const apply = (v: Filters) => {
    const near = v.near?.replace(/\s+/g, '');
    setFilters({
      q: v.q?.trim() || undefined,
      typeCode: v.typeCode?.trim() || undefined,
      gridId: v.gridId?.trim() || undefined,
      districtCode: v.districtCode || undefined,
      state: v.state || undefined,
      near: near || undefined,
      radius: near ? (v.radius ?? 200) : undefined,
      crs: near ? (v.crs ?? 'wgs84') : undefined,
    });
    setPage(1);
  };

  return (
    <PageContainer testId="page-components" title={t('components.title')}>
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form form={form} layout="inline" onFinish={apply} data-testid="components-filter">
          <Form.Item name="q" label={t('components.search')}>
            <Input allowClear placeholder={t('components.searchPlaceholder')} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item
            name="typeCode"
            label={t('components.type')}
            rules={[{ pattern: /^\d{5}$/, message: '5' }]}
          >
            <Input allowClear placeholder="01001" style={{ width: 90 }} />
          </Form.Item>
          <Form.Item
            name="gridId"
            label={t('components.grid')}
            rules={[{ pattern: /^\d{14,15}$/, message: '15' }]}
          >
            <Input allowClear style={{ width: 170 }} />
          </Form.Item>
          <Form.Item name="districtCode" label={t('components.district')}>
            <Select
              allowClear
              style={{ width: 130 }}
              placeholder={t('common.all')}
              options={DEMO_DISTRICTS.map((d) => ({ value: d.code, label: d.name }))}
            />
          </Form.Item>
          <Form.Item name="state" label={t('components.state')}>
            <Select
              allowClear
              style={{ width: 100 }}
              placeholder={t('common.all')}
              options={COMPONENT_STATES.map((s) => ({ value: s, label: t(`components.states.${s}`) }))}
            />
          </Form.Item>
          <Form.Item
            name="near"
            label={t('components.near')}
            rules={[{ pattern: NEAR, message: t('components.nearFormat') }]}
          >
            <Input allowClear placeholder="121.557,29.873" style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="radius" label={t('components.radius')}>
            <InputNumber min={1} max={5000} placeholder="200" style={{ width: 90 }} />
          </Form.Item>
          <Form.Item name="crs">
            <Select
              style={{ width: 100 }}
              placeholder="WGS84"
              options={[
                { value: 'wgs84', label: 'WGS84' },
                { value: 'gcj02', label: 'GCJ-02' },
                { value: 'bd09', label: 'BD-09' },
              ]}
            />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button
                type="primary"
                htmlType="submit"
                icon={<SearchOutlined />}
                data-testid="components-search"
              >
                {t('common.search')}
              </Button>
              <Button
                icon={<ReloadOutlined />}
                onClick={() => {
                  form.resetFields();
                  apply({});
                }}
              >
                {t('common.reset')}
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      {list.error && <Alert type="error" showIcon message={(list.error as Error).message} />}
      <Table<Component>
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        columns={columns}
        scroll={{ x: 1000 }}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
        data-testid="components-table"
      />
      <ComponentDrawer component={selected} canManage={canManage} onClose={() => setSelected(null)} />
    </PageContainer>
  );
}
