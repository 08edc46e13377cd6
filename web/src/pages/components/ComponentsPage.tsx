import { Form, Input, InputNumber, Select, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEMO_DISTRICTS } from '../../../../common/identity.ts';
import { useMe } from '../../api/queries';
import type { ListResult } from '../../api/types';
import { PageContainer } from '../../components/PageContainer';
import { cleanFilters, FilterBar, PagedTable, usePagedList } from '../../components/PagedList';
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
  const [selected, setSelected] = useState<Component | null>(null);
  const list = usePagedList<ListResult<Component>, Filters>({
    queryKey: ['components', 'list'],
    path: '/api/components',
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
  if (list.filters.near) {
    columns.push({
      title: t('components.distance'),
      dataIndex: 'distanceM',
      width: 100,
      render: (d?: number) => (d === undefined ? '—' : `${d.toFixed(1)} m`),
    });
  }

  const apply = (v: Filters) => {
    const near = v.near?.replace(/\s+/g, '');
    list.setFilters({
      ...cleanFilters({
        q: v.q,
        typeCode: v.typeCode,
        gridId: v.gridId,
        districtCode: v.districtCode,
        state: v.state,
      }),
      near: near || undefined,
      radius: near ? (v.radius ?? 200) : undefined,
      crs: near ? (v.crs ?? 'wgs84') : undefined,
    });
  };

  return (
    <PageContainer testId="page-components" title={t('components.title')}>
      <FilterBar<Filters> testId="components-filter" searchTestId="components-search" onApply={apply}>
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
      </FilterBar>
      <PagedTable<Component>
        list={list}
        size="small"
        columns={columns}
        scroll={{ x: 1000 }}
        data-testid="components-table"
      />
      <ComponentDrawer component={selected} canManage={canManage} onClose={() => setSelected(null)} />
    </PageContainer>
  );
}
